// The SPRSound challenge metrics for the open, annotated recordings ("Dataset metrics" panel):
// Tasks 1-1 / 1-2 on the annotated events as the event models classify them, Tasks 2-1 / 2-2 on the
// record verdicts, the event F1 of the detected events against the annotation, and the metrics that
// fit SPRSound's partial labels (metrics/events.ts familyScores; Poor Quality recordings, which have
// no event annotation, are left out of them as in training/auscult_train/detector_eval.py).
import type { RecordingAnalysis, TimedEvent } from '../core/types';
import { ADVENTITIOUS, EVENT_CLASSES, NORMAL, POOR_QUALITY, RECORD_CLASSES } from '../core/labels';
import { challengeScores, confusionMatrix, perClassRecall, type ChallengeScores } from '../metrics/challenge';
import { eventScores, familyScores, recordTaskScores, TASK21_LABELS, type EventScores, type FamilyScores, type RecordingEvents } from '../metrics/events';
import { decideNormal } from '../inference/decision';
import { toScored } from './agreement';

const EVENT_NAMES = EVENT_CLASSES.map((c) => c.name);
const RECORD_NAMES = RECORD_CLASSES.map((c) => c.name);

export interface AnnotatedItem {
  name: string;
  reference: { recordLabel?: string; events: readonly TimedEvent[] };
  analysis: RecordingAnalysis;
  /** The clinician changed the events (the detection score still uses the model's own). */
  edited: boolean;
}

export interface TaskResult {
  scores: ChallengeScores;
  labels: readonly string[];
  confusion: number[][];
  recall?: Record<string, number | null>;
}

export interface DatasetMetrics {
  recordings: number;
  models: string[];
  task11: TaskResult | null;
  task12: TaskResult | null;
  task21: TaskResult | null;
  task22: TaskResult | null;
  events: EventScores | null;
  /** Adventitious-family event F1, CAS / DAS 1-s segment F1, agnostic F1 in the annotated stretch. */
  families: FamilyScores | null;
  /** Of the edited recordings, the event F1 uses the model's own events, not the edits. */
  editedRecordings: number;
}

function task(labels: readonly string[], truth: string[], predicted: string[]): TaskResult | null {
  if (!truth.length) return null;
  return { scores: challengeScores(truth, predicted), labels, confusion: confusionMatrix(labels, truth, predicted), recall: perClassRecall(labels, truth, predicted) };
}

/** SPRSound spells the record label "CAS & DAS"; older files may use other case or spacing. */
export function normaliseRecordLabel(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const key = label.replace(/\s+/g, ' ').trim().toLowerCase();
  return RECORD_NAMES.find((n) => n.toLowerCase() === key);
}

export function datasetMetrics(items: readonly AnnotatedItem[]): DatasetMetrics {
  const evTruth: string[] = [];
  const evPred: string[] = [];
  // Task 1-1 has its own decision rule (a P(Normal) threshold chosen on validation patients).
  const ev11: string[] = [];
  const recTruth: string[] = [];
  const recPred: string[] = [];
  const detections: RecordingEvents[] = [];
  const annotatedDetections: RecordingEvents[] = [];
  const models = new Set<string>();
  let edited = 0;
  for (const it of items) {
    it.analysis.eventModels.forEach((m) => models.add(m));
    if (it.analysis.detectorId) models.add(it.analysis.detectorId);
    const classified = it.analysis.reference ?? [];
    it.reference.events.forEach((e, i) => {
      const p = classified[i];
      if (!p) return;
      evTruth.push(e.label);
      evPred.push(p.label);
      const rule = it.analysis.decisions?.task11;
      ev11.push(rule && p.probs.length === EVENT_NAMES.length ? decideNormal(p.probs, EVENT_NAMES, rule) : p.label === NORMAL ? NORMAL : ADVENTITIOUS);
    });
    const truth = normaliseRecordLabel(it.reference.recordLabel);
    if (truth && it.analysis.verdict) {
      recTruth.push(truth);
      recPred.push(it.analysis.verdict.label);
    }
    if (it.analysis.detectorId) {
      // The model's output is scored, so editing a recording never flatters the metrics.
      const scored = { reference: it.reference.events.map(toScored), estimated: it.analysis.events.map(toScored) };
      detections.push(scored);
      if (truth !== POOR_QUALITY) annotatedDetections.push(scored);
      if (it.edited) edited++;
    }
  }
  const t11 = (l: string) => (l === NORMAL ? NORMAL : ADVENTITIOUS);
  const rec = recTruth.length ? recordTaskScores(recTruth, recPred, RECORD_NAMES) : null;
  const t21Truth = recTruth.map((l) => (l === NORMAL || l === 'Poor Quality' ? l : ADVENTITIOUS));
  const t21Pred = recPred.map((l) => (l === NORMAL || l === 'Poor Quality' ? l : ADVENTITIOUS));
  return {
    recordings: items.length,
    models: [...models],
    task11: task([NORMAL, ADVENTITIOUS], evTruth.map(t11), ev11),
    task12: task(EVENT_NAMES, evTruth, evPred),
    task21: rec ? { scores: rec.task21, labels: TASK21_LABELS, confusion: rec.task21.confusion, recall: perClassRecall(TASK21_LABELS, t21Truth, t21Pred) } : null,
    task22: rec ? { scores: rec.task22, labels: RECORD_NAMES, confusion: rec.task22.confusion, recall: perClassRecall(RECORD_NAMES, recTruth, recPred) } : null,
    events: detections.length ? eventScores(detections, EVENT_NAMES) : null,
    families: annotatedDetections.length ? familyScores(annotatedDetections) : null,
    editedRecordings: edited,
  };
}
