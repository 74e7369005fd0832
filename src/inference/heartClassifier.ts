// Heart-sound classification (artifact / extrahls / murmur / normal) of whole recordings with the
// manifest's "heart" model, in the HBSC answer shape. The TypeScript twin of
// training/auscult_train/heart_data.py's input policy:
//   resample to the model's rate (4 kHz) with the one resampler → windows of `windowSamples`
//   (3 s) every `hopSamples` (1 s) plus one aligned to the end; a recording shorter than one window
//   is tiled to fill it → one ONNX batch → record probabilities = mean of the window probabilities.
import type { AudioClip, Backend } from '../core/types';
import { resample } from '../dsp/resample';
import { HEART_CLASSES } from '../core/labels';
import { eventWindows } from './eventWindows';
import { HEART_TASK, modelsForTask, type HeartInputPolicy, type HeartModelEntry, type Manifest } from './manifest';
import type { ModelStore } from './modelStore';
import { runWindowModel, type WindowRun } from './windowRunner';
import { argmax } from '../core/math';

/** One class's score, HBSC style: `label` is the class index in the model's output order. */
export interface HeartPrediction {
  label: number;
  className: string;
  confidence: number;
}

export interface HeartWindowPrediction extends HeartPrediction {
  /** Seconds from the start of the recording (a tiled short recording: 0 … its duration). */
  start: number;
  end: number;
}

export interface HeartClassification {
  /** The record label: the class most windows give (see recordLabel), with its mean probability. */
  topPrediction: HeartPrediction;
  /** How many of the windows give the record label, out of how many. */
  support: { windows: number; of: number };
  /** All classes, in class order (artifact, extrahls, murmur, normal). */
  predictions: HeartPrediction[];
  windows: HeartWindowPrediction[];
  modelId: string;
  backend: Backend;
}

export interface HeartWindow {
  /** Sample offsets in the model-rate signal. */
  start: number;
  end: number;
  samples: Float32Array;
}

/** The model inputs of one recording at the model's rate, with where each window lies. */
export function heartWindows(samples: Float32Array, policy: Pick<HeartInputPolicy, 'windowSamples' | 'hopSamples'>): HeartWindow[] {
  const inputs = eventWindows(samples, { clipSamples: policy.windowSamples, windowHopSamples: policy.hopSamples });
  const n = samples.length;
  if (n < policy.windowSamples) return [{ start: 0, end: n, samples: inputs[0] }];
  return inputs.map((w, i) => {
    // eventWindows: starts 0, hop, 2·hop, … and, if needed, a last one ending at n.
    const start = i * policy.hopSamples + policy.windowSamples <= n ? i * policy.hopSamples : n - policy.windowSamples;
    return { start, end: start + policy.windowSamples, samples: w };
  });
}

/** The heart model to use: `id` if given, else the first model of task "heart" in the manifest. */
export function heartModel(manifest: Manifest, id?: string): HeartModelEntry {
  const models = modelsForTask(manifest, HEART_TASK);
  const model = id ? models.find((m) => m.id === id) : models[0];
  if (!model) {
    const known = models.map((m) => m.id).join(', ') || 'none';
    throw new Error(id ? `Unknown heart model "${id}". Available: ${known}.` : 'The model manifest has no heart-sound model.');
  }
  const names = HEART_CLASSES.map((c) => c.name);
  if (model.classes.length !== names.length || model.classes.some((c, i) => c !== names[i])) {
    throw new Error(`Heart model "${model.id}" has classes [${model.classes.join(', ')}], expected [${names.join(', ')}] (labels.json).`);
  }
  return model;
}

/**
 * The record label follows from its windows: the class that most windows give; a tie goes to the
 * tied class with the higher mean probability. Chosen on the val recordings over the mean of the
 * window probabilities (same balanced accuracy, 0.922, but the mean could call a recording whose
 * windows are mostly murmur "normal"; training/cards/heart.md).
 */
export function recordLabel(windowClasses: readonly number[], mean: readonly number[]): number {
  const counts = new Array<number>(mean.length).fill(0);
  for (const k of windowClasses) counts[k]++;
  let best = 0;
  for (let k = 1; k < mean.length; k++) {
    if (counts[k] > counts[best] || (counts[k] === counts[best] && mean[k] > mean[best])) best = k;
  }
  return best;
}

function prediction(probs: ArrayLike<number>, k: number): HeartPrediction {
  return { label: k, className: HEART_CLASSES[k].name, confidence: probs[k] };
}

export class HeartClassifier {
  constructor(private readonly store: ModelStore) {}

  /** Window probabilities [W][C] for inputs already at the model's rate and length. */
  runWindows(model: HeartModelEntry, windows: Float32Array[]): Promise<WindowRun> {
    const io = { inputName: model.input.name, outputName: model.outputs.probs, windowSamples: model.input.windowSamples };
    return runWindowModel(this.store, model, io, windows);
  }

  /** Classify one recording at any sample rate. */
  async classify(audio: AudioClip, modelId?: string): Promise<HeartClassification> {
    const model = heartModel(this.store.manifest, modelId);
    if (!audio.samples.length) throw new RangeError('An empty recording cannot be classified.');
    const rate = model.sampleRate;
    const samples = resample(audio.samples, audio.sampleRate, rate);
    if (!samples.length) throw new RangeError('The recording is too short to classify.');
    const windows = heartWindows(samples, model.input);
    const run = await this.runWindows(model, windows.map((w) => w.samples));
    const mean = new Array<number>(model.classes.length).fill(0);
    for (const row of run.probs) for (let k = 0; k < mean.length; k++) mean[k] += row[k] / run.probs.length;
    const predictions = mean.map((_, k) => prediction(mean, k));
    const windowClasses = run.probs.map((row) => argmax(row));
    const top = recordLabel(windowClasses, mean);
    return {
      topPrediction: predictions[top],
      support: { windows: windowClasses.filter((k) => k === top).length, of: windowClasses.length },
      predictions,
      windows: windows.map((w, i) => ({ start: w.start / rate, end: w.end / rate, ...prediction(run.probs[i], windowClasses[i]) })),
      modelId: model.id,
      backend: run.backend,
    };
  }
}
