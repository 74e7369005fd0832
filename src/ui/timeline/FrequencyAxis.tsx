// Frequency labels for the spectrogram, drawn outside wavesurfer's scrolling area: the plugin's
// own labels scroll away with the content as soon as the view is zoomed in.
import Box from '@mui/material/Box';
import { COLORS, withAlpha } from '../theme';

export interface FrequencyAxisProps {
  maxHz: number;
  top: number;
  height: number;
}

function formatHz(hz: number): string {
  return hz >= 1000 ? `${hz / 1000} kHz` : `${hz} Hz`;
}

/** Four or five evenly spaced ticks from 0 to `maxHz`. */
export function frequencyTicks(maxHz: number): number[] {
  const step = maxHz / 4;
  return [0, 1, 2, 3, 4].map((i) => i * step);
}

export function FrequencyAxis({ maxHz, top, height }: FrequencyAxisProps) {
  return (
    <Box
      aria-hidden
      sx={{ position: 'absolute', left: 16, top, height, width: 64, pointerEvents: 'none', zIndex: 5 }}
    >
      {frequencyTicks(maxHz).map((hz) => {
        const y = height * (1 - hz / maxHz);
        return (
          <Box
            key={hz}
            sx={{
              position: 'absolute',
              left: 0,
              top: Math.min(height - 9, Math.max(9, y)),
              transform: 'translateY(-50%)',
              display: 'flex',
              alignItems: 'center',
              gap: '3px',
            }}
          >
            <Box sx={{ width: 6, height: '2px', bgcolor: COLORS.paper }} />
            <Box
              component="span"
              sx={{ font: '600 11px/14px system-ui, sans-serif', color: COLORS.paper, bgcolor: withAlpha(COLORS.black, 0.6), px: '3px', borderRadius: '2px' }}
            >
              {formatHz(hz)}
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
