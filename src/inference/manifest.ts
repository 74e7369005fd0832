// The model manifest (public/models/manifest.json), written by training/ and read here: one entry
// per model, a discriminated union on `task` — each kind of model carries its own fields (the
// detector its frame grid, chunking and post-processing; the heart model its window policy) —
// checked once by `parseManifest`, so nothing downstream has to cast or guess.
import { ARGMAX_DECISIONS } from './decision';
import type { EventDecisions } from '../core/types';
import type { PostprocessParams } from './postprocess';

export const EVENT_TASK = 'respiratory-event';
export const DETECTOR_TASK = 'respiratory-detector';
export const HEART_TASK = 'heart';
export type ModelTask = typeof EVENT_TASK | typeof DETECTOR_TASK | typeof HEART_TASK;
export const MODEL_TASKS: readonly ModelTask[] = [EVENT_TASK, DETECTOR_TASK, HEART_TASK];

/** The model's front end (inside the ONNX graph): the waveform goes in, this spectrogram is computed. */
export interface FeatureSpec {
  /** e.g. 'logstft' */
  type: string;
  /** STFT size, samples at the model's rate. */
  nFft: number;
  /** STFT hop, samples at the model's rate. */
  hop: number;
  window?: string;
  /** Frequency range kept, Hz. */
  fMin?: number;
  fMax?: number;
  numBins?: number;
  normalisation?: string;
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

interface ModelBase {
  id: string;
  architecture: string;
  /** ONNX file, relative to the manifest. */
  file: string;
  /** Rate (Hz) the model's waveform input is sampled at. */
  sampleRate: number;
  /** Output class names, in output order. */
  classes: string[];
  /** Held-out test scores, for the model card and reports; never read to choose a model. */
  metrics?: Record<string, unknown>;
  selectionMetrics?: SelectionMetrics;
  params?: number;
  sizeBytes: number;
  sha256: string;
  precision?: string;
  training?: { command: string; commit: string; seed: number };
}

export interface EventInputPolicy {
  name: string;
  /** Samples per model input ([B, clipSamples] float32 waveform at `sampleRate`). */
  clipSamples: number;
  /** Events shorter than a clip are repeated (tiled) to fill it. */
  shorter: 'tile';
  /** Longer events are cut into windows whose probabilities are averaged. */
  longer: 'mean-of-windows';
  windowHopSamples: number;
}

/** A respiratory event classifier: one event clip in, one probability per event class out. */
export interface EventModelEntry extends ModelBase {
  task: typeof EVENT_TASK;
  feature: FeatureSpec;
  input: EventInputPolicy;
  /** ONNX output names: `probs` [B, classes]; `features` [B, 1, F, T] the normalised input spectrogram. */
  outputs: { probs: string; features?: string };
  /** How probabilities become labels (thresholds chosen on validation patients). */
  decision?: EventDecisions;
}

/**
 * The sound-event detector: a whole recording ([1, N] waveform, any N ≥ minSamples) in, one output
 * frame per `frameHopSamples` out (STFT frames of `feature.hop` pooled frameHopSamples / hop at a
 * time), plus a record-level head.
 */
export interface DetectorModelEntry extends ModelBase {
  task: typeof DETECTOR_TASK;
  feature: FeatureSpec;
  input: { name: string; dynamicLength: true; minSamples: number };
  /** ONNX outputs: activity [1, T]; classProbs [1, T, classes]; recordProbs [1, recordClasses]. */
  outputs: { activity: string; classProbs: string; recordProbs: string };
  /** Output frame hop (ms) and the centre offset of frame 0 (ms). */
  frameHopMs: number;
  frameOffsetMs: number;
  /** Samples per output frame, at `sampleRate`. */
  frameHopSamples: number;
  /** Long recordings run in chunks of `samples` overlapping by `overlapSamples`. */
  chunk: { samples: number; overlapSamples: number };
  recordClasses: string[];
  postprocess: PostprocessParams;
}

export interface HeartInputPolicy {
  name: string;
  /** Samples per model input window, and the hop between windows, at `sampleRate`. */
  windowSamples: number;
  hopSamples: number;
  /** Recordings shorter than one window are repeated (tiled) to fill it. */
  shorter: 'tile';
  longer?: 'mean-of-windows';
}

/** The heart-sound classifier: fixed windows of a recording in, one probability per heart class out. */
export interface HeartModelEntry extends ModelBase {
  task: typeof HEART_TASK;
  /** Its front end states the rate it assumes (equal to `sampleRate`; the manifest check holds it so). */
  feature: FeatureSpec & { sampleRate: number };
  input: HeartInputPolicy;
  outputs: { probs: string; features?: string };
}

export type ModelEntry = EventModelEntry | DetectorModelEntry | HeartModelEntry;
export type ModelOfTask<T extends ModelTask> = Extract<ModelEntry, { task: T }>;

export interface EnsembleEntry {
  id: string;
  /** Only event classifiers are combined. */
  task?: typeof EVENT_TASK;
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

type Json = Record<string, unknown>;

function malformed(where: string, what: string): never {
  throw new Error(`The model manifest is malformed: ${where} ${what}.`);
}

function obj(v: unknown, where: string): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v)) malformed(where, 'is not an object');
  return v as Json;
}

/** Checks that each key of `o` holds a value of the kind named ('n' positive number, 'n0' number ≥ 0, 's' string, 's[]', 'o'). */
function need(o: Json, where: string, kinds: Record<string, 'n' | 'n0' | 's' | 's[]' | 'o'>): void {
  for (const [key, kind] of Object.entries(kinds)) {
    const v = o[key];
    const ok =
      kind === 'n' ? typeof v === 'number' && v > 0
      : kind === 'n0' ? typeof v === 'number' && v >= 0
      : kind === 's' ? typeof v === 'string'
      : kind === 's[]' ? Array.isArray(v) && v.every((x) => typeof x === 'string')
      : !!v && typeof v === 'object' && !Array.isArray(v);
    if (!ok) malformed(`${where}.${key}`, `is missing or not ${{ n: 'a positive number', n0: 'a number ≥ 0', s: 'a string', 's[]': 'a list of strings', o: 'an object' }[kind]}`);
  }
}

function checkSelection(v: unknown, where: string): void {
  if (v === undefined) return;
  const s = obj(v, where);
  need(s, where, { split: 's' });
  if (s.task11 !== undefined) obj(s.task11, `${where}.task11`);
  if (s.task12 !== undefined) need(obj(s.task12, `${where}.task12`), `${where}.task12`, { Score: 'n0' });
}

/** One entry checked against the fields its task needs. */
function assertModel(v: unknown, i: number): asserts v is ModelEntry {
  const m = obj(v, `models[${i}]`);
  const where = typeof m.id === 'string' ? `model "${m.id}"` : `models[${i}]`;
  need(m, where, { id: 's', file: 's', sha256: 's', task: 's', sampleRate: 'n', classes: 's[]', feature: 'o', input: 'o', outputs: 'o' });
  checkSelection(m.selectionMetrics, `${where}.selectionMetrics`);
  const feature = obj(m.feature, `${where}.feature`);
  const input = obj(m.input, `${where}.input`);
  const outputs = obj(m.outputs, `${where}.outputs`);
  need(feature, `${where}.feature`, { type: 's', nFft: 'n', hop: 'n' });
  need(input, `${where}.input`, { name: 's' });
  if (m.task === EVENT_TASK) {
    need(input, `${where}.input`, { clipSamples: 'n', windowHopSamples: 'n' });
    need(outputs, `${where}.outputs`, { probs: 's' });
  } else if (m.task === HEART_TASK) {
    need(input, `${where}.input`, { windowSamples: 'n', hopSamples: 'n' });
    need(outputs, `${where}.outputs`, { probs: 's' });
    need(feature, `${where}.feature`, { sampleRate: 'n' });
    if (feature.sampleRate !== m.sampleRate) malformed(`${where}.feature.sampleRate`, `(${feature.sampleRate}) differs from its sampleRate (${m.sampleRate})`);
  } else if (m.task === DETECTOR_TASK) {
    need(m, where, { frameHopMs: 'n', frameOffsetMs: 'n0', frameHopSamples: 'n', chunk: 'o', recordClasses: 's[]', postprocess: 'o' });
    need(input, `${where}.input`, { minSamples: 'n' });
    need(outputs, `${where}.outputs`, { activity: 's', classProbs: 's', recordProbs: 's' });
    need(obj(m.chunk, `${where}.chunk`), `${where}.chunk`, { samples: 'n', overlapSamples: 'n0' });
    const post = obj(m.postprocess, `${where}.postprocess`);
    need(post, `${where}.postprocess`, { threshold: 'n0', medianFrames: 'n', maxGapMs: 'n0', minDurationMs: 'n0', verdict: 's', poorQualityThreshold: 'n0' });
    if (post.verdict !== 'head' && post.verdict !== 'rules' && post.verdict !== 'hierarchical') {
      malformed(`${where}.postprocess.verdict`, `is "${post.verdict}", not "head", "rules" or "hierarchical"`);
    }
    if (post.verdict === 'hierarchical') need(post, `${where}.postprocess`, { adventitiousThreshold: 'n0' });
    if (post.eventTyping !== undefined && post.eventTyping !== 'verdict-weighted') {
      malformed(`${where}.postprocess.eventTyping`, `is "${String(post.eventTyping)}", not "verdict-weighted"`);
    }
    if (post.eventTyping !== undefined && post.verdict === 'rules') {
      malformed(`${where}.postprocess.eventTyping`, 'needs a verdict from the record head ("head" or "hierarchical"), not "rules"');
    }
    if ((m.frameHopSamples as number) % (feature.hop as number) !== 0) {
      malformed(`${where}.frameHopSamples`, `(${m.frameHopSamples}) is not a whole number of STFT hops (feature.hop ${feature.hop})`);
    }
  } else {
    malformed(`${where}.task`, `is "${m.task}", not one of ${MODEL_TASKS.join(', ')}`);
  }
}

function assertEnsemble(v: unknown, i: number): asserts v is EnsembleEntry {
  const where = `ensembles[${i}]`;
  const e = obj(v, where);
  need(e, where, { id: 's', members: 's[]', combine: 's' });
  checkSelection(e.selectionMetrics, `${where}.selectionMetrics`);
}

/** The manifest JSON, checked: every entry has the fields its task needs (a clear error if not). */
export function parseManifest(json: unknown): Manifest {
  const m = obj(json, 'the manifest');
  if (!Array.isArray(m.models)) malformed('the manifest', 'has no "models" list');
  const models = m.models.map((e: unknown, i) => {
    assertModel(e, i);
    return e;
  });
  const list = m.ensembles ?? [];
  if (!Array.isArray(list)) malformed('"ensembles"', 'is not a list');
  const ensembles = list.map((e: unknown, i) => {
    assertEnsemble(e, i);
    return e;
  });
  return { version: typeof m.version === 'number' ? m.version : 1, models, ensembles };
}

/** Models for a task, e.g. 'respiratory-event', typed as that task's entries. */
export function modelsForTask<T extends ModelTask>(manifest: Manifest, task: T): ModelOfTask<T>[] {
  return manifest.models.filter((m): m is ModelOfTask<T> => m.task === task);
}

/**
 * Resolve a user's choice ('resnet18', 'vgg16', 'ensemble' or a full id) to the member models.
 * A short name picks the first model of that family listed in the manifest.
 */
export function resolveModelChoice(manifest: Manifest, choice: string): EventModelEntry[] {
  const candidates = modelsForTask(manifest, EVENT_TASK);
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
export function decisionsFor(manifest: Manifest, choice: string, members: EventModelEntry[]): EventDecisions {
  const ensemble = manifest.ensembles?.find((e) => e.id === choice);
  if (ensemble) return ensemble.decision ?? ARGMAX_DECISIONS;
  return members.length === 1 ? (members[0].decision ?? ARGMAX_DECISIONS) : ARGMAX_DECISIONS;
}
