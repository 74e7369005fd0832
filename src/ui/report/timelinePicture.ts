// A still picture of the timeline for the printed report: waveform envelope, the events as bars
// in their class colours, the annotation lane, and a time axis. Drawn from data (peaks, events)
// rather than captured from the screen, so it prints the same at any zoom or scroll.
import type { TimedEvent } from '../../core/types';
import { eventColor } from '../../core/labels';
import { COLORS, withAlpha } from '../theme';

export interface PictureInput {
  peaks: Float32Array;
  durationS: number;
  events: readonly TimedEvent[];
  reference?: readonly TimedEvent[];
}

export function drawTimelinePicture(canvas: HTMLCanvasElement, input: PictureInput, width = 1400, height = 260): void {
  const lane = input.reference ? 40 : 0;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const axis = 26;
  const wave = height - axis - lane;
  const x = (t: number) => (t / input.durationS) * width;
  ctx.fillStyle = COLORS.paper;
  ctx.fillRect(0, 0, width, height);

  for (const e of input.events) {
    ctx.fillStyle = eventColor(e.label) + '55';
    ctx.fillRect(x(e.start), 0, Math.max(1, x(e.end) - x(e.start)), wave);
    ctx.fillStyle = eventColor(e.label);
    ctx.fillRect(x(e.start), 0, 2, wave);
    ctx.fillRect(x(e.end) - 2, 0, 2, wave);
  }

  // Peaks are min/max pairs per bucket; scale to a robust maximum so a click does not flatten the rest.
  const n = input.peaks.length / 2;
  const mags: number[] = [];
  for (let i = 0; i < input.peaks.length; i++) mags.push(Math.abs(input.peaks[i]));
  mags.sort((a, b) => a - b);
  const scale = mags[Math.floor(mags.length * 0.995)] || 1;
  const mid = wave / 2;
  ctx.fillStyle = COLORS.primary;
  for (let px = 0; px < width; px++) {
    const a = Math.floor((px / width) * n);
    const b = Math.max(a + 1, Math.floor(((px + 1) / width) * n));
    let lo = 0;
    let hi = 0;
    for (let i = a; i < b && i < n; i++) {
      lo = Math.min(lo, input.peaks[2 * i]);
      hi = Math.max(hi, input.peaks[2 * i + 1]);
    }
    const y0 = mid - Math.min(1, hi / scale) * (mid - 4);
    const y1 = mid - Math.max(-1, lo / scale) * (mid - 4);
    ctx.fillRect(px, y0, 1, Math.max(1, y1 - y0));
  }

  ctx.font = '600 15px system-ui, sans-serif';
  for (const e of input.events) {
    const w = x(e.end) - x(e.start);
    if (w < 40) continue;
    ctx.fillStyle = withAlpha(COLORS.paper, 0.9);
    const label = e.label;
    const tw = Math.min(w - 6, ctx.measureText(label).width + 8);
    ctx.fillRect(x(e.start) + 3, 3, tw, 20);
    ctx.fillStyle = COLORS.ink;
    ctx.fillText(label, x(e.start) + 7, 18, tw - 8);
  }

  if (input.reference) {
    ctx.fillStyle = COLORS.lane;
    ctx.fillRect(0, wave, width, lane);
    for (const e of input.reference) {
      ctx.fillStyle = eventColor(e.label) + '88';
      ctx.fillRect(x(e.start), wave + 6, Math.max(1, x(e.end) - x(e.start)), lane - 12);
      ctx.strokeStyle = eventColor(e.label);
      ctx.lineWidth = 2;
      ctx.strokeRect(x(e.start), wave + 6, Math.max(1, x(e.end) - x(e.start)), lane - 12);
    }
    ctx.fillStyle = COLORS.text;
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.fillText('Annotation', width - 80, wave + lane - 14);
  }

  ctx.fillStyle = COLORS.page;
  ctx.fillRect(0, height - axis, width, axis);
  ctx.fillStyle = COLORS.text;
  ctx.font = '14px system-ui, sans-serif';
  const step = input.durationS > 60 ? 10 : input.durationS > 20 ? 5 : 1;
  for (let t = 0; t <= input.durationS; t += step) {
    ctx.fillRect(x(t), height - axis, 1, 6);
    ctx.fillText(`${t} s`, Math.min(width - 30, x(t) + 3), height - 8);
  }
}
