// Class-order helpers shared by the worker and the UI (pure: no ONNX Runtime import, so the UI
// bundle never pulls the inference code in).
import type { EventDecisions, ModelVote } from '../core/types';
import { decideClass } from '../inference/decision';
import { EVENT_NAMES } from '../core/labels';
import { argmax } from '../core/math';

/** Re-orders `probs` (in `classes` order) into label-table order; missing classes get 0. */
export function toTableOrder(probs: readonly number[], classes: readonly string[]): number[] {
  return EVENT_NAMES.map((name) => {
    const k = classes.indexOf(name);
    return k >= 0 ? probs[k] : 0;
  });
}

/** A model's vote: its own decision rule (from the manifest) when known, else its top class. */
export function vote(modelId: string, probs: number[], decisions?: EventDecisions): ModelVote {
  const label = decisions ? decideClass(probs, EVENT_NAMES, decisions.task12) : EVENT_NAMES[argmax(probs)];
  return { modelId, label, confidence: probs[EVENT_NAMES.indexOf(label)], probs };
}

/** The classifiers' answer for one event as the editor stores it (probs, votes, the model choice). */
export function classificationOf(
  prediction: { probs: number[]; label: string; perModel: Record<string, number[]> },
  classes: readonly string[],
  model: string,
  modelDecisions: Record<string, EventDecisions> = {},
): { probs: number[]; label: string; votes: ModelVote[]; model: string } {
  return {
    probs: toTableOrder(prediction.probs, classes),
    // The classifier's label already follows the choice's decision rule.
    label: prediction.label,
    votes: Object.entries(prediction.perModel).map(([id, p]) => vote(id, toTableOrder(p, classes), modelDecisions[id])),
    model,
  };
}

/** Short column headings for the per-class probabilities. */
export const CLASS_ABBREVIATIONS: Record<string, string> = {
  Normal: 'N',
  Rhonchi: 'Rh',
  Wheeze: 'Wh',
  Stridor: 'St',
  'Coarse Crackle': 'CC',
  'Fine Crackle': 'FC',
  'Wheeze+Crackle': 'W+C',
};
