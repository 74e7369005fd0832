// Heart rate from a heart-sound recording (phonocardiogram), by the periodicity of the S1/S2 sounds.
//
// 1. Resample (the one resampler) to 2 kHz, band-pass 25–400 Hz (4th-order Butterworth high- and
//    low-pass, biquad cascades, run forward and backward: zero phase) — S1/S2 energy lives there.
// 2. Shannon-energy envelope: x normalised to max |x| = 1, E = −x² ln x², averaged over 20 ms
//    frames every 5 ms (a 200 Hz envelope).
// 3. Normalised autocorrelation of the standardised log envelope for lags of 0.3–2 s (200–30 bpm;
//    lags are also kept ≤ half the recording so that every lag is averaged over at least as long
//    as itself). The log keeps a few loud bumps or cries from dominating the autocorrelation, so
//    the soft but regular heart sounds decide it (with step 6, CirCor: mean absolute error 23.2 →
//    2.9 bpm, and 13 % of 1,311 recordings refused instead of 38 %; bench/heartRate.ts).
// 4. Which autocorrelation peak is one heartbeat? Peaks also appear at the S1→S2 and S2→S1 gaps
//    and at multiples of the cycle, and in children (120+ bpm) S1 and S2 are nearly evenly spaced,
//    so the envelope's own period is half a beat. Every beat has two sounds (S1 and S2), so the
//    sounds are counted (peaks of the log envelope ≥ 0.1 s apart above a threshold) and the
//    expected cycle is 2 / (sounds per second). Each peak (≥ MIN_PERIODICITY) scores its height
//    minus COUNT_WEIGHT · |ln(lag / expected)|; the best one is the cycle. The count only breaks
//    ties between similar peaks, so extra sounds (S3/S4, clicks) do not override a clear period.
//    Parabolic interpolation refines the lag.
// 5. bpm = 60 / period (rounded to 0.1). Confidence = the autocorrelation at that lag (0..1).
//    Below MIN_PERIODICITY the recording is reported as not measurable, as are too short (< 2 s)
//    or silent ones.
// 6. Recordings longer than WINDOW_S: steps 2–5 on half-overlapping WINDOW_S windows, and the
//    median bpm (and periodicity) of the windows that were measurable, provided at least
//    MIN_AGREEMENT of all windows give a rate within ±10 % of it and their median periodicity is
//    at least MIN_PERIODICITY_RECORD; none measurable → the whole recording's reason. A recording
//    of one window needs MIN_PERIODICITY_SINGLE. Log envelope, MAX_BPM, COUNT_WEIGHT, MIN_PERIODICITY and WINDOW_S were chosen on the
//    CirCor patients with even ids and checked on the odd ones (training/cards/heart.md).
//
// Known limits: irregular rhythms give the dominant beat-to-beat interval, not the mean rate;
// very noisy recordings can lock onto the S1→S2 gap (a rate near 2×); see training/cards/heart.md.

import { median } from '../core/math';
import { resample } from './resample';

export const HR_RATE = 2000;
export const MIN_BPM = 30;
/** CirCor's fastest reference is 179 bpm; above 200 the peaks were spurious (0.24–0.3 s lags). */
export const MAX_BPM = 200;
/** Below this normalised autocorrelation a window's envelope is not periodic enough to trust. */
export const MIN_PERIODICITY = 0.1;
/**
 * The median periodicity of a recording's measurable windows must reach this: the count prior can
 * line noise windows up on one rate, so agreement alone does not tell noise from beats.
 */
export const MIN_PERIODICITY_RECORD = 0.2;
/** A recording of one window (≤ WINDOW_S) has no other window to agree with: it needs this much. */
export const MIN_PERIODICITY_SINGLE = 0.3;
/** At least this share of all windows must give a rate within ±10 % of the median (noise gives scattered rates). */
export const MIN_AGREEMENT = 0.5;
/** Penalty per unit of |ln(lag / expected cycle)| when choosing the cycle's peak. */
const COUNT_WEIGHT = 1.0;
/** Heart sounds closer than this are one sound. */
const MIN_SOUND_GAP_S = 0.1;
/** Sound threshold between the median and the 99th percentile of the log envelope. */
const SOUND_LEVEL = 0.4;
const ENVELOPE_RATE = 200;
/** Seconds per analysis window (step 6). */
export const WINDOW_S = 4;
const FRAME_S = 0.02;
const MIN_DURATION_S = 2;

export type HeartRateResult =
  | { bpm: number; confidence: number }
  | { bpm: null; reason: string };

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** RBJ cookbook low/high-pass biquad with quality factor q. */
function biquad(kind: 'lowpass' | 'highpass', f0: number, fs: number, q: number): Biquad {
  const w0 = (2 * Math.PI * f0) / fs;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  const b1 = kind === 'lowpass' ? 1 - cos : -(1 + cos);
  const b0 = kind === 'lowpass' ? (1 - cos) / 2 : (1 + cos) / 2;
  return { b0: b0 / a0, b1: b1 / a0, b2: b0 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** Q of the two sections of a 4th-order Butterworth filter. */
const BUTTERWORTH4_Q = [1 / (2 * Math.cos(Math.PI / 8)), 1 / (2 * Math.cos((3 * Math.PI) / 8))];

function runBiquad(x: Float64Array, f: Biquad): void {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < x.length; n++) {
    const x0 = x[n];
    const y0 = f.b0 * x0 + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    x[n] = y0;
  }
}

/** Zero-phase 4th-order Butterworth band-pass (applied forward then backward). */
export function bandPass(samples: Float32Array, fs: number, lowHz: number, highHz: number): Float64Array {
  const x = Float64Array.from(samples);
  const sections = [
    ...BUTTERWORTH4_Q.map((q) => biquad('highpass', lowHz, fs, q)),
    ...BUTTERWORTH4_Q.map((q) => biquad('lowpass', highHz, fs, q)),
  ];
  for (const s of sections) runBiquad(x, s);
  x.reverse();
  for (const s of sections) runBiquad(x, s);
  x.reverse();
  return x;
}

/** Shannon-energy envelope at ENVELOPE_RATE (frames of FRAME_S, hop 1/ENVELOPE_RATE); null if silent. */
export function shannonEnvelope(x: Float64Array, fs: number): Float64Array | null {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (!(peak > 1e-6)) return null;
  const frame = Math.round(FRAME_S * fs);
  const hop = Math.round(fs / ENVELOPE_RATE);
  const n = Math.floor((x.length - frame) / hop) + 1;
  if (n < 2) return null;
  const prefix = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) {
    const v = (x[i] / peak) ** 2;
    prefix[i + 1] = prefix[i] + (v > 0 ? -v * Math.log(v) : 0);
  }
  const env = new Float64Array(n);
  for (let j = 0; j < n; j++) env[j] = (prefix[j * hop + frame] - prefix[j * hop]) / frame;
  return env;
}

/** ln(e + 1e-9 max e): the floor keeps silent frames finite without letting them dominate. */
function logEnvelope(env: Float64Array): Float64Array {
  let peak = 0;
  for (const v of env) peak = Math.max(peak, v);
  const floor = 1e-9 * peak + 1e-12;
  return env.map((v) => Math.log(v + floor));
}

/** (e − mean) / std, or null for a constant envelope. */
function standardise(env: Float64Array): Float64Array | null {
  const n = env.length;
  let mean = 0;
  for (const v of env) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of env) variance += (v - mean) ** 2;
  const std = Math.sqrt(variance / n);
  if (!(std > 1e-12)) return null;
  return env.map((v) => (v - mean) / std);
}

/** r[τ] = mean(e[t] e[t+τ]) over the overlap, for τ = 0..maxLag (e is standardised, so r[0] = 1). */
export function autocorrelation(env: Float64Array, maxLag: number): Float64Array {
  const r = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let acc = 0;
    const m = env.length - lag;
    for (let t = 0; t < m; t++) acc += env[t] * env[t + lag];
    r[lag] = acc / m;
  }
  return r;
}

function isPeak(r: Float64Array, i: number): boolean {
  return i > 0 && i < r.length - 1 && r[i] >= r[i - 1] && r[i] > r[i + 1];
}

/** Local maxima of r within [lo, hi] (indices). */
function peaksIn(r: Float64Array, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(1, lo); i <= Math.min(hi, r.length - 2); i++) if (isPeak(r, i)) out.push(i);
  return out;
}

function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/**
 * Heart sounds per second: local maxima of the log envelope above median + SOUND_LEVEL (p99 − median)
 * (in the log domain, so that a soft S2 next to a loud S1 still counts), at least MIN_SOUND_GAP_S
 * apart (of two closer ones the higher is kept).
 */
export function soundsPerSecond(env: Float64Array, envelopeRate = ENVELOPE_RATE): number {
  const log = env.map((v) => Math.log(v + 1e-9));
  const median = quantile(log, 0.5);
  const threshold = median + SOUND_LEVEL * (quantile(log, 0.99) - median);
  const gap = Math.round(MIN_SOUND_GAP_S * envelopeRate);
  const kept: number[] = [];
  for (let i = 1; i < log.length - 1; i++) {
    if (!(log[i] > threshold && log[i] >= log[i - 1] && log[i] > log[i + 1])) continue;
    const last = kept[kept.length - 1];
    if (last !== undefined && i - last < gap) {
      if (log[i] > log[last]) kept[kept.length - 1] = i;
    } else {
      kept.push(i);
    }
  }
  return kept.length / (log.length / envelopeRate);
}

/** Vertex of the parabola through (i-1, i, i+1). */
function refine(r: Float64Array, i: number): number {
  const a = r[i - 1];
  const b = r[i];
  const c = r[i + 1];
  const d = a - 2 * b + c;
  return d < 0 ? i + (0.5 * (a - c)) / d : i;
}

/** One stretch of band-passed samples at HR_RATE: steps 2–5 above. */
function stretchRate(x: Float64Array, minPeriodicity: number): HeartRateResult {
  const raw = shannonEnvelope(x, HR_RATE);
  const env = raw && standardise(logEnvelope(raw));
  if (!raw || !env) return { bpm: null, reason: 'not measurable: no sound in the 25–400 Hz heart-sound band' };
  const minLag = Math.floor((60 / MAX_BPM) * ENVELOPE_RATE);
  const maxLag = Math.min(Math.ceil((60 / MIN_BPM) * ENVELOPE_RATE), Math.floor(env.length / 2));
  if (maxLag <= minLag + 2) {
    return { bpm: null, reason: `not measurable: the recording is too short for the ${MIN_BPM}–${MAX_BPM} bpm range` };
  }
  const r = autocorrelation(env, maxLag + 1);
  const peaks = peaksIn(r, minLag, maxLag);
  if (!peaks.length) return { bpm: null, reason: `not measurable: no repeating heart sounds between ${MIN_BPM} and ${MAX_BPM} bpm` };
  const highest = peaks.reduce((a, b) => (r[b] > r[a] ? b : a));
  // Which peak is one beat: every beat has two sounds (S1, S2), so the cycle expected from the
  // sound count is 2 / (sounds per s); each peak scores its height minus a penalty for its
  // (log) distance from that expectation, and the best score wins.
  const expected = (2 / Math.max(soundsPerSecond(raw), 1e-9)) * ENVELOPE_RATE;
  let lag = highest;
  let bestScore = -Infinity;
  for (const p of peaks) {
    const score = r[p] - COUNT_WEIGHT * Math.abs(Math.log(p / expected));
    if (r[p] >= minPeriodicity && score > bestScore) {
      bestScore = score;
      lag = p;
    }
  }
  const confidence = Math.max(0, Math.min(1, r[lag]));
  if (confidence < minPeriodicity) {
    return {
      bpm: null,
      reason: `not measurable: the heart sounds are not periodic enough (periodicity ${confidence.toFixed(2)} < ${minPeriodicity})`,
    };
  }
  const periodS = refine(r, lag) / ENVELOPE_RATE;
  return { bpm: Math.round(600 / periodS) / 10, confidence: Math.round(confidence * 100) / 100 };
}

export function estimateHeartRate(samples: Float32Array, sampleRate: number): HeartRateResult {
  const duration = samples.length / sampleRate;
  if (!(duration >= MIN_DURATION_S)) {
    return { bpm: null, reason: `not measurable: the recording is ${duration.toFixed(1)} s long (at least ${MIN_DURATION_S} s are needed)` };
  }
  const x = bandPass(resample(samples, sampleRate, HR_RATE), HR_RATE, 25, 400);
  const win = WINDOW_S * HR_RATE;
  if (x.length <= win) return stretchRate(x, MIN_PERIODICITY_SINGLE);
  // Step 6: the median over half-overlapping windows, so that a noisy stretch (crying, handling)
  // costs one window's vote instead of the whole recording's autocorrelation.
  const measured: { bpm: number; confidence: number }[] = [];
  const hop = win / 2;
  let windows = 0;
  for (let start = 0; start + win <= x.length; start += hop) {
    windows++;
    const r = stretchRate(x.subarray(start, start + win), MIN_PERIODICITY);
    if (r.bpm !== null) measured.push(r);
  }
  if (!measured.length) return stretchRate(x, MIN_PERIODICITY_SINGLE);
  const bpm = median(measured.map((m) => m.bpm));
  const agreeing = measured.filter((m) => Math.abs(m.bpm / bpm - 1) <= 0.1).length;
  if (agreeing < MIN_AGREEMENT * windows) {
    return {
      bpm: null,
      reason: `not measurable: the heart sounds are not periodic enough (only ${agreeing} of ${windows} windows agree on a rate)`,
    };
  }
  const confidence = median(measured.map((m) => m.confidence));
  if (confidence < MIN_PERIODICITY_RECORD) {
    return {
      bpm: null,
      reason: `not measurable: the heart sounds are not periodic enough (periodicity ${confidence.toFixed(2)} < ${MIN_PERIODICITY_RECORD})`,
    };
  }
  return { bpm: Math.round(bpm * 10) / 10, confidence };
}
