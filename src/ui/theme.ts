// The app's one palette and its MUI theme. Class colours (events, records, heart sounds) are not
// here: they come from the label table (src/core/labels: eventColor, recordColor, heartColor).
// Everything else that is coloured — MUI components, the timeline drawn outside React, the printed
// report and its canvas — takes its colour from COLORS.
import { createTheme } from '@mui/material/styles';

export const COLORS = {
  /** The brand colour: app bar, headings, the played waveform, the hovered event's outline. */
  primary: '#0b3d4a',
  /** The playback cursor and the selected event. */
  accent: '#b3261e',
  /** The waveform not yet played. */
  wave: '#2f6f7e',
  /** Page background, also behind the time ruler. */
  page: '#f3f6f7',
  paper: '#ffffff',
  /** Text drawn on the timeline's own surfaces (ruler, lane caption, report picture). */
  text: '#1d2b30',
  /** Near-black text on the white event labels. */
  ink: '#111111',
  /** The reference (annotation) lane under the spectrogram. */
  lane: '#eef2f3',
  /** Borders of the lane and of panels drawn outside MUI's own. */
  border: '#c9d3d6',
  divider: '#e0e6e8',
  /** The empty part of a probability bar. */
  track: '#e6ecee',
  /** A missing value (e.g. a model that did not vote). */
  muted: '#cccccc',
  black: '#000000',
  /** Print (black on white): rules and secondary text. */
  printRule: '#999999',
  printRuleLight: '#dddddd',
  printSecondary: '#333333',
  /** Dataset metrics: agreement and disagreement cells (Okabe-Ito, as the class colours). */
  agree: '#009e73',
  disagree: '#d55e00',
} as const;

/** `#rrggbb` as 0–255 channels; null for anything else. */
export function hexToRgb(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : null;
}

/** `#rrggbb` with an opacity, as CSS rgba(); anything else is returned as it is. */
export function withAlpha(hex: string, alpha: number): string {
  const rgb = hexToRgb(hex);
  return rgb ? `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})` : hex;
}

// High contrast and generous type: the app is read at arm's length next to a patient.
export const theme = createTheme({
  palette: {
    mode: 'light',
    primary: { main: COLORS.primary, contrastText: COLORS.paper },
    secondary: { main: COLORS.accent },
    background: { default: COLORS.page, paper: COLORS.paper },
  },
  typography: {
    fontSize: 15,
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    button: { textTransform: 'none', fontWeight: 600 },
  },
  shape: { borderRadius: 8 },
  components: {
    MuiTooltip: { styleOverrides: { tooltip: { fontSize: '0.85rem' } } },
  },
});
