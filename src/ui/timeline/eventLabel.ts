// The small white label drawn on an event band (regions over the waveform, the reference lane),
// edged in the class colour.
import { COLORS, withAlpha } from '../theme';

/**
 * Recordings longer than this have their labels clipped to the band: zoomed out on a long
 * recording, labels spilling over their neighbours pile up unreadably. Shorter ones (SPRSound's are
 * 9–15 s) let a label run past a narrow band, so it can be read.
 */
const CLIP_LABELS_AFTER_S = 60;

export function clipLabels(durationS: number): boolean {
  return durationS > CLIP_LABELS_AFTER_S;
}

export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export function labelElement(text: string, color: string, clip: boolean, small = false): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text;
  Object.assign(el.style, {
    display: 'inline-block',
    margin: small ? '3px 0 0 2px' : '2px 0 0 2px',
    padding: '0 4px',
    font: `600 ${small ? 10 : 11}px/16px system-ui, sans-serif`,
    color: COLORS.ink,
    background: withAlpha(COLORS.paper, 0.9),
    borderLeft: `4px solid ${color}`,
    borderRadius: '2px',
    whiteSpace: 'nowrap',
    ...(clip && { maxWidth: 'calc(100% - 4px)', overflow: 'hidden', textOverflow: 'ellipsis', boxSizing: 'border-box' }),
    pointerEvents: 'none',
  } satisfies Partial<CSSStyleDeclaration>);
  return el;
}
