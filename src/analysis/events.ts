// The clinician's edits to a recording's events, as pure functions over an immutable list, so the
// timeline, the table, history and the exports all see one consistent, time-ordered list.
import type { AnalysedEvent, FamilyActivity, ReferenceClassification, TimedEvent, VerdictResult } from '../core/types';
import { EVENT_CLASSES, EVENT_NAMES, type Family } from '../core/labels';
import { rulesLabel, typeWithRecord, type GroupTable } from '../inference/postprocess';

/** Below this peak activity a family is not pointed to at all. */
export const MIN_POINTED_ACTIVITY = 0.05;

export type { Family };

/** The families a record verdict names (none for Normal and Poor Quality). */
export function verdictFamilies(verdictLabel: string): Family[] {
  return verdictLabel === 'CAS & DAS' ? ['CAS', 'DAS'] : verdictLabel === 'CAS' || verdictLabel === 'DAS' ? [verdictLabel] : [];
}

export interface ActivityStretch {
  family: Family;
  /** Seconds. */
  start: number;
  end: number;
  /** The highest activity in it, 0..1. */
  peak: number;
}

/**
 * Where a family sounds most: its highest bin, extended over the neighbouring bins that keep at
 * least half that activity. Null when the family never reaches MIN_POINTED_ACTIVITY.
 */
export function strongestStretch(activity: FamilyActivity, family: Family, durationS: number): ActivityStretch | null {
  const v = activity[family];
  let best = -1;
  for (let i = 0; i < v.length; i++) if (best < 0 || v[i] > v[best]) best = i;
  if (best < 0 || !(v[best] >= MIN_POINTED_ACTIVITY)) return null;
  let a = best;
  let b = best;
  while (a > 0 && v[a - 1] >= v[best] / 2) a--;
  while (b < v.length - 1 && v[b + 1] >= v[best] / 2) b++;
  const t = (i: number) => Math.min(durationS, Math.max(0, activity.offsetS + i * activity.binS));
  return { family, start: t(a), end: t(b + 1), peak: v[best] };
}

/** Shorter events cannot be classified meaningfully (and are impossible to grab on the timeline). */
export const MIN_EVENT_S = 0.05;
/** A new event (key A) covers this long from the cursor; the clinician then drags its edges. */
export const NEW_EVENT_S = 1;

export const GROUPS: GroupTable = Object.fromEntries(EVENT_CLASSES.map((c) => [c.name, c.group])) as GroupTable;

export function byTime(a: TimedEvent, b: TimedEvent): number {
  return a.start - b.start || a.end - b.end;
}

/** Gives plain timed events (annotations, older callers) the ids the editor needs. */
export function withIds(events: readonly TimedEvent[], prefix = 'ev'): AnalysedEvent[] {
  return events.map((e, i) => ('id' in e && typeof e.id === 'string' ? (e as AnalysedEvent) : { ...e, id: `${prefix}-${i + 1}` }));
}

export function nextEventId(events: readonly AnalysedEvent[]): string {
  let max = 0;
  for (const e of events) {
    const m = /(\d+)$/.exec(e.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `ev-${max + 1}`;
}

function clampSpan(start: number, end: number, durationS: number): [number, number] {
  let s = Math.max(0, Math.min(start, durationS));
  let e = Math.max(0, Math.min(end, durationS));
  if (e < s) [s, e] = [e, s];
  if (e - s < MIN_EVENT_S) {
    e = Math.min(durationS, s + MIN_EVENT_S);
    s = Math.max(0, e - MIN_EVENT_S);
  }
  return [s, e];
}

/** New boundaries: the old classification no longer applies until re-classified. */
export function resizeEvent(events: readonly AnalysedEvent[], id: string, start: number, end: number, durationS: number): AnalysedEvent[] {
  const [s, e] = clampSpan(start, end, durationS);
  return events.map((ev) => (ev.id === id ? { ...ev, start: s, end: e, edited: true } : ev)).sort(byTime);
}

export function addEvent(events: readonly AnalysedEvent[], at: number, durationS: number, label = 'Normal'): { events: AnalysedEvent[]; id: string } {
  const [s, e] = clampSpan(at, at + NEW_EVENT_S, durationS);
  const id = nextEventId(events);
  const ev: AnalysedEvent = { id, start: s, end: e, label, confidence: 0, edited: true, added: true };
  return { events: [...events, ev].sort(byTime), id };
}

export function deleteEvent(events: readonly AnalysedEvent[], id: string): AnalysedEvent[] {
  return events.filter((e) => e.id !== id);
}

/**
 * A label chosen by the clinician, with confidence 1 (it is theirs, not a model's guess); the
 * models' probabilities and votes stay visible next to it.
 */
export function relabelEvent(events: readonly AnalysedEvent[], id: string, label: string): AnalysedEvent[] {
  return events.map((e) => {
    if (e.id !== id) return e;
    const { ownLabel: _modelsOwn, ...rest } = e;
    return { ...rest, label, confidence: 1, labelByClinician: true, edited: true };
  });
}

/**
 * The label an event shows: its model's own label (`ownLabel`), or, when the verdict types the events
 * with the record (VerdictResult.eventTyping), the verdict-weighted type of its label-table `probs`;
 * `ownLabel` is returned beside it only when the two differ.
 */
export function withRecordTyping(probs: readonly number[], ownLabel: string, verdict: VerdictResult | null | undefined): { label: string; ownLabel?: string } {
  if (verdict?.eventTyping !== 'verdict-weighted' || !verdict.recordProbs || !verdict.recordClasses) return { label: ownLabel };
  const label = EVENT_NAMES[typeWithRecord(probs, EVENT_NAMES, GROUPS, verdict.recordProbs, verdict.recordClasses, verdict.label)];
  return label === ownLabel ? { label } : { label, ownLabel };
}

/**
 * The model's new opinion on an edited event: label, confidence, probabilities and votes; the label
 * typed with the record when `verdict` says so (withRecordTyping).
 */
export function applyClassification(
  events: readonly AnalysedEvent[],
  id: string,
  result: { probs: number[]; label?: string; votes: AnalysedEvent['votes']; model: string },
  keepClinicianLabel = false,
  verdict?: VerdictResult | null,
): AnalysedEvent[] {
  return events.map((e) => {
    if (e.id !== id) return e;
    let k = 0;
    for (let i = 1; i < result.probs.length; i++) if (result.probs[i] > result.probs[k]) k = i;
    // The classifier's label follows the manifest's decision rule; argmax only if none was given.
    const typed = withRecordTyping(result.probs, result.label ?? EVENT_CLASSES[k].name, verdict);
    const keep = keepClinicianLabel && e.labelByClinician;
    const { ownLabel: _previous, ...rest } = e;
    return {
      ...rest,
      probs: result.probs,
      votes: result.votes,
      model: result.model,
      confidence: keep ? e.confidence : result.probs[EVENT_CLASSES.findIndex((c) => c.name === typed.label)],
      label: keep ? e.label : typed.label,
      labelByClinician: keep ? true : false,
      ...(!keep && typed.ownLabel !== undefined && { ownLabel: typed.ownLabel }),
    };
  });
}

/** Which events a record verdict rests on: the events of the verdict's group(s). */
export function supportingEvents(verdictLabel: string, events: readonly AnalysedEvent[]): AnalysedEvent[] {
  const group = (e: AnalysedEvent) => GROUPS[e.label];
  switch (verdictLabel) {
    case 'CAS':
      return events.filter((e) => group(e) === 'CAS' || group(e) === 'CAS & DAS');
    case 'DAS':
      return events.filter((e) => group(e) === 'DAS' || group(e) === 'CAS & DAS');
    case 'CAS & DAS':
      return events.filter((e) => group(e) !== 'normal' && group(e) !== undefined);
    case 'Normal':
      return events.filter((e) => group(e) === 'normal');
    default:
      return [];
  }
}

/** The record label the (possibly edited) events imply by the SPRSound rules. */
export function eventsImply(events: readonly AnalysedEvent[]): string {
  return rulesLabel(events.map((e) => ({ type: e.label })), GROUPS);
}

/** Annotated events as the editor's type, with the models' classification of each when known. */
export function referenceEvents(events: readonly TimedEvent[], classified?: readonly ReferenceClassification[]): (AnalysedEvent & { predicted?: ReferenceClassification })[] {
  return events.map((e, i) => ({ ...e, id: `ref-${i + 1}`, predicted: classified?.[i] }));
}
