// Turning event-class probabilities into the challenge answers. The rules and thresholds come
// from the manifest, where training/ chose them on validation patients (never on the test set).
import type { DecisionRule, EventDecisions } from '../core/types';
import { ADVENTITIOUS, NORMAL } from '../core/labels';

export const ARGMAX_DECISIONS: EventDecisions = { task11: { rule: 'argmax' }, task12: { rule: 'argmax' } };

function argmaxExcept(probs: readonly number[], skip: number): number {
  let best = -1;
  for (let k = 0; k < probs.length; k++) if (k !== skip && (best < 0 || probs[k] > probs[best])) best = k;
  return best;
}

/** Task 1-2 style: one of the classes. */
export function decideClass(probs: readonly number[], classes: readonly string[], rule: DecisionRule): string {
  const normal = classes.indexOf(NORMAL);
  if (rule.rule === 'pNormalBelow' && rule.threshold !== undefined && normal >= 0) {
    return probs[normal] >= rule.threshold ? NORMAL : classes[argmaxExcept(probs, normal)];
  }
  return classes[argmaxExcept(probs, -1)];
}

/** Task 1-1 style: Normal or Adventitious. */
export function decideNormal(probs: readonly number[], classes: readonly string[], rule: DecisionRule): string {
  const normal = classes.indexOf(NORMAL);
  if (rule.rule === 'pNormalBelow' && rule.threshold !== undefined && normal >= 0) {
    return probs[normal] < rule.threshold ? ADVENTITIOUS : NORMAL;
  }
  return decideClass(probs, classes, { rule: 'argmax' }) === NORMAL ? NORMAL : ADVENTITIOUS;
}
