// Turns decoded audio into everything the timeline and the models need, in one pass.
import { encodeWav } from '../audio/wav';
import { resample } from './resample';
import { quantiseForDisplay, spectrogram } from './spectrogram';
import type { AudioClip, PreparedRecording, PrepareOptions } from '../../workers/api';

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
    playbackWav: encodeWav(clip.samples, clip.sampleRate),
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
