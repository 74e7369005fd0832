// The reference lane: a strip under the spectrogram, inside wavesurfer's scrolling wrapper (so it
// zooms and scrolls with the audio), in which an annotation's events are drawn, each marked with its
// agreement with the model's events. Clicking one plays it. The positions are percentages of the
// recording, so a zoom or a resize needs no rebuild.
import BasePlugin, { type BasePluginEvents } from 'wavesurfer.js/dist/base-plugin.js';
import type { TimedEvent } from '../../core/types';
import { eventColor } from '../../core/labels';
import { AGREEMENT_TEXT, type Agreement, type AgreementKind } from '../../analysis/agreement';
import { withAlpha } from '../theme';
import { clipLabels, labelElement } from './eventLabel';
import { laneElement } from './lane';

export interface LaneItem {
  /** 'ref-1', 'ref-2', … in the annotation's order. */
  id: string;
  start: number;
  end: number;
  /** Left edge and width in the lane, % of the recording. */
  left: number;
  width: number;
  label: string;
  color: string;
  kind?: AgreementKind;
  /** The label drawn on the band (agreement mark and class). */
  text: string;
  title: string;
}

/** The bands of the annotated events that fall in the recording, clipped to it. */
export function laneItems(events: readonly TimedEvent[], agreement: Agreement['reference'] | undefined, durationS: number): LaneItem[] {
  if (!(durationS > 0)) return [];
  const items: LaneItem[] = [];
  events.forEach((ev, i) => {
    if (ev.end <= 0 || ev.start >= durationS) return;
    const start = Math.max(0, ev.start);
    const end = Math.min(durationS, ev.end);
    const kind = agreement?.[i]?.kind;
    items.push({
      id: `ref-${i + 1}`,
      start,
      end,
      left: (start / durationS) * 100,
      width: ((end - start) / durationS) * 100,
      label: ev.label,
      color: eventColor(ev.label),
      kind,
      text: `${kind ? `${AGREEMENT_TEXT[kind].mark} ` : ''}${ev.label}`,
      title: `Annotated ${ev.label}: ${ev.start.toFixed(2)}–${ev.end.toFixed(2)} s${kind ? ` — ${AGREEMENT_TEXT[kind].text}` : ''} — click to play`,
    });
  });
  return items;
}

export interface ReferenceLaneOptions {
  /** px */
  height: number;
}

export type ReferenceLaneEvents = BasePluginEvents & {
  /** An annotated event was clicked (and plays). */
  'event-clicked': [item: LaneItem];
};

export class ReferenceLanePlugin extends BasePlugin<ReferenceLaneEvents, ReferenceLaneOptions> {
  private readonly lane: HTMLDivElement;
  private observer?: MutationObserver;
  private events?: readonly TimedEvent[];
  private agreement?: Agreement['reference'];

  static create(options: ReferenceLaneOptions): ReferenceLanePlugin {
    return new ReferenceLanePlugin(options);
  }

  constructor(options: ReferenceLaneOptions) {
    super(options);
    this.lane = laneElement('reference-lane', options.height);
  }

  protected onInit(): void {
    const ws = this.wavesurfer;
    if (!ws) return;
    const wrapper = ws.getWrapper();
    wrapper.appendChild(this.lane);
    // The lane is the wrapper's last child, under whatever a later plugin (the spectrogram) adds.
    this.observer = new MutationObserver(() => {
      if (wrapper.lastElementChild !== this.lane) wrapper.appendChild(this.lane);
    });
    this.observer.observe(wrapper, { childList: true });
    this.subscriptions.push(ws.on('ready', () => this.draw()));
    this.draw();
  }

  /** Shows the annotated events (with their agreement with the model's), or no lane at all. */
  setEvents(events: readonly TimedEvent[] | undefined, agreement?: Agreement['reference']): void {
    this.events = events;
    this.agreement = agreement;
    this.draw();
  }

  private draw(): void {
    const ws = this.wavesurfer;
    this.lane.style.display = this.events ? 'block' : 'none';
    if (!ws || !this.events) {
      this.lane.replaceChildren();
      return;
    }
    const durationS = ws.getDuration();
    const clip = clipLabels(durationS);
    const fragment = document.createDocumentFragment();
    for (const item of laneItems(this.events, this.agreement, durationS)) fragment.appendChild(this.band(item, clip));
    this.lane.replaceChildren(fragment);
  }

  private band(item: LaneItem, clip: boolean): HTMLElement {
    const el = document.createElement('div');
    Object.assign(el.style, {
      position: 'absolute',
      top: '2px',
      left: `${item.left}%`,
      width: `${item.width}%`,
      height: `${this.options.height - 4}px`,
      background: withAlpha(item.color, 0.45),
      border: `2px ${item.kind === 'missed' ? 'dashed' : 'solid'} ${item.color}`,
      boxSizing: 'border-box',
      cursor: 'pointer',
    } satisfies Partial<CSSStyleDeclaration>);
    el.appendChild(labelElement(item.text, item.color, clip, true));
    el.setAttribute('data-lane', 'reference');
    el.setAttribute('data-id', item.id);
    el.setAttribute('data-label', item.label);
    if (item.kind) el.setAttribute('data-agreement', item.kind);
    el.setAttribute('title', item.title);
    el.addEventListener('click', (e) => {
      // Without this the click would also reach the waveform and seek to the click position.
      e.stopPropagation();
      void this.wavesurfer?.play(item.start, item.end).catch(() => undefined);
      this.emit('event-clicked', item);
    });
    return el;
  }

  destroy(): void {
    this.observer?.disconnect();
    this.lane.remove();
    super.destroy();
  }
}
