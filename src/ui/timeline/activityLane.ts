// The activity lane: two thin rows under the spectrogram (inside wavesurfer's scrolling wrapper, so
// they zoom and scroll with the audio) showing where the detector hears continuous (CAS: wheeze,
// rhonchi, stridor) and discontinuous (DAS: crackles) sounds, each bin shaded by its activity. It
// shows where a CAS / DAS verdict comes from even when no event of that family is on the timeline.
import BasePlugin, { type BasePluginEvents } from 'wavesurfer.js/dist/base-plugin.js';
import type { FamilyActivity } from '../../core/types';
import { FAMILIES, recordColor } from '../../core/labels';
import { hexToRgb } from '../theme';
import { laneElement } from './lane';

export const ACTIVITY_ROW_HEIGHT = 8;
/** The lane's whole height: two rows, 2 px of padding, the 1 px top border. */
export const ACTIVITY_LANE_PX = 2 * ACTIVITY_ROW_HEIGHT + 3;

/** RGBA pixels (one per bin) for one family's row: the family colour, alpha = activity. */
export function rowPixels(values: readonly number[], hex: string): Uint8ClampedArray<ArrayBuffer> {
  const [r, g, b] = hexToRgb(hex) ?? [0, 0, 0];
  const px = new Uint8ClampedArray(values.length * 4);
  values.forEach((v, i) => {
    px.set([r, g, b, Math.round(Math.max(0, Math.min(1, v)) * 255)], i * 4);
  });
  return px;
}

export interface ActivityLaneOptions {
  /** px per family row */
  rowHeight: number;
}

export class ActivityLanePlugin extends BasePlugin<BasePluginEvents, ActivityLaneOptions> {
  private readonly lane: HTMLDivElement;
  private observer?: MutationObserver;
  private activity?: FamilyActivity;

  static create(options: ActivityLaneOptions): ActivityLanePlugin {
    return new ActivityLanePlugin(options);
  }

  constructor(options: ActivityLaneOptions) {
    super(options);
    this.lane = laneElement('activity-lane', 2 * options.rowHeight + 2);
    this.lane.setAttribute('data-testid', 'activity-lane');
  }

  protected onInit(): void {
    const ws = this.wavesurfer;
    if (!ws) return;
    const wrapper = ws.getWrapper();
    wrapper.appendChild(this.lane);
    // Directly under the spectrogram, above the reference lane when there is one.
    this.observer = new MutationObserver(() => this.place(wrapper));
    this.observer.observe(wrapper, { childList: true });
    this.place(wrapper);
    this.subscriptions.push(ws.on('ready', () => this.draw()));
    this.draw();
  }

  private place(wrapper: HTMLElement): void {
    const reference = wrapper.querySelector(':scope > [part="reference-lane"]');
    const want = reference ?? null;
    if (this.lane.nextElementSibling !== want || this.lane.parentElement !== wrapper) wrapper.insertBefore(this.lane, want);
  }

  /** Shows the detector's CAS / DAS activity, or no lane. */
  setActivity(activity: FamilyActivity | undefined): void {
    this.activity = activity;
    this.draw();
  }

  private draw(): void {
    const ws = this.wavesurfer;
    const a = this.activity;
    const durationS = ws?.getDuration() ?? 0;
    this.lane.style.display = a && durationS > 0 ? 'block' : 'none';
    if (!a || !(durationS > 0)) {
      this.lane.replaceChildren();
      return;
    }
    const bins = a.CAS.length;
    const left = (a.offsetS / durationS) * 100;
    const width = ((bins * a.binS) / durationS) * 100;
    const rows = FAMILIES.map((family, r) => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, bins);
      canvas.height = 1;
      const ctx = canvas.getContext('2d');
      if (ctx && bins) ctx.putImageData(new ImageData(rowPixels(a[family], recordColor(family)), bins, 1), 0, 0);
      canvas.setAttribute('data-family', family);
      canvas.title = `${family} activity (the detector's): darker = more`;
      Object.assign(canvas.style, {
        position: 'absolute',
        left: `${left}%`,
        width: `${width}%`,
        top: `${1 + r * this.options.rowHeight}px`,
        height: `${this.options.rowHeight}px`,
        imageRendering: 'pixelated',
      } satisfies Partial<CSSStyleDeclaration>);
      return canvas;
    });
    this.lane.replaceChildren(...rows);
  }

  destroy(): void {
    this.observer?.disconnect();
    this.lane.remove();
    super.destroy();
  }
}
