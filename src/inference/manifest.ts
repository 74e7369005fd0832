// The model manifest (public/models/manifest.json), written by training/ and read here.
import { ARGMAX_DECISIONS } from './decision';
import type { EventDecisions } from '../core/types';

export interface EventInputPolicy {
  name: string;
  clipSamples: number;
  /** Events shorter than a clip are repeated (tiled) to fill it. */
  shorter: 'tile';
  /** Longer events are cut into windows whose probabilities are averaged. */
  longer: 'mean-of-windows';
  windowHopSamples: number;
}

/**
 * How the model is chosen among its peers: scores on data that is not the test split (validation
 * patients, or out-of-fold cross-validation). The model card's rule: the test split chooses nothing.
 */
export interface SelectionMetrics {
  /** Which data, e.g. "validation patients (n=24)" or "5-fold patient-grouped CV, out-of-fold". */
  split: string;
  /** Task 1-1 (Normal / Adventitious), as training wrote it. */
  task11?: Record<string, unknown>;
  /** Task 1-2 (the event classes): the default event model is ranked by this Score. */
  task12?: { Score: number };
}

export interface ModelEntry {
  id: string;
  task: string;
  architecture: string;
  file: string;
  feature: Record<string, unknown> & { type: string };
  sampleRate: number;
  input: EventInputPolicy;
  outputs: { probs: string; features?: string };
  classes: string[];
  /** Held-out test scores, for the model card and reports; never read to choose a model. */
  metrics?: Record<string, unknown>;
  selectionMetrics?: SelectionMetrics;
  params?: number;
  sizeBytes: number;
  sha256: string;
  precision?: string;
  training?: { command: string; commit: string; seed: number };
  /** How probabilities become labels (thresholds chosen on validation patients). */
  decision?: EventDecisions;
}

export interface EnsembleEntry {
  id: string;
  members: string[];
  combine: 'mean-probs';
  metrics?: Record<string, unknown>;
  selectionMetrics?: SelectionMetrics;
  decision?: EventDecisions;
}

export interface Manifest {
  version: number;
  models: ModelEntry[];
  ensembles?: EnsembleEntry[];
}

export function parseManifest(json: unknown): Manifest {
  const m = json as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || !Array.isArray(m.models)) {
    throw new Error('The model manifest is malformed: no "models" list.');
  }
  for (const entry of m.models) {
    if (typeof entry.id !== 'string' || typeof entry.file !== 'string' || !Array.isArray(entry.classes)) {
      throw new Error(`The model manifest has a malformed entry: ${JSON.stringify(entry).slice(0, 120)}`);
    }
  }
  return { version: m.version ?? 1, models: m.models, ensembles: m.ensembles ?? [] };
}

/** Models for a task, e.g. 'respiratory-event'. */
export function modelsForTask(manifest: Manifest, task: string): ModelEntry[] {
  return manifest.models.filter((m) => m.task === task);
}

/**
 * Resolve a user's choice ('resnet18', 'vgg16', 'ensemble' or a full id) to the member models.
 * A short name picks the first model of that family listed in the manifest.
 */
export function resolveModelChoice(manifest: Manifest, task: string, choice: string): ModelEntry[] {
  const candidates = modelsForTask(manifest, task);
  const ensemble = manifest.ensembles?.find((e) => e.id === choice);
  if (ensemble) {
    return ensemble.members.map((id) => {
      const m = candidates.find((c) => c.id === id);
      if (!m) throw new Error(`Ensemble "${choice}" names model "${id}", which the manifest does not have.`);
      return m;
    });
  }
  const exact = candidates.find((m) => m.id === choice);
  if (exact) return [exact];
  const family = candidates.find((m) => m.id.startsWith(`${choice}-`) || m.id === choice);
  if (family) return [family];
  const known = [...candidates.map((m) => m.id), ...(manifest.ensembles ?? []).map((e) => e.id)];
  throw new Error(`Unknown model "${choice}". Available: ${known.join(', ')}.`);
}

/** The decision rules for a model choice: the ensemble's own when the choice is an ensemble. */
export function decisionsFor(manifest: Manifest, choice: string, members: ModelEntry[]): EventDecisions {
  const ensemble = manifest.ensembles?.find((e) => e.id === choice);
  if (ensemble) return ensemble.decision ?? ARGMAX_DECISIONS;
  return members.length === 1 ? (members[0].decision ?? ARGMAX_DECISIONS) : ARGMAX_DECISIONS;
}
