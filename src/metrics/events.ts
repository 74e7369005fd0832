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
//
// Metrics that fit SPRSound's partial labels (familyScores; only some breaths are marked, so
// Normal events are unscored). Families from the label table: CAS, DAS; Wheeze+Crackle is in both.
// * familyEvent: adventitious events only; a match needs the collars above and a shared family.
// * segment CAS / DAS: 1-s segments [k, k + 1) s; positive when an event of the family overlaps it
//   (start < (k + 1) s and end > k s); TP / FP / FN over segments, micro over recordings.
// * agnosticInStretch: class-agnostic event F1 over the estimates whose midpoint lies in the
//   recording's annotated stretch [first reference start, last reference end].
import { challengeScores, confusionMatrix, type ChallengeScores } from './challenge';
import { ADVENTITIOUS, FAMILIES, NORMAL, POOR_QUALITY, eventFamilies, type Family } from '../core/labels';

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

/** Whether two event types may match when class-aware (default: the same type). */
export type TypeCompatible = (refType: string, estType: string) => boolean;
const sameType: TypeCompatible = (a, b) => a === b;

export function eventsMatch(ref: ScoredEvent, est: ScoredEvent, classAware: boolean, compatible: TypeCompatible = sameType): boolean {
  if (classAware && !compatible(ref.type, est.type)) return false;
  if (Math.abs(est.start - ref.start) > ONSET_COLLAR_MS) return false;
  return Math.abs(est.end - ref.end) <= Math.max(OFFSET_COLLAR_MS, OFFSET_COLLAR_RATIO * (ref.end - ref.start));
}

/** Maximum one-to-one matching; [refIndex, estIndex] pairs sorted by refIndex. */
export function matchEvents(
  refs: readonly ScoredEvent[],
  ests: readonly ScoredEvent[],
  classAware: boolean,
  compatible: TypeCompatible = sameType,
): [number, number][] {
  const order = refs.map((_, i) => i).sort((a, b) => refs[a].start - refs[b].start || refs[a].end - refs[b].end || a - b);
  const candidates = refs.map((r) => ests.map((_, j) => j).filter((j) => eventsMatch(r, ests[j], classAware, compatible)));
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

// ------------------------------------------------------------------ partial-label metrics

export const SEGMENT_MS = 1000;

export interface FamilyScores {
  familyEvent: PRF;
  segment: Record<Family, PRF>;
  agnosticInStretch: PRF;
}

const sharesFamily: TypeCompatible = (a, b) => eventFamilies(a).some((f) => eventFamilies(b).includes(f));

/** Indices of the 1-s segments an event of `family` overlaps. */
function familySegments(events: readonly ScoredEvent[], family: Family): Set<number> {
  const out = new Set<number>();
  for (const e of events) {
    if (e.end <= e.start || !eventFamilies(e.type).includes(family)) continue;
    for (let k = Math.floor(e.start / SEGMENT_MS); k < Math.ceil(e.end / SEGMENT_MS); k++) out.add(k);
  }
  return out;
}

export function familyScores(recordings: readonly RecordingEvents[]): FamilyScores {
  const ev: [number, number, number] = [0, 0, 0];
  const seg = { CAS: [0, 0, 0], DAS: [0, 0, 0] } as Record<Family, [number, number, number]>;
  const stretch: [number, number, number] = [0, 0, 0];
  for (const { reference: refs, estimated: ests } of recordings) {
    const rAdv = refs.filter((e) => eventFamilies(e.type).length > 0);
    const eAdv = ests.filter((e) => eventFamilies(e.type).length > 0);
    const m = matchEvents(rAdv, eAdv, true, sharesFamily).length;
    ev[0] += m;
    ev[1] += eAdv.length - m;
    ev[2] += rAdv.length - m;
    for (const f of FAMILIES) {
      const rs = familySegments(refs, f);
      const es = familySegments(ests, f);
      const both = [...es].filter((k) => rs.has(k)).length;
      seg[f][0] += both;
      seg[f][1] += es.size - both;
      seg[f][2] += rs.size - both;
    }
    let inside: ScoredEvent[] = [];
    if (refs.length) {
      const lo = Math.min(...refs.map((e) => e.start));
      const hi = Math.max(...refs.map((e) => e.end));
      inside = ests.filter((e) => lo <= (e.start + e.end) / 2 && (e.start + e.end) / 2 <= hi);
    }
    const k = matchEvents(refs, inside, false).length;
    stretch[0] += k;
    stretch[1] += inside.length - k;
    stretch[2] += refs.length - k;
  }
  return {
    familyEvent: prf(...ev),
    segment: { CAS: prf(...seg.CAS), DAS: prf(...seg.DAS) },
    agnosticInStretch: prf(...stretch),
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
