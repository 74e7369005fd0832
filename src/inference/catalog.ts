// What the model manifest offers the clinician: which event classifiers can be chosen (ResNet-18,
// VGG-16, both as an ensemble), which one is the default, and the versions to print on a report.
// Pure (manifest in, plain data out) so the UI and the tests see exactly what the worker sees.
import type { EventModelChoice, ModelCatalog, ModelVersion } from '../core/types';
import { DETECTOR_TASK } from './detector';
import { EVENT_TASK } from './eventClassifier';
import { HEART_TASK } from './heartClassifier';
import { decisionsFor, modelsForTask, type Manifest } from './manifest';

const FAMILIES: ReadonlyArray<{ prefix: string; label: string }> = [
  { prefix: 'resnet18', label: 'ResNet-18' },
  { prefix: 'vgg16', label: 'VGG-16' },
];

/** The held-out score a choice is ranked by: Task 1-2 (the 7-class task the events are typed with). */
export function heldOutScore(metrics: Record<string, unknown> | undefined): number | undefined {
  const t12 = metrics?.task12 as { Score?: unknown } | undefined;
  if (typeof t12?.Score === 'number') return t12.Score;
  const t11 = metrics?.task11 as { argmax?: { Score?: unknown }; Score?: unknown } | undefined;
  const s = t11?.argmax?.Score ?? t11?.Score;
  return typeof s === 'number' ? s : undefined;
}

export function modelCatalog(manifest: Manifest): ModelCatalog {
  const events = modelsForTask(manifest, EVENT_TASK);
  const choices: EventModelChoice[] = [];
  for (const f of FAMILIES) {
    // resolveModelChoice picks the first model of a family, so the catalog does too.
    const m = events.find((e) => e.id === f.prefix || e.id.startsWith(`${f.prefix}-`));
    if (m) choices.push({ id: f.prefix, label: f.label, members: [m.id], score: heldOutScore(m.metrics) });
  }
  // Models of another family are still offered, by their id.
  for (const m of events) {
    if (!choices.some((c) => c.members.includes(m.id))) choices.push({ id: m.id, label: m.architecture ?? m.id, members: [m.id], score: heldOutScore(m.metrics) });
  }
  for (const e of manifest.ensembles ?? []) {
    if (!e.members.every((id) => events.some((m) => m.id === id))) continue;
    const names = e.members.map((id) => choices.find((c) => c.members[0] === id)?.label ?? id);
    choices.push({ id: e.id, label: `Both (${names.join(' + ')})`, members: e.members, score: heldOutScore(e.metrics) });
  }
  const { id: defaultEventChoice, reason } = pickDefault(choices);
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
 * The ensemble is the default only if the manifest says it measures better than each of its
 * members; otherwise the best-measured single model (or the first one when nothing is measured).
 */
export function pickDefault(choices: readonly EventModelChoice[]): { id: string; reason: string } {
  if (!choices.length) return { id: '', reason: 'The manifest has no event classifier.' };
  const singles = choices.filter((c) => c.members.length === 1);
  const ensembles = choices.filter((c) => c.members.length > 1);
  const bestSingle = [...singles].sort((a, b) => (b.score ?? -1) - (a.score ?? -1))[0];
  for (const e of ensembles) {
    const members = singles.filter((s) => e.members.includes(s.members[0]));
    if (e.score !== undefined && members.every((m) => m.score === undefined || e.score! > m.score)) {
      const vs = members.filter((m) => m.score !== undefined).map((m) => `${m.label} ${m.score!.toFixed(3)}`).join(', ');
      return { id: e.id, reason: `Default: the ensemble measures better on held-out patients (Task 1-2 score ${e.score.toFixed(3)}${vs ? ` vs ${vs}` : ''}).` };
    }
  }
  const pick = bestSingle ?? choices[0];
  return {
    id: pick.id,
    reason:
      pick.score !== undefined
        ? `Default: ${pick.label}, the best-measured model on held-out patients (Task 1-2 score ${pick.score.toFixed(3)}).`
        : `Default: ${pick.label}.`,
  };
}
