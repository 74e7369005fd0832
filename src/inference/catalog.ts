// What the model manifest offers the clinician: which event classifiers can be chosen (ResNet-18,
// VGG-16, both as an ensemble), which one is the default, and the versions to print on a report.
// Pure (manifest in, plain data out) so the UI and the tests see exactly what the worker sees.
//
// The default is chosen by each entry's `selectionMetrics` (validation patients or out-of-fold
// cross-validation), never by `metrics`: those are the held-out test scores, and by the model
// card's rule the test split chooses nothing.
import type { EventModelChoice, ModelCatalog, ModelVersion } from '../core/types';
import { decisionsFor, DETECTOR_TASK, EVENT_TASK, HEART_TASK, modelsForTask, type Manifest, type SelectionMetrics } from './manifest';

const FAMILIES: ReadonlyArray<{ prefix: string; label: string }> = [
  { prefix: 'resnet18', label: 'ResNet-18' },
  { prefix: 'vgg16', label: 'VGG-16' },
];

/** The score a choice is ranked by: its selection Task 1-2 score (the 7-class task the events are typed with). */
export function selectionScore(selection: SelectionMetrics | undefined): number | undefined {
  return selection?.task12?.Score;
}

/** "Both (ResNet-18 + VGG-16)"; with more members, "Ensemble (ResNet-18 + 2 × VGG-16)". */
export function ensembleLabel(memberLabels: readonly string[]): string {
  if (memberLabels.length === 2) return `Both (${memberLabels.join(' + ')})`;
  const counts = new Map<string, number>();
  for (const l of memberLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return `Ensemble (${[...counts].map(([l, n]) => (n > 1 ? `${n} × ${l}` : l)).join(' + ')})`;
}

export function modelCatalog(manifest: Manifest): ModelCatalog {
  const events = modelsForTask(manifest, EVENT_TASK);
  const choices: EventModelChoice[] = [];
  for (const f of FAMILIES) {
    // resolveModelChoice picks the first model of a family, so the catalog does too.
    const m = events.find((e) => e.id === f.prefix || e.id.startsWith(`${f.prefix}-`));
    if (m) choices.push({ id: f.prefix, label: f.label, members: [m.id], score: selectionScore(m.selectionMetrics) });
  }
  // Models of another family are still offered, by their id; a second model of a family already
  // offered (another seed of the same recipe) is offered only inside its ensemble.
  const family = (id: string) => FAMILIES.find((f) => id === f.prefix || id.startsWith(`${f.prefix}-`));
  for (const m of events) {
    if (family(m.id) || choices.some((c) => c.members.includes(m.id))) continue;
    choices.push({ id: m.id, label: m.architecture ?? m.id, members: [m.id], score: selectionScore(m.selectionMetrics) });
  }
  for (const e of manifest.ensembles ?? []) {
    if (!e.members.every((id) => events.some((m) => m.id === id))) continue;
    choices.push({ id: e.id, label: ensembleLabel(e.members.map((id) => family(id)?.label ?? choices.find((c) => c.members[0] === id)?.label ?? id)), members: e.members, score: selectionScore(e.selectionMetrics) });
  }
  const splits = [...events.map((m) => m.selectionMetrics?.split), ...(manifest.ensembles ?? []).map((e) => e.selectionMetrics?.split)];
  const { id: defaultEventChoice, reason } = pickDefault(choices, splits.find((s) => s !== undefined));
  const heart = modelsForTask(manifest, HEART_TASK)[0];
  const detector = modelsForTask(manifest, DETECTOR_TASK)[0];
  const models: ModelVersion[] = manifest.models.map((m) => ({
    id: m.id,
    task: m.task,
    architecture: m.architecture,
    file: m.file,
    sha256: m.sha256,
    commit: m.training?.commit,
  }));
  return {
    eventChoices: choices,
    defaultEventChoice,
    defaultReason: reason,
    detectorId: detector?.id ?? null,
    heartModelId: heart?.id ?? null,
    models,
    modelDecisions: Object.fromEntries(events.map((m) => [m.id, decisionsFor(manifest, m.id, [m])])),
  };
}

/**
 * Choices carry their selection score (validation, never test). The ensemble is the default if it
 * scores better than each of its scored members; otherwise the best-scored single model. With no
 * selection score at all: the ensemble if there is one, else the first choice.
 * `split` names the data the scores come from, for the reason shown.
 */
export function pickDefault(choices: readonly EventModelChoice[], split = 'validation'): { id: string; reason: string } {
  if (!choices.length) return { id: '', reason: 'The manifest has no event classifier.' };
  const singles = choices.filter((c) => c.members.length === 1);
  const ensembles = choices.filter((c) => c.members.length > 1);
  if (choices.every((c) => c.score === undefined)) {
    const pick = ensembles[0] ?? choices[0];
    return {
      id: pick.id,
      reason: ensembles.length ? 'No validation metrics in the manifest; the ensemble is the default.' : `No validation metrics in the manifest; the default is ${pick.label}, the first model offered.`,
    };
  }
  for (const e of ensembles) {
    const members = singles.filter((s) => e.members.includes(s.members[0]));
    if (e.score !== undefined && members.every((m) => m.score === undefined || e.score! > m.score)) {
      const vs = members.filter((m) => m.score !== undefined).map((m) => `${m.label} ${m.score!.toFixed(3)}`).join(', ');
      return { id: e.id, reason: `Default: the ensemble scores better on ${split} (Task 1-2 score ${e.score.toFixed(3)}${vs ? ` vs ${vs}` : ''}).` };
    }
  }
  const bestSingle = singles.filter((c) => c.score !== undefined).sort((a, b) => b.score! - a.score!)[0];
  const pick = bestSingle ?? ensembles[0] ?? choices[0];
  return {
    id: pick.id,
    reason:
      pick.score !== undefined
        ? `Default: ${pick.label}, the best-scored model on ${split} (Task 1-2 score ${pick.score.toFixed(3)}).`
        : `Default: ${pick.label}.`,
  };
}

/** The event model choice to analyse with: the one saved on this device if the catalog still offers it, else the default. */
export function eventChoiceFor(catalog: ModelCatalog, saved: string | null): string {
  return saved && catalog.eventChoices.some((c) => c.id === saved) ? saved : catalog.defaultEventChoice;
}
