// The time ruler under the waveform: a labelled tick every ~80 px or more at any zoom, minor ticks
// in between (wavesurfer's Timeline plugin is fixed at 1 s ticks / 5–10 s labels, which leaves a
// 3 s recording with a single "0 s" label and no help at crackle scale).
//
// The ruler is its own plugin (`RulerPlugin`) rather than that one: it appends every notch and
// reads its width, a forced style recalculation and layout per notch (twice per rebuild), which
// made a single 50–100 ms UI-thread task for a 15 s recording on these 2-core machines. Here every
// position comes from the zoom, only the notches near the visible range are built, and the DOM is
// touched once per rebuild.
import BasePlugin, { type BasePluginEvents } from 'wavesurfer.js/dist/base-plugin.js';
import { COLORS } from '../theme';

export interface RulerOptions {
  timeInterval: number;
  primaryLabelInterval: number;
  formatTimeCallback: (seconds: number) => string;
}

// Labels are formatted to 10 ms at most, so nothing finer than 0.01 s.
const LABEL_STEPS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
const MIN_LABEL_PX = 80;

/** Minor ticks that divide the label step evenly: 1-, 5- and 3-steps in fifths, 2-steps in quarters, 15 s in thirds. */
function minorFor(label: number): number {
  const lead = Math.round((label / 10 ** Math.floor(Math.log10(label))) * 10) / 10;
  return label / (lead === 2 ? 4 : lead === 1.5 ? 3 : 5);
}

export function rulerOptions(pxPerSec: number): RulerOptions {
  const label = LABEL_STEPS.find((s) => s * pxPerSec >= MIN_LABEL_PX) ?? LABEL_STEPS[LABEL_STEPS.length - 1];
  const decimals = label < 0.1 ? 2 : label < 1 ? 1 : 0;
  return {
    timeInterval: minorFor(label),
    primaryLabelInterval: label,
    formatTimeCallback: (s) => {
      if (label < 60) return `${s.toFixed(decimals)} s`;
      const m = Math.floor(s / 60);
      return `${m}:${String(Math.round(s - m * 60)).padStart(2, '0')}`;
    },
  };
}

export interface Notch {
  /** Position in the scrolling wrapper, px from its left edge. */
  x: number;
  /** Set on labelled (primary) ticks. */
  label?: string;
}

/** The notches of [fromS, toS] at `pxPerSec`, minor ticks included. */
export function rulerNotches(fromS: number, toS: number, pxPerSec: number, durationS: number): Notch[] {
  const r = rulerOptions(pxPerSec);
  // Counting in minor steps keeps "is this a label?" an integer test, free of float remainders.
  const perLabel = Math.round(r.primaryLabelInterval / r.timeInterval);
  const first = Math.max(0, Math.ceil(fromS / r.timeInterval - 1e-9));
  const last = Math.floor(Math.min(toS, durationS) / r.timeInterval + 1e-9);
  const out: Notch[] = [];
  for (let k = first; k <= last; k++) {
    const t = k * r.timeInterval;
    out.push(k % perLabel === 0 ? { x: t * pxPerSec, label: r.formatTimeCallback(t) } : { x: t * pxPerSec });
  }
  return out;
}

/**
 * The stretch of the recording (s) worth building: a view-width of notches either side of the
 * visible range, so a long zoomed-in recording never holds thousands of them.
 */
export function rulerStretch(scrollPx: number, viewPx: number, pxPerSec: number, durationS: number): { from: number; to: number } {
  const viewS = viewPx / pxPerSec;
  const startS = scrollPx / pxPerSec;
  return { from: Math.max(0, startS - viewS), to: Math.min(durationS, startS + 2 * viewS) };
}

const RULER_STYLE: Partial<CSSStyleDeclaration> = {
  position: 'relative',
  overflow: 'hidden',
  whiteSpace: 'nowrap',
  fontSize: '12px',
  color: COLORS.text,
  background: COLORS.page,
  pointerEvents: 'none',
  // Above the regions layer (z-index 5): a 10-minute recording at fit zoom holds a hundred event
  // bands that would otherwise cover the labels. Clicks still go through to the regions.
  zIndex: '6',
  // Nothing inside the ruler can change the layout of the page around it.
  contain: 'strict',
};
const TICK = 'position:absolute;bottom:0;width:0;border-left:1px solid currentColor;';

export interface RulerPluginOptions {
  /** px */
  height: number;
}

/**
 * The ruler right under the waveform (above the spectrogram), in wavesurfer's scrolling wrapper so
 * it zooms and scrolls with the audio. Rebuilt, at most once per frame, after a zoom or a redraw
 * (resize, new audio) and when scrolling leaves the stretch already built.
 */
export class RulerPlugin extends BasePlugin<BasePluginEvents, RulerPluginOptions> {
  private readonly el: HTMLDivElement;
  private built = { from: 0, to: -1 };
  private frame = 0;

  static create(options: RulerPluginOptions): RulerPlugin {
    return new RulerPlugin(options);
  }

  constructor(options: RulerPluginOptions) {
    super(options);
    this.el = document.createElement('div');
    this.el.setAttribute('part', 'timeline');
    this.el.setAttribute('data-testid', 'time-ruler');
    Object.assign(this.el.style, RULER_STYLE, { height: `${options.height}px` });
  }

  protected onInit(): void {
    const ws = this.wavesurfer;
    if (!ws) return;
    const wrapper = ws.getWrapper();
    // Right after the waveform, whatever other plugins add to the wrapper.
    if (wrapper.firstElementChild) wrapper.firstElementChild.insertAdjacentElement('afterend', this.el);
    else wrapper.appendChild(this.el);
    const schedule = () => {
      if (!this.frame) this.frame = requestAnimationFrame(() => this.build());
    };
    this.subscriptions.push(
      ws.on('zoom', schedule),
      ws.on('redraw', schedule),
      ws.on('scroll', (startS, endS) => {
        if (startS < this.built.from || endS > this.built.to) schedule();
      }),
    );
    schedule();
  }

  /** The notches near the visible range, from the zoom, in one DOM write. */
  private build(): void {
    this.frame = 0;
    const ws = this.wavesurfer;
    if (!ws) return;
    const durationS = ws.getDuration();
    const width = ws.getWrapper().scrollWidth; // the one layout read of a rebuild
    if (!(durationS > 0) || width <= 0) return;
    const pxPerSec = width / durationS;
    this.built = rulerStretch(ws.getScroll(), ws.getWidth(), pxPerSec, durationS);
    const fragment = document.createDocumentFragment();
    for (const n of rulerNotches(this.built.from, this.built.to, pxPerSec, durationS)) {
      const tick = document.createElement('div');
      tick.style.cssText = `${TICK}left:${n.x.toFixed(1)}px;height:${n.label ? '100%' : '50%'};`;
      if (n.label) {
        tick.style.textIndent = '3px';
        tick.textContent = n.label;
      }
      fragment.appendChild(tick);
    }
    this.el.replaceChildren(fragment);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.el.remove();
    super.destroy();
  }
}
