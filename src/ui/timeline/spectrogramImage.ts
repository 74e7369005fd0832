// The timeline's spectrogram: the worker's display spectrogram (Uint8 levels, frames × bins)
// coloured through one 256-entry table and put on canvases one pixel per frame and bin, which CSS
// stretches to the wrapper's width (so zooming costs no redraw) and the spectrogram's height. The
// UI thread never runs an FFT, parses data or resamples columns; a long recording's canvases are
// drawn one per task.
import BasePlugin, { type BasePluginEvents } from 'wavesurfer.js/dist/base-plugin.js';
import type { PreparedRecording } from '../../core/types';
import { nextTask } from '../scheduling';

export type DisplaySpectrogram = PreparedRecording['display'];

/** Frames per canvas: well under every browser's canvas size limit, and one short task to colour. */
export const FRAMES_PER_CANVAS = 4096;

export interface SpectrogramImageEvents extends BasePluginEvents {
  /** Every canvas of the current spectrogram has been drawn. */
  drawn: [];
}

export interface SpectrogramImageOptions {
  /** px */
  height: number;
  /** RGBA for each of the 256 display levels (1024 bytes). */
  palette: Uint8ClampedArray;
}

/** Bins shown for a top frequency: 0 Hz up to and including the bin at `maxHz`. */
export function shownBins(display: DisplaySpectrogram, maxHz: number): number {
  const nyquist = display.sampleRate / 2;
  if (display.nBins < 2 || !(maxHz < nyquist)) return display.nBins;
  return Math.max(1, Math.min(display.nBins, Math.floor((maxHz / nyquist) * (display.nBins - 1)) + 1));
}

/**
 * RGBA pixels of frames [from, to) and bins [0, bins), low frequencies at the bottom:
 * shape [bins rows][to − from columns][4].
 */
export function spectrogramPixels(display: DisplaySpectrogram, palette: Uint8ClampedArray, from: number, to: number, bins: number): Uint8ClampedArray<ArrayBuffer> {
  const width = to - from;
  const px = new Uint8ClampedArray(width * bins * 4);
  // One 32-bit write per pixel; the palette's bytes are already in memory order.
  const out = new Uint32Array(px.buffer);
  const colours = new Uint32Array(palette.slice(0, 1024).buffer);
  const { nBins, data } = display;
  for (let f = from; f < to; f++) {
    const base = f * nBins;
    const x = f - from;
    for (let b = 0; b < bins; b++) out[(bins - 1 - b) * width + x] = colours[data[base + b]];
  }
  return px;
}

export class SpectrogramImagePlugin extends BasePlugin<SpectrogramImageEvents, SpectrogramImageOptions> {
  private readonly el: HTMLDivElement;
  private generation = 0;

  static create(options: SpectrogramImageOptions): SpectrogramImagePlugin {
    return new SpectrogramImagePlugin(options);
  }

  constructor(options: SpectrogramImageOptions) {
    super(options);
    this.el = document.createElement('div');
    this.el.setAttribute('part', 'spectrogram');
    this.el.setAttribute('data-testid', 'spectrogram');
    Object.assign(this.el.style, { position: 'relative', height: `${options.height}px`, overflow: 'hidden' } satisfies Partial<CSSStyleDeclaration>);
  }

  protected onInit(): void {
    const wrapper = this.wavesurfer?.getWrapper();
    if (!wrapper) return;
    // Under the waveform (the ruler, registered later, puts itself between them); the lanes keep
    // themselves under the spectrogram.
    if (wrapper.firstElementChild) wrapper.firstElementChild.insertAdjacentElement('afterend', this.el);
    else wrapper.appendChild(this.el);
  }

  /**
   * Draws the spectrogram from 0 Hz to `maxHz`, replacing what was shown; resolves once every
   * canvas is drawn (or a newer call has taken over), then emits `drawn`.
   */
  async show(display: DisplaySpectrogram, maxHz: number): Promise<void> {
    const generation = ++this.generation;
    const bins = shownBins(display, maxHz);
    const canvases: HTMLCanvasElement[] = [];
    for (let from = 0; from < display.nFrames; from += FRAMES_PER_CANVAS) {
      if (from > 0) await nextTask();
      if (generation !== this.generation) return;
      const to = Math.min(display.nFrames, from + FRAMES_PER_CANVAS);
      const canvas = document.createElement('canvas');
      canvas.width = to - from;
      canvas.height = bins;
      canvas.getContext('2d')?.putImageData(new ImageData(spectrogramPixels(display, this.options.palette, from, to, bins), to - from, bins), 0, 0);
      Object.assign(canvas.style, {
        position: 'absolute',
        top: '0',
        height: '100%',
        left: `${(from / display.nFrames) * 100}%`,
        width: `${((to - from) / display.nFrames) * 100}%`,
      } satisfies Partial<CSSStyleDeclaration>);
      canvases.push(canvas);
    }
    // Swapped in at once, so a range change never shows half an old and half a new spectrogram.
    this.el.replaceChildren(...canvases);
    this.emit('drawn');
  }

  destroy(): void {
    this.generation++;
    this.el.remove();
    super.destroy();
  }
}
