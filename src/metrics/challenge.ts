import { NORMAL } from '../core/labels';
// The SPRSound challenge scores. SP: Normal items called Normal / all Normal items.
// SE: non-Normal items given exactly their label / all non-Normal items (for record tasks,
// Poor Quality counts as non-Normal). AS = (SE+SP)/2, HS = harmonic mean, Score = (AS+HS)/2.

export interface ChallengeScores {
  SE: number;
  SP: number;
  AS: number;
  HS: number;
  Score: number;
  n: number;
}

export function challengeScores(truth: readonly string[], predicted: readonly string[]): ChallengeScores {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  let normal = 0;
  let normalRight = 0;
  let abnormal = 0;
  let abnormalRight = 0;
  truth.forEach((t, i) => {
    if (t === NORMAL) {
      normal++;
      if (predicted[i] === NORMAL) normalRight++;
    } else {
      abnormal++;
      if (predicted[i] === t) abnormalRight++;
    }
  });
  const SE = abnormal ? abnormalRight / abnormal : 0;
  const SP = normal ? normalRight / normal : 0;
  const AS = (SE + SP) / 2;
  const HS = SE + SP > 0 ? (2 * SE * SP) / (SE + SP) : 0;
  return { SE, SP, AS, HS, Score: (AS + HS) / 2, n: truth.length };
}

/** Rows: truth, columns: prediction, in `labels` order; unknown labels are ignored. */
export function confusionMatrix(labels: readonly string[], truth: readonly string[], predicted: readonly string[]): number[][] {
  const m = labels.map(() => labels.map(() => 0));
  truth.forEach((t, i) => {
    const r = labels.indexOf(t);
    const c = labels.indexOf(predicted[i]);
    if (r >= 0 && c >= 0) m[r][c]++;
  });
  return m;
}

export function perClassRecall(labels: readonly string[], truth: readonly string[], predicted: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const label of labels) {
    let n = 0;
    let right = 0;
    truth.forEach((t, i) => {
      if (t === label) {
        n++;
        if (predicted[i] === label) right++;
      }
    });
    out[label] = n ? right / n : null;
  }
  return out;
}
