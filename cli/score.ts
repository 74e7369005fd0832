// `score --task 11|12 --truth <labels.json> --pred <out.json>`: the challenge scores of a CLI output
// against true labels, so the shipped pipeline can be checked on held-out patients end to end;
// `score --task events`: the event metrics of `analyze` outputs against SPRSound annotations.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSprsoundAnnotation } from '../src/audio/annotations';
import { toScored } from '../src/analysis/agreement';
import { normaliseRecordLabel } from '../src/analysis/datasetMetrics';
import { eventScores, familyScores, type EventScores, type FamilyScores, type RecordingEvents } from '../src/metrics/events';
import { challengeScores, confusionMatrix, perClassRecall, type ChallengeScores } from '../src/metrics/challenge';
import { ADVENTITIOUS, EVENT_CLASSES, EVENT_NAMES, NORMAL, POOR_QUALITY, toChallengeEventName } from '../src/core/labels';

export interface ScoreReport {
  scores: ChallengeScores;
  labels: string[];
  confusion: number[][];
  recall: Record<string, number | null>;
  missing: number;
}

export async function scoreEventPredictions(task: '11' | '12', truthFile: string, predFile: string): Promise<ScoreReport> {
  const truthRaw = JSON.parse(await readFile(truthFile, 'utf8')) as Record<string, string>;
  const pred = JSON.parse(await readFile(predFile, 'utf8')) as Record<string, string>;
  const names = Object.keys(truthRaw).sort();
  const toTask = (type: string) => (task === '11' ? (type === NORMAL ? NORMAL : ADVENTITIOUS) : toChallengeEventName(type));
  const truth = names.map((n) => toTask(truthRaw[n]));
  const predicted = names.map((n) => pred[n] ?? '(missing)');
  const labels = task === '11' ? [NORMAL, ADVENTITIOUS] : EVENT_CLASSES.map((c) => c.challenge);
  return {
    scores: challengeScores(truth, predicted),
    labels,
    confusion: confusionMatrix(labels, truth, predicted),
    recall: perClassRecall(labels, truth, predicted),
    missing: names.filter((n) => !(n in pred)).length,
  };
}

export interface EventScoreReport {
  /** Recordings scored: an analysis with an annotation that is not Poor Quality. */
  recordings: number;
  /** Analyses without an annotation of the same name. */
  unmatched: string[];
  events: EventScores;
  families: FamilyScores;
}

/**
 * `score --task events --truth <dir of SPRSound annotations> --pred <dir written by analyze>`: the
 * event metrics of the app's Dataset-metrics panel (one definition, src/metrics/events.ts) over
 * every `<name>.json` of both folders. Poor Quality recordings have no event annotation and are
 * left out (as in training).
 */
export async function scoreEventFolders(truthDir: string, predDir: string): Promise<EventScoreReport> {
  const names = (await readdir(predDir)).filter((f) => f.endsWith('.json')).sort();
  const recordings: RecordingEvents[] = [];
  const unmatched: string[] = [];
  for (const name of names) {
    let truthText: string;
    try {
      truthText = await readFile(path.join(truthDir, name), 'utf8');
    } catch {
      unmatched.push(name);
      continue;
    }
    const truth = parseSprsoundAnnotation(truthText);
    if (normaliseRecordLabel(truth.recordLabel) === POOR_QUALITY) continue;
    const pred = parseSprsoundAnnotation(await readFile(path.join(predDir, name), 'utf8'));
    recordings.push({ reference: truth.events.map(toScored), estimated: pred.events.map(toScored) });
  }
  return { recordings: recordings.length, unmatched, events: eventScores(recordings, EVENT_NAMES), families: familyScores(recordings) };
}
