// Heart rate from S1/S2: synthetic recordings with known beats, noise-only input, real recordings
// whose rate was read off a plot by hand, and CirCor recordings against their hand-checked
// segmentation.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { circorAudio, circorAudioPath, circorRecordings, referenceBpm, s1Onsets } from '../testing/circor';
import { DATA } from '../testing/data';
import { flacStreamInfo } from '../testing/flac';
import { describeWithData } from '../testing/withData';
import { estimateHeartRate, MIN_PERIODICITY, MIN_PERIODICITY_SINGLE } from './heartRate';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * A phonocardiogram with known rate: per beat an S1 (100 ms Hann-windowed 50–80 Hz tone burst) and,
 * one systole later (0.35 √period s: 0.35 s at 60 bpm, 0.22 s at 150 bpm), a weaker, higher S2
 * (70 ms, 100–130 Hz); beat-to-beat jitter ±1.5 %, white noise at `snrDb` relative to the sounds.
 */
function synthetic(bpm: number, fs: number, seconds: number, snrDb: number, seed: number): Float32Array {
  const rand = lcg(seed);
  const x = new Float32Array(Math.round(fs * seconds));
  const period = 60 / bpm;
  const systole = 0.35 * Math.sqrt(period);
  const burst = (t0: number, f: number, len: number, amp: number) => {
    const s0 = Math.round(t0 * fs);
    const n = Math.round(len * fs);
    for (let i = 0; i < n && s0 + i < x.length; i++) {
      x[s0 + i] += amp * 0.5 * (1 - Math.cos((2 * Math.PI * i) / n)) * Math.sin((2 * Math.PI * f * i) / fs);
    }
  };
  for (let t = rand() * period; t < seconds; t += period * (1 + 0.03 * (rand() - 0.5))) {
    burst(t, 50 + 30 * rand(), 0.1, 1);
    burst(t + systole, 100 + 30 * rand(), 0.07, 0.6);
  }
  let power = 0;
  for (const v of x) power += v * v;
  const sd = Math.sqrt(power / x.length / 10 ** (snrDb / 10));
  for (let i = 0; i < x.length; i++) x[i] += sd * gaussian(rand);
  return x;
}

describe('estimateHeartRate on synthetic S1/S2 recordings', () => {
  for (const bpm of [60, 75, 120, 150]) {
    for (const [fs, snrDb] of [[4000, 0], [44100, 5], [8000, -3]] as const) {
      it(`finds ${bpm} bpm (${fs} Hz, ${snrDb} dB SNR) within ±3 bpm`, () => {
        const r = estimateHeartRate(synthetic(bpm, fs, 10, snrDb, bpm * 7 + fs), fs);
        expect(r.bpm, JSON.stringify(r)).not.toBeNull();
        expect(Math.abs((r.bpm as number) - bpm)).toBeLessThanOrEqual(3);
        if (r.bpm !== null) expect(r.confidence).toBeGreaterThan(0.5);
      });
    }
  }

  it('is not fooled into double rate when S1 and S2 are evenly spaced (infant-like 130 bpm)', () => {
    const fs = 4000;
    const x = synthetic(130, fs, 8, 5, 3);
    const r = estimateHeartRate(x, fs);
    expect(Math.abs((r.bpm ?? 0) - 130)).toBeLessThanOrEqual(3);
  });
});

describe('estimateHeartRate refuses what it cannot measure', () => {
  it('white noise only → not measurable', () => {
    for (const seed of [1, 2, 3]) {
      const rand = lcg(seed);
      const noise = Float32Array.from({ length: 4000 * 10 }, () => 0.1 * gaussian(rand));
      const r = estimateHeartRate(noise, 4000);
      expect(r.bpm, JSON.stringify(r)).toBeNull();
      if (r.bpm === null) expect(r.reason).toMatch(/^not measurable: .*periodic/);
    }
  });

  it('silence, and a recording under 2 s → not measurable, with the reason', () => {
    const silent = estimateHeartRate(new Float32Array(4000 * 5), 4000);
    expect(silent).toEqual({ bpm: null, reason: expect.stringMatching(/^not measurable: no sound/) });
    const short = estimateHeartRate(synthetic(75, 4000, 1.5, 10, 1), 4000);
    expect(short).toEqual({ bpm: null, reason: expect.stringMatching(/^not measurable: the recording is 1.5 s long/) });
  });

  it('refuses beats buried in noise, saying why (windows that disagree, or too little periodicity)', () => {
    // Beats buried in noise: at +5 dB the envelope is clearly periodic, at -25 dB it is not.
    const clear = estimateHeartRate(synthetic(75, 4000, 10, 5, 11), 4000);
    expect(clear.bpm, JSON.stringify(clear)).not.toBeNull();
    if (clear.bpm !== null) expect(clear.confidence).toBeGreaterThanOrEqual(MIN_PERIODICITY);
    const buried = estimateHeartRate(synthetic(75, 4000, 10, -25, 11), 4000);
    expect(buried.bpm, JSON.stringify(buried)).toBeNull();
    if (buried.bpm === null) expect(buried.reason).toMatch(/^not measurable: the heart sounds are not periodic enough \((only \d+ of \d+ windows agree|periodicity)/);
    // A recording of a single window has no others to agree with: it needs MIN_PERIODICITY_SINGLE.
    const short = estimateHeartRate(synthetic(75, 4000, 3.5, -25, 11), 4000);
    expect(short.bpm, JSON.stringify(short)).toBeNull();
    if (short.bpm === null) {
      const measured = Number(/periodicity (\d+\.\d+)/.exec(short.reason)?.[1]);
      expect(measured, short.reason).toBeLessThan(MIN_PERIODICITY_SINGLE);
    }
  });
});

// Rates read by hand: each file was band-passed (25-400 Hz) and plotted with its Shannon-energy
// envelope on a 0.1 s grid (3-4.5 s per image); the time of every S1 was read off the grid and
// bpm = 60 × (number of S1-to-S1 cycles) / (last S1 − first S1).
const ORIGINAL_WAV = DATA.heartOriginalWav.path;
const HAND_READ = [
  // 25 evenly spaced sounds from 0.115 s to 6.028 s, alternating tall-single (S1) / split (S2):
  // 12 cycles in 5.913 s → 0.493 s per beat → 121.8 bpm (a child; S1-S2 and S2-S1 are nearly equal).
  { file: 'normal__103_1305031931979_B.wav', bpm: 122, tolerance: 4 },
  // S1 (with its systolic extra sounds) at 0.90, 2.11, 3.25, 4.43, 5.63, 6.81, 7.96 s:
  // 6 cycles in 7.06 s → 1.177 s → 51.0 bpm. iStethoscope, 44.1 kHz.
  { file: 'extrahls__201101070953.wav', bpm: 51, tolerance: 3 },
  // S1 at 0.126, 0.617, 1.10, 1.60, 2.11, 2.635, 3.15 s: 6 cycles in 3.02 s → 119 bpm.
  { file: 'normal__103_1305031931979_D1.wav', bpm: 119, tolerance: 4 },
  // Irregular rhythm: S1 at 0.24, 1.27, 2.30, 3.27, 4.04 s (RR 1.03, 1.04, 0.97, 0.78 s):
  // 4 cycles in 3.80 s → 63 bpm on average (single beats 58-77 bpm), hence ±6.
  { file: 'murmur__112_1306243000964_A.wav', bpm: 63, tolerance: 6 },
];

describeWithData('estimateHeartRate on real recordings read by hand', [DATA.heartOriginalWav], () => {
  for (const { file, bpm, tolerance } of HAND_READ) {
    it(`${file}: ${bpm} ± ${tolerance} bpm`, () => {
      const bytes = readFileSync(path.join(ORIGINAL_WAV, file));
      const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const r = estimateHeartRate(wav.samples, wav.sampleRate);
      expect(r.bpm, JSON.stringify(r)).not.toBeNull();
      expect(Math.abs((r.bpm as number) - bpm)).toBeLessThanOrEqual(tolerance);
    });
  }

  it('an artifact recording (no heart sounds) is not measurable', () => {
    const bytes = readFileSync(path.join(ORIGINAL_WAV, 'artifact__201012172012.wav'));
    const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(estimateHeartRate(wav.samples, wav.sampleRate).bpm).toBeNull();
  });
});

// CirCor DigiScope 2022 (paediatric, 2 kHz) against its hand-checked segmentation: reference bpm =
// 60 / median S1-to-S1 interval (src/testing/circor.ts). The recordings are chosen by a rule on the
// annotation alone, never on the estimator's answer: the segmentation spans >= 90 % of the file and
// the S1-to-S1 intervals are regular (longest / shortest < 1.15), so one rate describes the whole
// recording. 15 of the 1,311 recordings qualify. Over all of them `npx tsx bench/heartRate.ts` gives
// the MAE (see training/cards/heart.md for the estimator's known limits).
const CIRCOR_TOLERANCE_BPM = 5;
/** Of the 15, two (50635_TV, 50782_PV) are refused as not periodic enough: an honest answer, not a wrong rate. */
const CIRCOR_MAX_REFUSED = 2;

describeWithData('estimateHeartRate on CirCor recordings against their segmentation', [DATA.circor], () => {
  const regular = circorRecordings().filter((rec) => {
    const on = s1Onsets(rec);
    if (on.length < 3) return false;
    const intervals = on.slice(1).map((t, i) => t - on[i]);
    const info = flacStreamInfo(new Uint8Array(readFileSync(circorAudioPath(rec))));
    const covered = (on[on.length - 1] - on[0]) / (info.frames / info.sampleRate);
    return covered >= 0.9 && Math.max(...intervals) / Math.min(...intervals) < 1.15;
  });
  const refused: string[] = [];

  it('selects the regular, fully segmented recordings', () => {
    expect(regular.length, regular.join(', ')).toBe(15);
  });

  for (const rec of regular) {
    const ref = referenceBpm(rec) as number;
    it(`${rec}: ${ref.toFixed(1)} ± ${CIRCOR_TOLERANCE_BPM} bpm (or not measurable)`, () => {
      const audio = circorAudio(rec);
      expect(audio.sampleRate).toBe(2000);
      const r = estimateHeartRate(audio.samples, audio.sampleRate);
      if (r.bpm === null) {
        refused.push(rec);
        expect(r.reason).toMatch(/^not measurable: /);
        return;
      }
      expect(Math.abs(r.bpm - ref), `${rec}: estimated ${r.bpm} bpm, reference ${ref.toFixed(2)} bpm`).toBeLessThanOrEqual(CIRCOR_TOLERANCE_BPM);
    });
  }

  it(`refuses at most ${CIRCOR_MAX_REFUSED} of them`, () => {
    expect(refused.length, `not measurable: ${refused.join(', ')}`).toBeLessThanOrEqual(CIRCOR_MAX_REFUSED);
  });
});
