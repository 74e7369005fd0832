// Timed events as coloured, semi-transparent regions, coloured from the one label table.
// Two kinds share wavesurfer's Regions plugin:
// - predicted events (the model's, as edited): filled over the waveform, edged down the spectrogram,
//   resizable by their edges, marked with their agreement with an annotation;
// - heart mode: the heart classifier's windows, tiled so they never overlap.
// The annotated events have their own lane under the spectrogram (referenceLane.ts).
import type RegionsPlugin from 'wavesurfer.js/plugins/regions';
import type { AnalysedEvent, FamilyActivity, TimedEvent } from '../../core/types';
import { AGREEMENT_TEXT, type Agreement } from '../../analysis/agreement';
import { MIN_EVENT_S } from '../../analysis/events';
import { eventColor, heartColor } from '../../core/labels';
import { COLORS, withAlpha } from '../theme';
import { clipLabels, labelElement, pct } from './eventLabel';

type Regions = InstanceType<typeof RegionsPlugin>;
type Region = ReturnType<Regions['addRegion']>;

/** ~30 % opacity: the waveform and spectrogram must stay readable underneath. */
export const REGION_FILL_ALPHA = 0.3;
/** Height of the reference lane under the spectrogram. */
export const LANE_HEIGHT = 30;

export interface RegionLayers {
  predictions: readonly AnalysedEvent[];
  reference?: readonly TimedEvent[];
  agreement?: Agreement;
  /** Heart mode: window segments coloured by heart class (replace the predictions). */
  heart?: readonly { start: number; end: number; className: string; confidence: number }[];
  /** The detector's CAS / DAS activity (respiratory mode), drawn in its lane. */
  activity?: FamilyActivity;
  editable: boolean;
}

export interface RegionHandlers {
  onHover: (id: string | undefined) => void;
}

function edgeStyle(region: Region, color: string, fill: string, fillHeight: number, bottomGap: number): void {
  if (!region.element) return;
  Object.assign(region.element.style, {
    backgroundImage: `linear-gradient(to bottom, ${fill} 0, ${fill} ${fillHeight}px, transparent ${fillHeight}px)`,
    borderLeft: `2px solid ${withAlpha(color, 0.95)}`,
    borderRight: `2px solid ${withAlpha(color, 0.95)}`,
    boxSizing: 'border-box',
    height: bottomGap ? `calc(100% - ${bottomGap}px)` : '100%',
  } satisfies Partial<CSSStyleDeclaration>);
}

/**
 * Draws every layer afresh (a recording has tens of events, so this is cheap and keeps the
 * regions exactly in step with the list the table shows).
 */
export function showRegions(regions: Regions, layers: RegionLayers, durationS: number, waveformHeight: number, handlers: RegionHandlers): void {
  regions.clearRegions();
  const clip = clipLabels(durationS);
  const lane = layers.reference ? LANE_HEIGHT : 0;
  const inRange = (e: { start: number; end: number }) => e.end > 0 && e.start < durationS;

  if (layers.heart) {
    layers.heart.forEach((w, i) => {
      if (!inRange(w)) return;
      const color = heartColor(w.className);
      const region = regions.addRegion({
        id: `heart-${i}`,
        start: Math.max(0, w.start),
        end: Math.min(durationS, w.end),
        color: 'transparent',
        content: labelElement(`${w.className} ${pct(w.confidence)}`, color, clip),
        drag: false,
        resize: false,
      });
      edgeStyle(region, color, withAlpha(color, REGION_FILL_ALPHA), waveformHeight, lane);
      region.element?.setAttribute('data-lane', 'heart');
      region.element?.setAttribute('data-heart-class', w.className);
      region.element?.setAttribute('title', `${w.className} ${pct(w.confidence)}: ${w.start.toFixed(1)}–${w.end.toFixed(1)} s — click to play`);
    });
  } else {
    layers.predictions.forEach((ev, i) => {
      if (!inRange(ev)) return;
      const color = eventColor(ev.label);
      const mark = layers.agreement ? `${AGREEMENT_TEXT[layers.agreement.predicted[i]?.kind ?? 'extra'].mark} ` : '';
      const conf = ev.labelByClinician ? ' (set)' : ev.confidence > 0 && ev.confidence < 1 ? ` ${pct(ev.confidence)}` : '';
      const region = regions.addRegion({
        id: ev.id,
        start: Math.max(0, ev.start),
        end: Math.min(durationS, ev.end),
        color: 'transparent',
        content: labelElement(`${mark}${ev.label}${conf}${ev.edited ? ' ✎' : ''}`, color, clip),
        drag: false,
        resize: layers.editable,
        minLength: MIN_EVENT_S,
      });
      edgeStyle(region, color, withAlpha(color, REGION_FILL_ALPHA), waveformHeight, lane);
      const el = region.element;
      if (!el) return;
      el.setAttribute('data-lane', 'prediction');
      el.setAttribute('data-event-id', ev.id);
      el.setAttribute('data-class', ev.label);
      el.setAttribute('data-start', ev.start.toFixed(3));
      el.setAttribute('data-end', ev.end.toFixed(3));
      el.setAttribute(
        'title',
        `${ev.label}${conf}: ${ev.start.toFixed(2)}–${ev.end.toFixed(2)} s — click to play${layers.editable ? '; drag an edge to change it' : ''}`,
      );
      el.addEventListener('mouseenter', () => handlers.onHover(ev.id));
      el.addEventListener('mouseleave', () => handlers.onHover(undefined));
    });
  }
}

/** The selected event gets a strong outline, the hovered one (table or timeline) a lighter one. */
export function highlightRegions(regions: Regions, selectedId: string | undefined, hoveredId: string | undefined): void {
  for (const r of regions.getRegions()) {
    const el = r.element;
    if (!el || el.getAttribute('data-lane') !== 'prediction') continue;
    const selected = r.id === selectedId;
    const hovered = r.id === hoveredId;
    el.style.outline = selected ? `3px solid ${COLORS.accent}` : hovered ? `2px dashed ${COLORS.primary}` : '';
    el.style.outlineOffset = selected || hovered ? '-3px' : '';
    el.style.zIndex = selected ? '3' : hovered ? '2' : '';
    el.toggleAttribute('data-selected', selected);
    el.toggleAttribute('data-hovered', hovered);
  }
}

/** Heart windows overlap (3 s every 1 s): each is shown over the stretch nearest its centre. */
export function tileWindows<T extends { start: number; end: number }>(windows: readonly T[], durationS: number): T[] {
  const centres = windows.map((w) => (w.start + w.end) / 2);
  return windows.map((w, i) => ({
    ...w,
    start: i === 0 ? 0 : (centres[i - 1] + centres[i]) / 2,
    end: i === windows.length - 1 ? durationS : (centres[i] + centres[i + 1]) / 2,
  }));
}
