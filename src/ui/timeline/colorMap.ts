// Spectrogram colour map: "inferno" (perceptually uniform, prints legibly in greyscale,
// readable by colour-blind users). Quiet is near-black, loud is pale yellow, so crackles and
// wheezes stand out as bright marks. Interpolated from 11 anchors to 256 entries.
import { spectrogramLevelMap } from './displayScale';

const ANCHORS = ['#000004', '#1b0c41', '#4a0c6b', '#781c6d', '#a52c60', '#cf4446', '#ed6925', '#fb9b06', '#f7d13d', '#f9ee76', '#fcffa4'];

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) / 255, ((n >> 8) & 0xff) / 255, (n & 0xff) / 255];
}

function build(): number[][] {
  const stops = ANCHORS.map(rgb);
  const out: number[][] = [];
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(x));
    const t = x - k;
    const [a, b] = [stops[k], stops[k + 1]];
    out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t, 1]);
  }
  return out;
}

export const SPECTROGRAM_COLOR_MAP: number[][] = build();
export const SPECTROGRAM_GRADIENT_CSS = `linear-gradient(to right, ${ANCHORS.join(', ')})`;

/** RGBA bytes (1024) for each of the worker's 256 display levels: the level map, then the colour map. */
export function spectrogramPalette(levels: Uint8Array = spectrogramLevelMap()): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(256 * 4);
  for (let v = 0; v < 256; v++) {
    const [r, g, b, a] = SPECTROGRAM_COLOR_MAP[levels[v]];
    out.set([r * 255, g * 255, b * 255, a * 255], v * 4);
  }
  return out;
}
