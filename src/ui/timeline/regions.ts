// Timed events as coloured, semi-transparent regions, coloured from the one label table.
// Three kinds share wavesurfer's Regions plugin:
// - predicted events (the model's, as edited): filled over the waveform, edged down the spectrogram,
//   resizable by their edges;
// - reference (annotated) events: in their own lane under the spectrogram, marked with their
//   agreement with the predictions;
// - heart mode: the heart classifier's windows, tiled so they never overlap.
import type RegionsPlugin from 'wavesurfer.js/plugins/regions';
import type { AnalysedEvent, TimedEvent } from '../../core/types';
import { AGREEMENT_TEXT, type Agreement } from '../../analysis/agreement';
import { MIN_EVENT_S } from '../../analysis/events';
import { eventColor, heartColor } from '../../core/labels';

type Regions = InstanceType<typeof RegionsPlugin>;
type Region = ReturnType<Regions['addRegion']>;

/** ~30 % opacity: the waveform and spectrogram must stay readable underneath. */
export const REGION_FILL_ALPHA = 0.3;
/** Height of the reference lane under the spectrogram. */
export const LANE_HEIGHT = 30;

export function withAlpha(hex: string, alpha: number): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * Recordings longer than this have their region labels clipped to the region: zoomed out on a long
 * recording, labels spilling over their neighbours pile up unreadably. Shorter ones (SPRSound's are
 * 9–15 s) let a label run past a narrow region, so it can be read.
 */
const CLIP_LABELS_AFTER_S = 60;

function labelElement(text: string, color: string, clip: boolean, small = false): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text;
  Object.assign(el.style, {
    display: 'inline-block',
    margin: small ? '3px 0 0 2px' : '2px 0 0 2px',
    padding: '0 4px',
    font: `600 ${small ? 10 : 11}px/16px system-ui, sans-serif`,
    color: '#111',
    background: 'rgba(255,255,255,0.9)',
    borderLeft: `4px solid ${color}`,
    borderRadius: '2px',
    whiteSpace: 'nowrap',
    ...(clip && { maxWidth: 'calc(100% - 4px)', overflow: 'hidden', textOverflow: 'ellipsis', boxSizing: 'border-box' }),
    pointerEvents: 'none',
  } satisfies Partial<CSSStyleDeclaration>);
  return el;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export interface RegionLayers {
  predictions: readonly AnalysedEvent[];
  reference?: readonly TimedEvent[];
  agreement?: Agreement;
  /** Heart mode: window segments coloured by heart class (replace the predictions). */
  heart?: readonly { start: number; end: number; className: string; confidence: number }[];
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
  const clip = durationS > CLIP_LABELS_AFTER_S;
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
        color: 'rgba(0, 0, 0, 0)',
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
        color: 'rgba(0, 0, 0, 0)',
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

  layers.reference?.forEach((ev, i) => {
    if (!inRange(ev)) return;
    const color = eventColor(ev.label);
    const kind = layers.agreement?.reference[i]?.kind;
    const mark = kind ? `${AGREEMENT_TEXT[kind].mark} ` : '';
    const region = regions.addRegion({
      id: `ref-${i + 1}`,
      start: Math.max(0, ev.start),
      end: Math.min(durationS, ev.end),
      color: 'rgba(0, 0, 0, 0)',
      content: labelElement(`${mark}${ev.label}`, color, clip, true),
      drag: false,
      resize: false,
    });
    const el = region.element;
    if (!el) return;
    Object.assign(el.style, {
      top: `calc(100% - ${LANE_HEIGHT - 2}px)`,
      height: `${LANE_HEIGHT - 4}px`,
      background: withAlpha(color, 0.45),
      border: `2px ${kind === 'missed' ? 'dashed' : 'solid'} ${color}`,
      boxSizing: 'border-box',
    } satisfies Partial<CSSStyleDeclaration>);
    el.setAttribute('data-lane', 'reference');
    el.setAttribute('data-label', ev.label);
    if (kind) el.setAttribute('data-agreement', kind);
    el.setAttribute('title', `Annotated ${ev.label}: ${ev.start.toFixed(2)}–${ev.end.toFixed(2)} s${kind ? ` — ${AGREEMENT_TEXT[kind].text}` : ''} — click to play`);
  });
}

/** The selected event gets a strong outline, the hovered one (table or timeline) a lighter one. */
export function highlightRegions(regions: Regions, selectedId: string | undefined, hoveredId: string | undefined): void {
  for (const r of regions.getRegions()) {
    const el = r.element;
    if (!el || el.getAttribute('data-lane') !== 'prediction') continue;
    const selected = r.id === selectedId;
    const hovered = r.id === hoveredId;
    el.style.outline = selected ? '3px solid #b3261e' : hovered ? '2px dashed #0b3d4a' : '';
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
