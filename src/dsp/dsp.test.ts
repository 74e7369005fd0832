import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { DATA, REPO_ROOT } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { interpolatedSpan, resample, resampledLength, resampleSpan } from './resample';
import { spectrogram } from './spectrogram';

function sine(freq: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * freq * i) / rate));
}

/** RMS over the middle half, away from the edges where the kernel runs out of input. */
function rmsMiddle(x: Float32Array): number {
  const a = Math.floor(x.length / 4);
  const b = Math.floor((3 * x.length) / 4);
  let s = 0;
  for (let i = a; i < b; i++) s += x[i] * x[i];
  return Math.sqrt(s / (b - a));
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('resample', () => {
  it('takes a faster path for whole-number ratios that gives bit-identical samples', () => {
    let seed = 7;
    const noise = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1);
    for (const from of [16000, 24000, 48000, 96000]) {
      for (const n of [5, 300, 48_001]) {
        const x = noise(n);
        const outN = resampledLength(n, from, 8000);
        const general = interpolatedSpan(x, 0, n, from, 8000, 0, outN);
        expect(resample(x, from, 8000)).toEqual(general);
        // a span from the middle, given only part of the input
        const [a, b] = [Math.floor(outN / 3), Math.floor((2 * outN) / 3)];
        const start = Math.max(0, a * (from / 8000) - 400);
        expect(resampleSpan(x.subarray(start), start, n, from, 8000, a, b)).toEqual(general.subarray(a, b));
      }
    }
  });

  it('keeps a 1 kHz sine at 44.1 kHz within 0.1 dB at 8 kHz', () => {
    const x = sine(1000, 44100, 2);
    const y = resample(x, 44100, 8000);
    expect(y.length).toBe(16000);
    expect(Math.abs(db(rmsMiddle(y) / rmsMiddle(x)))).toBeLessThan(0.1);
  });

  it('attenuates a 5 kHz sine (above the 4 kHz Nyquist) by at least 60 dB', () => {
    const x = sine(5000, 44100, 2);
    const y = resample(x, 44100, 8000);
    expect(db(rmsMiddle(y) / rmsMiddle(x))).toBeLessThan(-60);
  });

  it('keeps the phase: a resampled sine matches the ideal one sample for sample', () => {
    const y = resample(sine(440, 48000, 1), 48000, 8000);
    const ideal = sine(440, 8000, 1);
    let maxErr = 0;
    for (let i = 2000; i < 6000; i++) maxErr = Math.max(maxErr, Math.abs(y[i] - ideal[i]));
    expect(maxErr).toBeLessThan(1e-3);
  });

  it('upsamples 4 kHz heart recordings without changing a 200 Hz tone', () => {
    const y = resample(sine(200, 4000, 1), 4000, 8000);
    const ideal = sine(200, 8000, 1);
    let maxErr = 0;
    for (let i = 2000; i < 6000; i++) maxErr = Math.max(maxErr, Math.abs(y[i] - ideal[i]));
    expect(maxErr).toBeLessThan(1e-3);
  });

  it('returns the input untouched when the rates agree', () => {
    const x = sine(100, 8000, 0.1);
    expect(resample(x, 8000, 8000)).toBe(x);
  });
});

describeWithData('spectrogram against numpy', [DATA.sprsoundOriginalWav], () => {
  const golden = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test-fixtures/golden/dsp.json'), 'utf8')).spectrogram as {
    source: string;
    offset: number;
    length: number;
    nFft: number;
    hop: number;
    nFrames: number;
    nBins: number;
    stft: number[];
    logstft: number[];
  };
  const bytes = readFileSync(path.join(DATA.sprsoundOriginalWav.path, golden.source));
  const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const excerpt = wav.samples.slice(golden.offset, golden.offset + golden.length);

  for (const kind of ['stft', 'logstft'] as const) {
    it(`${kind} of a real recording equals the numpy reference`, () => {
      const spec = spectrogram(excerpt, 8000, { kind, nFft: golden.nFft, hop: golden.hop });
      expect(spec.nFrames).toBe(golden.nFrames);
      expect(spec.nBins).toBe(golden.nBins);
      const ref = golden[kind];
      let maxErr = 0;
      for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(spec.data[i] - ref[i]));
      // Float32 input and output; the log reference is rounded to 1e-6.
      expect(maxErr).toBeLessThan(kind === 'stft' ? 1e-4 : 1e-3);
    });
  }
});
