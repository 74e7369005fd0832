// The worker's display spectrogram (Uint8, frames × bins, frame-major) in the shape the
// wavesurfer Spectrogram plugin loads from `frequenciesDataUrl`: JSON [channel][frame][bin].
// Served from a Blob URL, so nothing leaves the machine and the UI never runs an FFT.
// The JSON is written straight into bytes, in slices: a 15 s recording is ~1 MB of JSON, and
// building it as a string would cost a long join plus a UTF-8 encode in `new Blob`.
import type { PreparedRecording } from '../../core/types';
import { nextTask } from '../scheduling';
import { spectrogramLevelMap } from './displayScale';

export type DisplaySpectrogram = PreparedRecording['display'];

const FRAMES_PER_SLICE = 512;
const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;
const ZERO = 48;

/** Writes the bins of frames [from, to) as `[a,b,…],[…]`; returns the new write offset. */
function writeFrames(out: Uint8Array, o: number, display: DisplaySpectrogram, lut: Uint8Array, from: number, to: number): number {
  const { nBins, data } = display;
  for (let f = from; f < to; f++) {
    if (f > 0) out[o++] = COMMA;
    out[o++] = OPEN;
    const base = f * nBins;
    for (let b = 0; b < nBins; b++) {
      if (b > 0) out[o++] = COMMA;
      const v = lut[data[base + b]];
      if (v >= 100) out[o++] = ZERO + ((v / 100) | 0);
      if (v >= 10) out[o++] = ZERO + (((v / 10) | 0) % 10);
      out[o++] = ZERO + (v % 10);
    }
    out[o++] = CLOSE;
  }
  return o;
}

export async function spectrogramJsonBytes(
  display: DisplaySpectrogram,
  lut: Uint8Array = spectrogramLevelMap(),
): Promise<Uint8Array<ArrayBuffer>> {
  const { nFrames, nBins } = display;
  // At most 3 digits + 1 comma per bin, brackets and a comma per frame, and the outer brackets.
  const out = new Uint8Array(nFrames * (nBins * 4 + 3) + 4);
  let o = 0;
  out[o++] = OPEN;
  out[o++] = OPEN;
  for (let start = 0; start < nFrames; start += FRAMES_PER_SLICE) {
    const end = Math.min(nFrames, start + FRAMES_PER_SLICE);
    o = writeFrames(out, o, display, lut, start, end);
    if (end < nFrames) await nextTask();
  }
  out[o++] = CLOSE;
  out[o++] = CLOSE;
  return out.subarray(0, o);
}

/** Caller owns the URL and must revoke it. */
export async function spectrogramDataUrl(display: DisplaySpectrogram): Promise<string> {
  const bytes = await spectrogramJsonBytes(display);
  return URL.createObjectURL(new Blob([bytes], { type: 'application/json' }));
}
