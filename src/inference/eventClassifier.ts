// Classifies respiratory events with the manifest's event models, alone or as an ensemble.
import type { AudioClip } from '../../workers/api';
import { resample } from '../dsp/resample';
import { eventSampleRange, eventWindows } from './eventWindows';
import { decideClass, type EventDecisions } from './decision';
import { decisionsFor, resolveModelChoice, type ModelEntry } from './manifest';
import type { ModelStore } from './modelStore';
import { ort, type Backend } from './runtime';

export const EVENT_TASK = 'respiratory-event';
/** Windows per ONNX run: large enough to amortise the call, small enough for bounded memory. */
const BATCH = 16;

export interface EventSpan {
  startMs: number;
  endMs: number;
}

export interface EventPrediction {
  /** Mean probability per class, in `classes` order. */
  probs: number[];
  label: string;
  confidence: number;
  /** Each member model's own probabilities, keyed by model id. */
  perModel: Record<string, number[]>;
}

export interface ClassifyResult {
  classes: string[];
  /** The rules that turned `probs` into `label` (also what the CLI applies for Task 1-1). */
  decisions: EventDecisions;
  predictions: EventPrediction[];
  models: string[];
  backend: Backend;
}

export class EventClassifier {
  constructor(private readonly store: ModelStore) {}

  /** Run one model over fixed-length windows; returns one probability row per window. */
  async runWindows(model: ModelEntry, windows: Float32Array[]): Promise<{ probs: number[][]; backend: Backend }> {
    try {
      return await this.runWindowsOnce(model, windows);
    } catch (e) {
      const { backend } = await this.store.session(model);
      if (backend === 'wasm') throw e;
      // A lost or failing GPU device: carry on with WASM rather than fail the analysis.
      await this.store.fallBackToWasm(`WebGPU failed during inference (${e instanceof Error ? e.message : String(e)}); using WASM`);
      return this.runWindowsOnce(model, windows);
    }
  }

  private async runWindowsOnce(model: ModelEntry, windows: Float32Array[]): Promise<{ probs: number[][]; backend: Backend }> {
    const { session, backend } = await this.store.session(model);
    const clip = model.input.clipSamples;
    const nClasses = model.classes.length;
    const rows: number[][] = [];
    for (let b = 0; b < windows.length; b += BATCH) {
      const batch = windows.slice(b, b + BATCH);
      const input = new Float32Array(batch.length * clip);
      batch.forEach((w, i) => input.set(w, i * clip));
      const feeds = { [model.input.name]: new ort.Tensor('float32', input, [batch.length, clip]) };
      const out = await session.run(feeds, [model.outputs.probs]);
      const probs = out[model.outputs.probs].data as Float32Array;
      for (let i = 0; i < batch.length; i++) rows.push(Array.from(probs.subarray(i * nClasses, (i + 1) * nClasses)));
      for (const t of Object.values(out)) t.dispose();
    }
    return { probs: rows, backend };
  }

  /** Classify events of a recording (any rate: resampled to the model's rate once). */
  async classify(audio: AudioClip, events: EventSpan[], choice: string): Promise<ClassifyResult> {
    const members = resolveModelChoice(this.store.manifest, EVENT_TASK, choice);
    const rate = members[0].sampleRate;
    const samples = resample(audio.samples, audio.sampleRate, rate);
    const clips = events.map((e) => {
      const [s, t] = eventSampleRange(e.startMs, e.endMs, rate, samples.length);
      return samples.subarray(s, Math.max(s, t));
    });
    return this.classifyClips(clips, members, decisionsFor(this.store.manifest, choice, members));
  }

  /** Classify stand-alone event clips already at the models' rate. */
  async classifyClips(clips: Float32Array[], members: ModelEntry[], decisions: EventDecisions): Promise<ClassifyResult> {
    const classes = members[0].classes;
    const windowsPerClip = clips.map((c) => eventWindows(c, members[0].input));
    const flat = windowsPerClip.flat();
    const perModel: number[][][] = []; // [model][clip][class]
    let backend: Backend = 'wasm';
    for (const model of members) {
      const run = await this.runWindows(model, flat);
      backend = run.backend;
      const rows: number[][] = [];
      let w = 0;
      for (const windows of windowsPerClip) {
        const mean = new Array<number>(classes.length).fill(0);
        for (let i = 0; i < windows.length; i++, w++) {
          for (let k = 0; k < classes.length; k++) mean[k] += run.probs[w][k] / windows.length;
        }
        rows.push(mean);
      }
      perModel.push(rows);
    }
    const predictions = clips.map((_, c) => {
      const probs = classes.map((_k, k) => perModel.reduce((s, rows) => s + rows[c][k], 0) / members.length);
      const label = decideClass(probs, classes, decisions.task12);
      return {
        probs,
        label,
        confidence: probs[classes.indexOf(label)],
        perModel: Object.fromEntries(members.map((m, i) => [m.id, perModel[i][c]])),
      };
    });
    return { classes, decisions, predictions, models: members.map((m) => m.id), backend };
  }
}
