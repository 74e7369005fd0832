// Timed events as coloured, semi-transparent regions, coloured from the one label table.
import type RegionsPlugin from 'wavesurfer.js/plugins/regions';
import type { TimedEvent } from '../../../workers/api';
import { eventColor } from '../../labels';

type Regions = InstanceType<typeof RegionsPlugin>;

/** ~30 % opacity: the waveform and spectrogram must stay readable underneath. */
export const REGION_FILL_ALPHA = 0.3;

export function withAlpha(hex: string, alpha: number): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function labelElement(ev: TimedEvent, color: string): HTMLElement {
  const el = document.createElement('span');
  const pct = ev.confidence < 1 ? ` ${Math.round(ev.confidence * 100)}%` : '';
  el.textContent = `${ev.label}${pct}`;
  Object.assign(el.style, {
    display: 'inline-block',
    margin: '2px 0 0 2px',
    padding: '0 4px',
    font: '600 11px/16px system-ui, sans-serif',
    color: '#111',
    background: 'rgba(255,255,255,0.9)',
    borderLeft: `4px solid ${color}`,
    borderRadius: '2px',
    whiteSpace: 'nowrap',
    pointerEvents: 'none',
  } satisfies Partial<CSSStyleDeclaration>);
  return el;
}

/**
 * Regions span the waveform and the spectrogram. Filled over the waveform; over the spectrogram
 * only edged in the label colour, because a tint there would change the colours clinicians read.
 */
export function showEvents(regions: Regions, events: readonly TimedEvent[], durationS: number, waveformHeight: number): void {
  regions.clearRegions();
  events.forEach((ev, i) => {
    if (ev.end <= 0 || ev.start >= durationS) return;
    const color = eventColor(ev.label);
    const fill = withAlpha(color, REGION_FILL_ALPHA);
    const region = regions.addRegion({
      id: `event-${i}`,
      start: Math.max(0, ev.start),
      end: Math.min(durationS, ev.end),
      color: 'rgba(0, 0, 0, 0)',
      content: labelElement(ev, color),
      drag: false,
      resize: false,
    });
    if (region.element) {
      Object.assign(region.element.style, {
        backgroundImage: `linear-gradient(to bottom, ${fill} 0, ${fill} ${waveformHeight}px, transparent ${waveformHeight}px)`,
        borderLeft: `2px solid ${withAlpha(color, 0.95)}`,
        borderRight: `2px solid ${withAlpha(color, 0.95)}`,
        boxSizing: 'border-box',
      } satisfies Partial<CSSStyleDeclaration>);
    }
    region.element?.setAttribute('data-label', ev.label);
    region.element?.setAttribute('title', `${ev.label}: ${ev.start.toFixed(2)}–${ev.end.toFixed(2)} s — click to play`);
  });
}
