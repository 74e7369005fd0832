// Event-based detection metrics and the record-level SPRSound tasks 2-1 / 2-2.
// Python twin: training/auscult_train/event_metrics.py (same definitions, same matching).
//
// * An estimated event matches a reference event when |onset difference| <= 200 ms and
//   |offset difference| <= max(200 ms, 20 % of the reference event's length); class-aware
//   matching also needs the same type.
// * One-to-one matching: a maximum-cardinality bipartite matching (Kuhn's augmenting paths;
//   references in (start, end, index) order, candidates in estimate order). The number of matches
//   is the maximum possible, so it does not depend on the order (sed_eval uses a maximum matching too).
// * Per recording TP = matches, FP = estimates - TP, FN = references - TP, summed over recordings
//   (micro): F1 = 2TP / (2TP + FP + FN).
// * Class-aware: micro F1 over all classes, per-class F1 (FP counted for the estimate's class, FN for
//   the reference's) and their macro mean over the classes that have reference events.
// * typeAccuracy: among the class-agnostic matches, the fraction with the right type.
import { challengeScores, confusionMatrix, type ChallengeScores } from './challenge';
import { ADVENTITIOUS, NORMAL, POOR_QUALITY } from '../core/labels';

export interface ScoredEvent {
  /** ms */
  start: number;
  /** ms */
  end: number;
  type: string;
}

export const ONSET_COLLAR_MS = 200;
export const OFFSET_COLLAR_MS = 200;
export const OFFSET_COLLAR_RATIO = 0.2;

export function eventsMatch(ref: ScoredEvent, est: ScoredEvent, classAware: boolean): boolean {
  if (classAware && ref.type !== est.type) return false;
  if (Math.abs(est.start - ref.start) > ONSET_COLLAR_MS) return false;
  return Math.abs(est.end - ref.end) <= Math.max(OFFSET_COLLAR_MS, OFFSET_COLLAR_RATIO * (ref.end - ref.start));
}

/** Maximum one-to-one matching; [refIndex, estIndex] pairs sorted by refIndex. */
export function matchEvents(refs: readonly ScoredEvent[], ests: readonly ScoredEvent[], classAware: boolean): [number, number][] {
  const order = refs.map((_, i) => i).sort((a, b) => refs[a].start - refs[b].start || refs[a].end - refs[b].end || a - b);
  const candidates = refs.map((r) => ests.map((_, j) => j).filter((j) => eventsMatch(r, ests[j], classAware)));
  const owner = new Map<number, number>(); // est -> ref
  const augment = (i: number, seen: Set<number>): boolean => {
    for (const j of candidates[i]) {
      if (seen.has(j)) continue;
      seen.add(j);
      const o = owner.get(j);
      if (o === undefined || augment(o, seen)) {
        owner.set(j, i);
        return true;
      }
    }
    return false;
  };
  for (const i of order) augment(i, new Set());
  return [...owner.entries()].map(([j, i]) => [i, j] as [number, number]).sort((a, b) => a[0] - b[0]);
}

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export function prf(tp: number, fp: number, fn: number): PRF {
  const precision = tp + fp ? tp / (tp + fp) : fn === 0 ? 1 : 0;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = 2 * tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 1;
  return { precision, recall, f1, tp, fp, fn };
}

export interface EventScores {
  agnostic: PRF;
  classAware: PRF & { perClass: Record<string, PRF>; macroF1: number };
  typeAccuracy: number;
  nRef: number;
  nEst: number;
}

export interface RecordingEvents {
  reference: readonly ScoredEvent[];
  estimated: readonly ScoredEvent[];
}

export function eventScores(recordings: readonly RecordingEvents[], classes: readonly string[]): EventScores {
  let tp = 0, fp = 0, fn = 0, atp = 0, afp = 0, afn = 0, typeRight = 0, nRef = 0, nEst = 0;
  const per = new Map<string, [number, number, number]>();
  const bump = (c: string, k: 0 | 1 | 2) => {
    const v = per.get(c) ?? [0, 0, 0];
    v[k]++;
    per.set(c, v);
  };
  for (const { reference: refs, estimated: ests } of recordings) {
    nRef += refs.length;
    nEst += ests.length;
    const m = matchEvents(refs, ests, false);
    tp += m.length;
    fp += ests.length - m.length;
    fn += refs.length - m.length;
    typeRight += m.filter(([i, j]) => refs[i].type === ests[j].type).length;
    const ma = matchEvents(refs, ests, true);
    atp += ma.length;
    afp += ests.length - ma.length;
    afn += refs.length - ma.length;
    const mr = new Set(ma.map(([i]) => i));
    const me = new Set(ma.map(([, j]) => j));
    refs.forEach((r, i) => bump(r.type, mr.has(i) ? 0 : 2));
    ests.forEach((e, j) => {
      if (!me.has(j)) bump(e.type, 1);
    });
  }
  const perClass: Record<string, PRF> = {};
  for (const c of classes) {
    const [a, b, d] = per.get(c) ?? [0, 0, 0];
    perClass[c] = prf(a, b, d);
  }
  const withRefs = classes.filter((c) => {
    const v = per.get(c);
    return v !== undefined && v[0] + v[2] > 0;
  });
  const macroF1 = withRefs.length ? withRefs.reduce((s, c) => s + perClass[c].f1, 0) / withRefs.length : 0;
  return {
    agnostic: prf(tp, fp, fn),
    classAware: { ...prf(atp, afp, afn), perClass, macroF1 },
    typeAccuracy: tp ? typeRight / tp : 0,
    nRef,
    nEst,
  };
}

// ------------------------------------------------------------------ record tasks

export const TASK21_LABELS = [NORMAL, ADVENTITIOUS, POOR_QUALITY] as const;

/** Task 2-1 label of a Task 2-2 record label: CAS, DAS and CAS & DAS are "Adventitious". */
export function task21Label(recordLabel: string): string {
  return recordLabel === NORMAL || recordLabel === POOR_QUALITY ? recordLabel : ADVENTITIOUS;
}

export interface RecordTaskScores {
  task21: ChallengeScores & { confusion: number[][] };
  task22: ChallengeScores & { confusion: number[][] };
}

/** Task 2-2 (the record classes as given) and Task 2-1 scores from record label strings. */
export function recordTaskScores(truth: readonly string[], predicted: readonly string[], recordClasses: readonly string[]): RecordTaskScores {
  const t21 = truth.map(task21Label);
  const p21 = predicted.map(task21Label);
  return {
    task21: { ...challengeScores(t21, p21), confusion: confusionMatrix(TASK21_LABELS, t21, p21) },
    task22: { ...challengeScores(truth, predicted), confusion: confusionMatrix(recordClasses, truth, predicted) },
  };
}
