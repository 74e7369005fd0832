import { describe, expect, it } from 'vitest';
import { challengeScores, confusionMatrix, perClassRecall } from './challenge';

describe('challenge scores', () => {
  it('computes SE, SP, AS, HS and Score by the SPRSound definitions', () => {
    const truth = ['Normal', 'Normal', 'Normal', 'Normal', 'Wheeze', 'Fine Crackle', 'Stridor', 'Rhonchi'];
    const pred = ['Normal', 'Normal', 'Normal', 'Wheeze', 'Wheeze', 'Coarse Crackle', 'Stridor', 'Normal'];
    const s = challengeScores(truth, pred);
    expect(s.SP).toBeCloseTo(3 / 4, 12);
    // A crackle called the wrong crackle is not a hit: exact class only.
    expect(s.SE).toBeCloseTo(2 / 4, 12);
    expect(s.AS).toBeCloseTo(0.625, 12);
    expect(s.HS).toBeCloseTo((2 * 0.5 * 0.75) / 1.25, 12);
    expect(s.Score).toBeCloseTo((0.625 + 0.6) / 2, 12);
  });

  it('counts Poor Quality as non-Normal, right only with its exact label', () => {
    const s = challengeScores(['Poor Quality', 'Poor Quality', 'Normal'], ['Poor Quality', 'Normal', 'Normal']);
    expect(s.SE).toBe(0.5);
    expect(s.SP).toBe(1);
  });

  it('is 0, not NaN, when nothing is right', () => {
    const s = challengeScores(['Normal', 'Wheeze'], ['Wheeze', 'Normal']);
    expect(s).toMatchObject({ SE: 0, SP: 0, AS: 0, HS: 0, Score: 0 });
  });

  it('builds a confusion matrix and per-class recall', () => {
    const labels = ['Normal', 'Wheeze', 'Stridor'];
    const truth = ['Normal', 'Wheeze', 'Wheeze', 'Normal'];
    const pred = ['Normal', 'Wheeze', 'Normal', 'Wheeze'];
    expect(confusionMatrix(labels, truth, pred)).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(perClassRecall(labels, truth, pred)).toEqual({ Normal: 0.5, Wheeze: 0.5, Stridor: null });
  });
});
