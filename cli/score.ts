// `score --task 11|12 --truth <labels.json> --pred <out.json>`: the challenge scores of a CLI output
// against true labels, so the shipped pipeline can be checked on held-out patients end to end.
import { readFile } from 'node:fs/promises';
import { challengeScores, confusionMatrix, perClassRecall, type ChallengeScores } from '../src/metrics/challenge';
import { ADVENTITIOUS, EVENT_CLASSES, NORMAL, toChallengeEventName } from '../src/core/labels';

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
