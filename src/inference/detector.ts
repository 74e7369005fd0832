// The respiratory sound-event detector: a whole recording -> frame probabilities -> events and a
// record verdict (Normal / CAS / DAS / CAS & DAS / Poor Quality) with a confidence.
// Same path as the event classifiers: the manifest names the model, ModelStore loads it (sha256
// checked) and picks WebGPU or WASM. Recordings longer than one chunk (30 s) are run in chunks
// that overlap by 4 s, so memory stays bounded; each frame is taken from the chunk in which it lies
// farthest from an edge (training/auscult_train/detector.py chunk_plan is the Python twin).
import type { AudioClip, Backend } from '../core/types';
import { sourceAt, type AudioSource } from '../audio/source';
import { EVENT_CLASSES } from '../core/labels';
import { EventClassifier, EVENT_TASK } from './eventClassifier';
import { modelsForTask, resolveModelChoice, type Manifest, type ModelEntry } from './manifest';
import type { ModelStore } from './modelStore';
import { detectEvents, recordVerdict, type DetectedEvent, type FrameTiming, type GroupTable, type PostprocessParams, type RecordVerdict } from './postprocess';
import { ort } from './runtime';
import { throwIfCancelled, type StepHooks } from '../core/steps';

export const DETECTOR_TASK = 'respiratory-detector';

export interface DetectorEntry extends Omit<ModelEntry, 'input' | 'outputs'> {
  input: { name: string; dynamicLength: true; minSamples: number };
  outputs: { activity: string; classProbs: string; recordProbs: string };
  frameHopMs: number;
  frameOffsetMs: number;
  frameHopSamples: number;
  chunk: { samples: number; overlapSamples: number };
  /** Event classes (frame class output order). */
  classes: string[];
  recordClasses: string[];
  postprocess: PostprocessParams;
}

export function isDetectorEntry(m: ModelEntry): boolean {
  const d = m as unknown as Partial<DetectorEntry>;
  return (
    m.task === DETECTOR_TASK &&
    typeof d.frameHopMs === 'number' &&
    typeof d.frameHopSamples === 'number' &&
    Array.isArray(d.recordClasses) &&
    typeof d.postprocess === 'object' &&
    typeof d.outputs?.activity === 'string'
  );
}

/** The detector entry with `id`, or the manifest's first one. */
export function detectorEntry(manifest: Manifest, id?: string): DetectorEntry {
  const all = modelsForTask(manifest, DETECTOR_TASK);
  const m = id ? all.find((e) => e.id === id) : all[0];
  if (!m) {
    throw new Error(id ? `The manifest has no detector "${id}" (available: ${all.map((e) => e.id).join(', ') || 'none'}).` : 'The manifest has no respiratory-detector model.');
  }
  if (!isDetectorEntry(m)) throw new Error(`Manifest entry "${m.id}" is not a well-formed detector entry.`);
  return m as unknown as DetectorEntry;
}

export interface FrameOutputs {
  nFrames: number;
  /** P(frame inside an event), one per frame. */
  activity: Float32Array;
  /** Frame-major class probabilities: classProbs[i * nClasses + k]. */
  classProbs: Float32Array;
  /** Record head probabilities (length-weighted mean over chunks), in recordClasses order. */
  recordProbs: Float32Array;
}

export interface DetectionResult {
  modelId: string;
  backend: Backend;
  sampleRate: number;
  durationMs: number;
  timing: FrameTiming;
  classes: string[];
  recordClasses: string[];
  frames: FrameOutputs;
  events: DetectedEvent[];
  verdict: RecordVerdict;
  /** Which model typed the events. */
  eventTypes: 'detector' | 'eventClassifiers';
}

export interface ChunkSpan {
  /** Samples [start, end) fed to one ONNX run. */
  start: number;
  end: number;
  /** Global output frames [keepFrom, keepTo) taken from this run. */
  keepFrom: number;
  keepTo: number;
}

export function numOutputFrames(nSamples: number, nFft = 256, hop = 64, pool = 4): number {
  const t = Math.floor((nSamples - nFft) / hop) + 1;
  return Math.max(0, Math.floor(t / pool));
}

/** The chunking of a long recording (Python twin: detector.chunk_plan). */
export function chunkPlan(n: number, chunk: number, overlap: number, frameHopSamples: number): ChunkSpan[] {
  const total = numOutputFrames(n);
  if (n <= chunk) return [{ start: 0, end: n, keepFrom: 0, keepTo: total }];
  const step = Math.floor((chunk - overlap) / frameHopSamples) * frameHopSamples;
  const startSet = new Set<number>();
  for (let s = 0; s < n - chunk; s += step) startSet.add(s);
  startSet.add(Math.floor((n - chunk) / frameHopSamples) * frameHopSamples);
  const starts = [...startSet].sort((a, b) => a - b);
  const plan: ChunkSpan[] = [];
  starts.forEach((s, k) => {
    const e = k + 1 === starts.length ? n : s + chunk; // the last chunk ends at n (< chunk + one frame hop)
    const f0 = s / frameHopSamples;
    const f1 = f0 + numOutputFrames(e - s);
    const lo = k === 0 ? 0 : plan[plan.length - 1].keepTo;
    const hi = k + 1 < starts.length ? Math.floor((starts[k + 1] / frameHopSamples + f1) / 2) : total;
    plan.push({ start: s, end: e, keepFrom: Math.max(lo, f0), keepTo: Math.min(hi, f1, total) });
  });
  return plan;
}

function groupTable(): GroupTable {
  return Object.fromEntries(EVENT_CLASSES.map((c) => [c.name, c.group])) as GroupTable;
}

export class Detector {
  readonly entry: DetectorEntry;

  constructor(
    private readonly store: ModelStore,
    entryId?: string,
  ) {
    this.entry = detectorEntry(store.manifest, entryId);
  }

  /**
   * Frame outputs for audio at the model's rate (8 kHz), read one chunk at a time: only the frame
   * outputs (32 ms each) are kept for the whole recording, never its audio.
   */
  async frameOutputs(audio: Float32Array | AudioSource, hooks: StepHooks = {}): Promise<{ frames: FrameOutputs; backend: Backend }> {
    const m = this.entry;
    const source = audio instanceof Float32Array ? sourceAt({ samples: audio, sampleRate: m.sampleRate }, m.sampleRate) : audio;
    if (source.sampleRate !== m.sampleRate) throw new RangeError(`The detector needs ${m.sampleRate} Hz audio, not ${source.sampleRate} Hz.`);
    const n = source.length;
    if (n < m.input.minSamples) {
      throw new RangeError(`The recording is too short to analyse (${((n / m.sampleRate) * 1000).toFixed(0)} ms; at least ${Math.ceil((m.input.minSamples / m.sampleRate) * 1000)} ms needed).`);
    }
    const { session, backend } = await this.store.session(m as unknown as ModelEntry);
    const nc = m.classes.length;
    const nr = m.recordClasses.length;
    const total = numOutputFrames(n);
    const activity = new Float32Array(total);
    const classProbs = new Float32Array(total * nc);
    const rec = new Float64Array(nr);
    const plan = chunkPlan(n, m.chunk.samples, m.chunk.overlapSamples, m.frameHopSamples);
    let weight = 0;
    for (const [k, c] of plan.entries()) {
      throwIfCancelled(hooks.signal);
      const input = new ort.Tensor('float32', await source.read(c.start, c.end), [1, c.end - c.start]);
      const out = await session.run({ [m.input.name]: input }, [m.outputs.activity, m.outputs.classProbs, m.outputs.recordProbs]);
      const a = out[m.outputs.activity].data as Float32Array;
      const p = out[m.outputs.classProbs].data as Float32Array;
      const r = out[m.outputs.recordProbs].data as Float32Array;
      const f0 = c.start / m.frameHopSamples;
      for (let g = c.keepFrom; g < c.keepTo; g++) {
        activity[g] = a[g - f0];
        classProbs.set(p.subarray((g - f0) * nc, (g - f0 + 1) * nc), g * nc);
      }
      const w = c.end - c.start;
      for (let j = 0; j < nr; j++) rec[j] += r[j] * w;
      weight += w;
      input.dispose();
      for (const t of Object.values(out)) t.dispose();
      hooks.onStep?.(k + 1, plan.length);
    }
    const recordProbs = Float32Array.from(rec, (v) => v / weight);
    return { frames: { nFrames: total, activity, classProbs, recordProbs }, backend };
  }

  /**
   * Events and record verdict for a recording at any rate: a clip is resampled to the model's rate
   * once, a source (a long file) chunk by chunk as it is read.
   * With `eventTypes: 'eventClassifiers'` in the manifest's post-processing, each detected event is
   * re-typed by the event classifiers (`eventModel`, default the ensemble).
   */
  async analyse(audio: AudioClip | AudioSource, eventModel = 'ensemble', hooks: StepHooks = {}): Promise<DetectionResult> {
    const m = this.entry;
    const source = sourceAt(audio, m.sampleRate);
    const durationMs = Math.floor((source.length * 1000) / m.sampleRate);
    const { frames, backend } = await this.frameOutputs(source, hooks);
    const timing = { frameHopMs: m.frameHopMs, frameOffsetMs: m.frameOffsetMs };
    let events = detectEvents(frames.activity, frames.classProbs, m.classes, durationMs, m.postprocess, timing);
    const eventTypes = m.postprocess.eventTypes ?? 'detector';
    if (eventTypes === 'eventClassifiers' && events.length) events = await this.retype(source, events, eventModel, hooks.signal);
    const verdict = recordVerdict(events, frames.recordProbs, m.recordClasses, m.classes, groupTable(), m.postprocess);
    return {
      modelId: m.id,
      backend,
      sampleRate: m.sampleRate,
      durationMs,
      timing,
      classes: m.classes,
      recordClasses: m.recordClasses,
      frames,
      events,
      verdict,
      eventTypes,
    };
  }

  private async retype(source: AudioSource, events: DetectedEvent[], choice: string, signal?: AbortSignal): Promise<DetectedEvent[]> {
    const members = resolveModelChoice(this.store.manifest, EVENT_TASK, choice);
    const classifier = new EventClassifier(this.store);
    const spans = events.map((e) => ({ startMs: e.start, endMs: e.end }));
    const res = await classifier.classify(source, spans, members.length > 1 ? choice : members[0].id, { signal });
    return events.map((e, i) => {
      const p = res.predictions[i];
      // The classifiers' class order is the same label table; map by name to be safe.
      const probs = this.entry.classes.map((c) => p.probs[res.classes.indexOf(c)] ?? 0);
      let best = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
      return { ...e, type: this.entry.classes[best], probs, confidence: e.activity * probs[best] };
    });
  }
}
