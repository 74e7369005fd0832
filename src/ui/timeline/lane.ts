// The shared frame of the lanes under the spectrogram (reference events, detector activity): a
// full-width strip inside wavesurfer's scrolling wrapper, hidden until it has something to show.
import { COLORS } from '../theme';

export function laneElement(part: string, heightPx: number): HTMLDivElement {
  const lane = document.createElement('div');
  lane.setAttribute('part', part);
  Object.assign(lane.style, {
    position: 'relative',
    height: `${heightPx}px`,
    background: COLORS.lane,
    borderTop: `1px solid ${COLORS.border}`,
    // Nothing drawn past the recording's end may widen the scrolling area (the ruler reads it).
    overflow: 'hidden',
    display: 'none',
  } satisfies Partial<CSSStyleDeclaration>);
  return lane;
}
