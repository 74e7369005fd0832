// STFT and log-STFT spectrograms for display and inspection. Frames start at sample 0 and
// advance by `hop` with no padding; a periodic Hann window; magnitude |X(k)|, k = 0..nFft/2.
// (The models compute their own features inside the ONNX graph, defined once in training/.)
import { fft } from './fft';

export type SpectrogramKind = 'stft' | 'logstft';

export interface SpectrogramParams {
  kind: SpectrogramKind;
  nFft: number;
  hop: number;
}

export interface SpectrogramData extends SpectrogramParams {
  sampleRate: number;
  nFrames: number;
  nBins: number;
  /** Frame-major: data[frame * nBins + bin]. */
  data: Float32Array;
}

/** Added before the logarithm so silence stays finite. */
export const LOG_EPSILON = 1e-10;

export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

export function frameCount(length: number, nFft: number, hop: number): number {
  return length < nFft ? 0 : 1 + Math.floor((length - nFft) / hop);
}

export function spectrogram(samples: Float32Array, sampleRate: number, params: SpectrogramParams): SpectrogramData {
  const { nFft, hop, kind } = params;
  if (!(hop >= 1)) throw new RangeError(`hop must be ≥ 1, got ${hop}`);
  const nBins = nFft / 2 + 1;
  const nFrames = frameCount(samples.length, nFft, hop);
  const data = new Float32Array(nFrames * nBins);
  const window = hannWindow(nFft);
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);
  for (let f = 0; f < nFrames; f++) {
    const start = f * hop;
    for (let i = 0; i < nFft; i++) {
      re[i] = samples[start + i] * window[i];
      im[i] = 0;
    }
    fft(re, im);
    const row = f * nBins;
    for (let k = 0; k < nBins; k++) {
      const mag = Math.hypot(re[k], im[k]);
      data[row + k] = kind === 'logstft' ? Math.log(mag + LOG_EPSILON) : mag;
    }
  }
  return { kind, nFft, hop, sampleRate, nFrames, nBins, data };
}

/**
 * Quantise a log-STFT to 0..255 for display: the loudest bin maps to 255 and everything
 * `rangeDb` below it to 0.
 */
export function quantiseForDisplay(spec: SpectrogramData, rangeDb = 80): Uint8Array {
  if (spec.kind !== 'logstft') throw new Error('Display quantisation expects a log-STFT');
  const toDb = 20 / Math.LN10;
  let max = -Infinity;
  for (let i = 0; i < spec.data.length; i++) if (spec.data[i] > max) max = spec.data[i];
  const out = new Uint8Array(spec.data.length);
  const maxDb = max * toDb;
  for (let i = 0; i < spec.data.length; i++) {
    const rel = (spec.data[i] * toDb - (maxDb - rangeDb)) / rangeDb;
    out[i] = Math.max(0, Math.min(255, Math.round(rel * 255)));
  }
  return out;
}
