import { NORMAL, POOR_QUALITY, groupFamilies, type Family } from '../core/labels';
import type { EventTyping } from '../core/types';
// Detector post-processing: frame probabilities -> events and the record verdict.
// The TypeScript twin of training/auscult_train/postprocess.py; both give identical events for the
// same frame probabilities (test-fixtures/golden/detector.json checks that).
//
// Events:
// 1. hysteresis: strong[i] = activity[i] >= threshold, weak[i] = activity[i] >= thresholdLow
//    (compared in float32, as numpy does; thresholdLow >= threshold or absent = plain threshold)
// 2. median filter of width medianFrames (odd) over both 0/1 sequences, edges replicated (= majority vote)
// 3. runs of weak frames that contain a strong frame -> segments [a, b] (inclusive frame indices);
//    start = frameOffsetMs + frameHopMs * a, end = frameOffsetMs + frameHopMs * (b + 1), clipped to [0, durationMs]
// 4. segments separated by a gap <= maxGapMs (next start - previous end) are merged
// 5. segments shorter than minDurationMs are dropped
// 6. type = argmax of the mean class probabilities over the segment's frames (first maximum wins);
//    confidence = mean activity x that mean class probability.
//
// Record verdict: "hierarchical" (thresholds chosen on cross-validated out-of-fold predictions) =
// Poor Quality if P(Poor Quality) >= poorQualityThreshold; else P(adventitious) = (P(CAS) + P(DAS) +
// P(CAS & DAS)) / (1 - P(Poor Quality)); Normal if it is < adventitiousThreshold, else the most
// probable of CAS, DAS, CAS & DAS (first maximum) with confidence its probability / (1 - P(PQ)).
// Deciding Normal vs adventitious first keeps a record whose families together outweigh Normal
// from being called Normal because each family alone is smaller.
// "head" = argmax of the record head; "rules" = Poor Quality if the head's
// P(Poor Quality) >= poorQualityThreshold, else from the events' label-table groups (CAS, DAS,
// "CAS & DAS" counts as both). Confidence (rules) = P(not Poor Quality) x prod over the two groups of
// P(decision), P(group present) = max over events of mean activity x the event's class-probability
// mass in that group. All sums in float64, in frame order.
//
// Event types with the record (eventTyping 'verdict-weighted'; applied to whoever typed the event):
// q = record probabilities renormalised without Poor Quality; P(CAS present) = q[CAS] + q[CAS & DAS],
// P(DAS present) = q[DAS] + q[CAS & DAS]; weight w(c) = q[Normal] for the normal group, else the
// product of the class's families' presence; type = argmax of p(c) w(c) over the classes whose
// families the verdict names (Normal: the normal group only; Poor Quality: every class), first
// maximum wins. An event hears a few hundred ms, the record head the whole recording; and the
// timeline never shows a family that the verdict rules out.

export type Verdict = 'rules' | 'head' | 'hierarchical';

/**
 * The manifest's `postprocess` (chosen on validation). Its `eventTypes`, if present, records what
 * training compared and is not read: in the lung pipeline the event classifiers type the events.
 */
export interface PostprocessParams {
  /** Hysteresis: an event needs a frame >= threshold and extends over the frames >= thresholdLow. */
  threshold: number;
  thresholdLow?: number;
  medianFrames: number;
  maxGapMs: number;
  minDurationMs: number;
  verdict: Verdict;
  poorQualityThreshold: number;
  /** 'hierarchical' only: P(adventitious | not Poor Quality) at or above which the record is adventitious. */
  adventitiousThreshold?: number;
  /** Events typed with the record verdict and probabilities (see typeWithRecord); absent: as typed. */
  eventTyping?: EventTyping;
}

export type { EventTyping };

export interface FrameTiming {
  frameHopMs: number;
  frameOffsetMs: number;
}

export interface DetectedEvent {
  /** ms, integer */
  start: number;
  /** ms, integer */
  end: number;
  type: string;
  /** 0..1 */
  confidence: number;
  /** Mean activity over the event's frames. */
  activity: number;
  /** Mean class probabilities over the event's frames, in `classes` order. */
  probs: number[];
}

export type EventGroup = 'normal' | 'CAS' | 'DAS' | 'CAS & DAS';

/** Majority vote over an odd window with replicated edges (the median of a 0/1 sequence). */
export function medianBinary(active: Uint8Array, width: number): Uint8Array {
  const n = active.length;
  if (width <= 1 || n === 0) return Uint8Array.from(active, (v) => (v ? 1 : 0));
  const h = Math.floor(width / 2);
  const at = (i: number) => (active[Math.min(n - 1, Math.max(0, i))] ? 1 : 0);
  const out = new Uint8Array(n);
  let sum = 0;
  for (let i = -h; i <= h; i++) sum += at(i);
  for (let i = 0; i < n; i++) {
    out[i] = sum * 2 > width ? 1 : 0;
    sum += at(i + h + 1) - at(i - h);
  }
  return out;
}

/** Inclusive [a, b] runs of 1s. */
export function segments(active: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i < active.length; i++) {
    if (active[i] && start < 0) start = i;
    else if (!active[i] && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  if (start >= 0) out.push([start, active.length - 1]);
  return out;
}

function thresholded(activity: Float32Array, threshold: number, medianFrames: number): Uint8Array {
  const thr = Math.fround(threshold); // numpy compares float32 with float32
  const raw = new Uint8Array(activity.length);
  for (let i = 0; i < activity.length; i++) raw[i] = activity[i] >= thr ? 1 : 0;
  return medianBinary(raw, medianFrames);
}

/** Steps 1-3: hysteresis thresholds, median filter, runs of weak frames that contain a strong frame. */
export function activeRuns(activity: Float32Array, params: Pick<PostprocessParams, 'threshold' | 'thresholdLow' | 'medianFrames'>): [number, number][] {
  const strong = thresholded(activity, params.threshold, params.medianFrames);
  const low = params.thresholdLow;
  if (low === undefined || low === null || low >= params.threshold) return segments(strong);
  const weak = thresholded(activity, low, params.medianFrames);
  return segments(weak).filter(([a, b]) => strong.subarray(a, b + 1).some((v) => v === 1));
}

function framesToMs(a: number, b: number, durationMs: number, timing: FrameTiming): [number, number] {
  const s = timing.frameOffsetMs + timing.frameHopMs * a;
  const e = timing.frameOffsetMs + timing.frameHopMs * (b + 1);
  return [Math.max(0, Math.min(s, durationMs)), Math.max(0, Math.min(e, durationMs))];
}

/**
 * Events from frame outputs. `classProbs` is frame-major: classProbs[i * nClasses + k].
 */
export function detectEvents(
  activity: Float32Array,
  classProbs: Float32Array,
  classes: readonly string[],
  durationMs: number,
  params: PostprocessParams,
  timing: FrameTiming,
): DetectedEvent[] {
  const nc = classes.length;
  const n = activity.length;
  if (classProbs.length !== n * nc) throw new Error(`classProbs has ${classProbs.length} values, expected ${n} x ${nc}`);
  const segs: { a: number; b: number; s: number; e: number }[] = [];
  for (const [a, b] of activeRuns(activity, params)) {
    const [s, e] = framesToMs(a, b, durationMs, timing);
    const last = segs[segs.length - 1];
    if (last && s - last.e <= params.maxGapMs) {
      last.b = b;
      last.e = e;
    } else segs.push({ a, b, s, e });
  }
  const events: DetectedEvent[] = [];
  for (const { a, b, s, e } of segs) {
    if (e - s < params.minDurationMs || e <= s) continue;
    const mean = new Array<number>(nc).fill(0);
    let act = 0;
    for (let i = a; i <= b; i++) {
      for (let k = 0; k < nc; k++) mean[k] += classProbs[i * nc + k];
      act += activity[i];
    }
    const len = b - a + 1;
    for (let k = 0; k < nc; k++) mean[k] /= len;
    act /= len;
    let best = 0;
    for (let k = 1; k < nc; k++) if (mean[k] > mean[best]) best = k;
    events.push({ start: s, end: e, type: classes[best], confidence: act * mean[best], activity: act, probs: mean });
  }
  return events;
}

export type GroupTable = Record<string, EventGroup>;

/** P(CAS present), P(DAS present) from the events. */
export function groupPresence(events: readonly DetectedEvent[], classes: readonly string[], groups: GroupTable): { CAS: number; DAS: number } {
  const p = { CAS: 0, DAS: 0 };
  for (const ev of events) {
    for (const g of ['CAS', 'DAS'] as const) {
      let mass = 0;
      classes.forEach((name, k) => {
        const grp = groups[name];
        if (grp === g || grp === 'CAS & DAS') mass += ev.probs[k];
      });
      p[g] = Math.max(p[g], ev.activity * mass);
    }
  }
  return p;
}

/**
 * Where each adventitious family sounds, frame by frame: activity × the frame's probability mass of
 * the family's classes ("CAS & DAS" classes count for both), max-pooled over `pool` frames (a coarser
 * grid keeps an hour-long recording's lane small). Returns one value per pooled bin, 0..1.
 */
export function familyActivity(activity: Float32Array, classProbs: Float32Array, classes: readonly string[], groups: GroupTable, pool: number): { CAS: Float32Array; DAS: Float32Array } {
  const nc = classes.length;
  const bins = Math.ceil(activity.length / pool);
  const out = { CAS: new Float32Array(bins), DAS: new Float32Array(bins) };
  const inCas = classes.map((c) => groups[c] === 'CAS' || groups[c] === 'CAS & DAS');
  const inDas = classes.map((c) => groups[c] === 'DAS' || groups[c] === 'CAS & DAS');
  for (let i = 0; i < activity.length; i++) {
    let cas = 0;
    let das = 0;
    for (let k = 0; k < nc; k++) {
      const p = classProbs[i * nc + k];
      if (inCas[k]) cas += p;
      if (inDas[k]) das += p;
    }
    const b = Math.floor(i / pool);
    out.CAS[b] = Math.max(out.CAS[b], activity[i] * cas);
    out.DAS[b] = Math.max(out.DAS[b], activity[i] * das);
  }
  return out;
}

export function rulesLabel(events: readonly Pick<DetectedEvent, 'type'>[], groups: GroupTable): string {
  const cas = events.some((e) => groups[e.type] === 'CAS' || groups[e.type] === 'CAS & DAS');
  const das = events.some((e) => groups[e.type] === 'DAS' || groups[e.type] === 'CAS & DAS');
  if (cas && das) return 'CAS & DAS';
  if (cas) return 'CAS';
  if (das) return 'DAS';
  return NORMAL;
}

export interface RecordVerdict {
  label: string;
  confidence: number;
  /** 'hierarchical': P(CAS or DAS or CAS & DAS | not Poor Quality), shown beside the verdict. */
  adventitiousProbability?: number;
}

const ADVENTITIOUS_RECORDS = ['CAS', 'DAS', 'CAS & DAS'] as const;

function hierarchicalVerdict(probs: readonly number[], recordClasses: readonly string[], params: Pick<PostprocessParams, 'poorQualityThreshold' | 'adventitiousThreshold'>): RecordVerdict {
  const p = (c: string) => probs[recordClasses.indexOf(c)];
  const pq = p(POOR_QUALITY);
  if (pq >= params.poorQualityThreshold) return { label: POOR_QUALITY, confidence: pq };
  const notPq = Math.max(1 - pq, 1e-12);
  let adv = 0;
  for (const c of ADVENTITIOUS_RECORDS) adv += p(c);
  const pAdv = adv / notPq;
  if (pAdv < (params.adventitiousThreshold ?? 0.5)) return { label: NORMAL, confidence: 1 - pAdv, adventitiousProbability: pAdv };
  let family: string = ADVENTITIOUS_RECORDS[0];
  for (const c of ADVENTITIOUS_RECORDS) if (p(c) > p(family)) family = c;
  return { label: family, confidence: p(family) / notPq, adventitiousProbability: pAdv };
}

export function recordVerdict(
  events: readonly DetectedEvent[],
  recordProbs: ArrayLike<number>,
  recordClasses: readonly string[],
  classes: readonly string[],
  groups: GroupTable,
  params: Pick<PostprocessParams, 'verdict' | 'poorQualityThreshold' | 'adventitiousThreshold'>,
): RecordVerdict {
  const probs = Array.from(recordProbs);
  if (params.verdict === 'hierarchical') return hierarchicalVerdict(probs, recordClasses, params);
  if (params.verdict === 'head') {
    let best = 0;
    for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
    return { label: recordClasses[best], confidence: probs[best] };
  }
  const pq = probs[recordClasses.indexOf(POOR_QUALITY)];
  if (pq >= params.poorQualityThreshold) return { label: POOR_QUALITY, confidence: pq };
  const label = rulesLabel(events, groups);
  const pres = groupPresence(events, classes, groups);
  const cas = label === 'CAS' || label === 'CAS & DAS';
  const das = label === 'DAS' || label === 'CAS & DAS';
  const confidence = (1 - pq) * (cas ? pres.CAS : 1 - pres.CAS) * (das ? pres.DAS : 1 - pres.DAS);
  return { label, confidence };
}

const VERDICT_FAMILIES: Record<string, readonly Family[]> = {
  [NORMAL]: [],
  CAS: ['CAS'],
  DAS: ['DAS'],
  'CAS & DAS': ['CAS', 'DAS'],
  [POOR_QUALITY]: ['CAS', 'DAS'],
};

/**
 * Index (in `classes`) of an event's type under the verdict-weighted rule (header): `probs` are the
 * event's class probabilities in `classes` order, `recordProbs` the record head's in `recordClasses`
 * order, `verdictLabel` the record verdict.
 */
export function typeWithRecord(
  probs: readonly number[],
  classes: readonly string[],
  groups: GroupTable,
  recordProbs: ArrayLike<number>,
  recordClasses: readonly string[],
  verdictLabel: string,
): number {
  const q = (c: string) => recordProbs[recordClasses.indexOf(c)];
  const notPq = Math.max(1 - q(POOR_QUALITY), 1e-12);
  const presence = { CAS: (q('CAS') + q('CAS & DAS')) / notPq, DAS: (q('DAS') + q('CAS & DAS')) / notPq };
  const allowed = VERDICT_FAMILIES[verdictLabel] ?? VERDICT_FAMILIES[POOR_QUALITY];
  let best = -1;
  let bestScore = -1;
  classes.forEach((name, k) => {
    const fams = groupFamilies(groups[name] ?? 'normal');
    if (!fams.every((f) => allowed.includes(f))) return;
    const w = fams.length ? fams.reduce((acc, f) => acc * presence[f], 1) : q(NORMAL) / notPq;
    const score = probs[k] * w;
    if (score > bestScore) {
      best = k;
      bestScore = score;
    }
  });
  return best;
}
