// Classifies respiratory events with the manifest's event models, alone or as an ensemble.
import type { AudioClip, Backend, ClassifyResult, EventDecisions, EventPrediction, EventSpan } from '../core/types';
import { sourceAt, type AudioSource } from '../audio/source';
import { throwIfCancelled, type StepHooks } from '../core/steps';
import { eventSampleRange, eventWindows } from './eventWindows';
import { decideClass } from './decision';
import { decisionsFor, resolveModelChoice, type EventModelEntry } from './manifest';
import type { ModelStore } from './modelStore';
import { runWindowModel, type WindowRun } from './windowRunner';

/** Events read and classified together (each up to a few seconds of audio). */
const EVENTS_PER_BATCH = 64;

export class EventClassifier {
  constructor(private readonly store: ModelStore) {}

  /** Run one model over fixed-length windows; returns one probability row per window. */
  runWindows(model: EventModelEntry, windows: Float32Array[]): Promise<WindowRun> {
    const io = { inputName: model.input.name, outputName: model.outputs.probs, windowSamples: model.input.clipSamples };
    return runWindowModel(this.store, model, io, windows);
  }

  /**
   * Classify events of a recording (any rate: a clip is resampled to the model's rate once). The
   * events are read and classified a batch at a time, so a long recording's thousands of events
   * never sit in memory together.
   */
  async classify(audio: AudioClip | AudioSource, events: EventSpan[], choice: string, hooks: StepHooks = {}): Promise<ClassifyResult> {
    const members = resolveModelChoice(this.store.manifest, choice);
    const rate = members[0].sampleRate;
    const source = sourceAt(audio, rate);
    const decisions = decisionsFor(this.store.manifest, choice, members);
    const predictions: EventPrediction[] = [];
    let backend: Backend = 'wasm';
    const batches = Math.ceil(events.length / EVENTS_PER_BATCH);
    for (let b = 0; b < batches; b++) {
      throwIfCancelled(hooks.signal);
      const batch = events.slice(b * EVENTS_PER_BATCH, (b + 1) * EVENTS_PER_BATCH);
      const clips = await Promise.all(
        batch.map((e) => {
          const [s, t] = eventSampleRange(e.startMs, e.endMs, rate, source.length);
          return source.read(s, Math.max(s, t));
        }),
      );
      const res = await this.classifyClips(clips, members, decisions);
      predictions.push(...res.predictions);
      backend = res.backend;
      hooks.onStep?.(b + 1, batches);
    }
    const models = members.map((m) => m.id);
    return { classes: members[0].classes, decisions, predictions, models, backend, modelBackends: this.store.backendsOf(models) };
  }

  /** Classify stand-alone event clips already at the models' rate. */
  async classifyClips(clips: Float32Array[], members: EventModelEntry[], decisions: EventDecisions): Promise<ClassifyResult> {
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
