// The prepare pipeline: a recording made ready for the timeline and the models — `run()` takes
// decoded audio (prepared in memory, in one pass) or a long WAV file (prepared from the file a chunk
// at a time, with a display of bounded size).
import { openWavSource, resampledSource, type AudioSource } from '../audio/source';
import { encodeWav } from '../audio/wav';
import { throwIfCancelled, type StepHooks } from '../core/steps';
import { resample } from '../dsp/resample';
import { frameCount, quantiseForDisplay, spectrogram, type SpectrogramData } from '../dsp/spectrogram';
import type { AnalysisAudio, AudioClip, PrepareOptions, PreparedRecording } from '../core/types';

/**
 * Prepares a recording for the timeline.
 * - `audio`: mono samples in memory (any rate), or `{ file }`, a WAV file read a chunk at a time.
 * - `options.analysisRate` (Hz): the rate of the analysis audio and of the display spectrogram;
 *   `options.peakBuckets`: min/max pairs of the waveform overview.
 * - `hooks`: `onStep(done, total)` while a file is read (thousandths of the work); `signal` cancels
 *   between chunks (AnalysisCancelled).
 * Returns the playback WAV (native rate; the file itself for `{ file }`), the peaks, the display
 * spectrogram (quantised 0..255, frames × bins) and, for audio in memory, the audio at analysisRate.
 */
export async function run(audio: AnalysisAudio, options: PrepareOptions, hooks: StepHooks = {}): Promise<PreparedRecording> {
  if ('file' in audio) return prepareLongRecording(await openWavSource(audio.file), audio.file, options, hooks);
  throwIfCancelled(hooks.signal);
  return prepareRecording(audio, options);
}

/** Display spectrogram: 32 ms windows, 8 ms hop at 8 kHz — fine enough for crackles. */
export const DISPLAY_N_FFT = 256;
export const DISPLAY_HOP = 64;

export function peaks(samples: Float32Array, buckets: number): Float32Array {
  const n = Math.max(1, Math.min(buckets, samples.length));
  const out = new Float32Array(n * 2);
  for (let b = 0; b < n; b++) {
    const start = Math.floor((b * samples.length) / n);
    const end = Math.max(start + 1, Math.floor(((b + 1) * samples.length) / n));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = start; i < end; i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out[2 * b] = lo;
    out[2 * b + 1] = hi;
  }
  return out;
}

export function prepareRecording(clip: AudioClip, options: PrepareOptions): PreparedRecording {
  const analysis = resample(clip.samples, clip.sampleRate, options.analysisRate);
  const spec = spectrogram(analysis, options.analysisRate, { kind: 'logstft', nFft: DISPLAY_N_FFT, hop: DISPLAY_HOP });
  return {
    playback: new Blob([encodeWav(clip.samples, clip.sampleRate)], { type: 'audio/wav' }),
    durationS: clip.samples.length / clip.sampleRate,
    nativeRate: clip.sampleRate,
    analysis: { samples: analysis, sampleRate: options.analysisRate },
    peaks: peaks(clip.samples, options.peakBuckets),
    display: {
      nFrames: spec.nFrames,
      nBins: spec.nBins,
      sampleRate: options.analysisRate,
      data: quantiseForDisplay(spec),
    },
  };
}

/**
 * A long recording's display spectrogram has at most this many frames (60 min: one per ~180 ms),
 * each the maximum over the 8 ms frames it covers, so short sounds such as crackles stay visible.
 */
export const MAX_DISPLAY_FRAMES = 20_000;
/** Seconds of audio read per step while preparing a long recording. */
const LONG_STEP_S = 30;

/** Min/max peaks of a source, bucket by bucket as `peaks()` would give them for the whole array. */
async function streamedPeaks(source: AudioSource, buckets: number, onChunk: (done: number, total: number) => void, signal?: AbortSignal): Promise<Float32Array> {
  const n = source.length;
  const nb = Math.max(1, Math.min(buckets, n));
  const out = new Float32Array(nb * 2);
  const step = Math.max(1, Math.round(LONG_STEP_S * source.sampleRate));
  const startOf = (b: number) => Math.floor((b * n) / nb);
  const endOf = (b: number) => Math.max(startOf(b) + 1, Math.floor(((b + 1) * n) / nb));
  let b = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const chunks = Math.ceil(n / step);
  for (let c = 0; c < chunks; c++) {
    throwIfCancelled(signal);
    const from = c * step;
    const samples = await source.read(from, Math.min(n, from + step));
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (from + i + 1 >= endOf(b) && b < nb) {
        out[2 * b] = lo;
        out[2 * b + 1] = hi;
        b++;
        lo = Infinity;
        hi = -Infinity;
      }
    }
    onChunk(c + 1, chunks);
  }
  return out;
}

/** The display spectrogram of a long source, a step at a time, pooled to at most MAX_DISPLAY_FRAMES. */
async function streamedDisplay(source: AudioSource, onChunk: (done: number, total: number) => void, signal?: AbortSignal): Promise<SpectrogramData> {
  const total = frameCount(source.length, DISPLAY_N_FFT, DISPLAY_HOP);
  const pool = Math.max(1, Math.ceil(total / MAX_DISPLAY_FRAMES));
  const nFrames = Math.ceil(total / pool);
  const nBins = DISPLAY_N_FFT / 2 + 1;
  const data = new Float32Array(nFrames * nBins).fill(-Infinity);
  const framesPerStep = pool * Math.max(1, Math.round((LONG_STEP_S * source.sampleRate) / DISPLAY_HOP / pool));
  const steps = Math.ceil(total / framesPerStep);
  for (let k = 0; k < steps; k++) {
    throwIfCancelled(signal);
    const f0 = k * framesPerStep;
    const f1 = Math.min(total, f0 + framesPerStep);
    const samples = await source.read(f0 * DISPLAY_HOP, (f1 - 1) * DISPLAY_HOP + DISPLAY_N_FFT);
    const spec = spectrogram(samples, source.sampleRate, { kind: 'logstft', nFft: DISPLAY_N_FFT, hop: DISPLAY_HOP });
    for (let f = 0; f < spec.nFrames; f++) {
      const row = Math.floor((f0 + f) / pool) * nBins;
      for (let j = 0; j < nBins; j++) {
        const v = spec.data[f * nBins + j];
        if (v > data[row + j]) data[row + j] = v;
      }
    }
    onChunk(k + 1, steps);
  }
  return { kind: 'logstft', nFft: DISPLAY_N_FFT, hop: DISPLAY_HOP * pool, sampleRate: source.sampleRate, nFrames, nBins, data };
}

/**
 * A long recording made ready for the timeline without decoding it whole: waveform peaks from the
 * native-rate audio, a pooled display spectrogram at the analysis rate, and the file for playback.
 * Progress: peaks ~10 % of the work, the (resampling-bound) spectrogram the rest.
 */
export async function prepareLongRecording(source: AudioSource, file: Blob, options: PrepareOptions, hooks: StepHooks = {}): Promise<PreparedRecording> {
  const report = (from: number, span: number) => (done: number, total: number) => hooks.onStep?.(Math.round(1000 * (from + (span * done) / total)), 1000);
  const peakData = await streamedPeaks(source, options.peakBuckets, report(0, 0.1), hooks.signal);
  const spec = await streamedDisplay(resampledSource(source, options.analysisRate), report(0.1, 0.9), hooks.signal);
  const durationS = source.length / source.sampleRate;
  return {
    playback: file,
    durationS,
    nativeRate: source.sampleRate,
    peaks: peakData,
    display: { nFrames: spec.nFrames, nBins: spec.nBins, sampleRate: options.analysisRate, data: quantiseForDisplay(spec) },
    longRecording: {
      reason: `${durationS >= 120 ? `${Math.round(durationS / 60)} min` : `${durationS.toFixed(1)} s`}: shown and analysed from the file a chunk at a time; the spectrogram shows the loudest of every ${Math.round((spec.hop / options.analysisRate) * 1000)} ms.`,
    },
  };
}
