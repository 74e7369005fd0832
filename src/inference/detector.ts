// The respiratory sound-event detector: a whole recording -> frame probabilities -> events and a
// record verdict (Normal / CAS / DAS / CAS & DAS / Poor Quality) with a confidence.
// Same path as the event classifiers: the manifest names the model, ModelStore loads it (sha256
// checked) and picks WebGPU or WASM. Recordings longer than one chunk (30 s) are run in chunks
// that overlap by 4 s, so memory stays bounded; each frame is taken from the chunk in which it lies
// farthest from an edge (training/auscult_train/detector.py chunk_plan is the Python twin).
import type { AudioClip, Backend } from '../core/types';
import { sourceAt, type AudioSource } from '../audio/source';
import { EVENT_CLASSES } from '../core/labels';
import { DETECTOR_TASK, modelsForTask, type DetectorModelEntry, type Manifest } from './manifest';
import type { ModelStore } from './modelStore';
import { detectEvents, recordVerdict, type DetectedEvent, type EventTyping, type FrameTiming, type GroupTable, type RecordVerdict, type Verdict } from './postprocess';
import type { LoadedSession } from './runtime';
import { throwIfCancelled, type StepHooks } from '../core/steps';

/** The detector entry with `id`, or the manifest's first one. */
export function detectorEntry(manifest: Manifest, id?: string): DetectorModelEntry {
  const all = modelsForTask(manifest, DETECTOR_TASK);
  const m = id ? all.find((e) => e.id === id) : all[0];
  if (!m) {
    throw new Error(id ? `The manifest has no detector "${id}" (available: ${all.map((e) => e.id).join(', ') || 'none'}).` : 'The manifest has no respiratory-detector model.');
  }
  return m;
}

/** Where the detector's output frames lie, in samples at its rate (all from the manifest). */
export interface FrameGeometry {
  /** STFT size and hop (feature.nFft, feature.hop). */
  nFft: number;
  hop: number;
  /** Samples per output frame: STFT frames are pooled frameHopSamples / hop at a time. */
  frameHopSamples: number;
}

export function frameGeometry(m: Pick<DetectorModelEntry, 'feature' | 'frameHopSamples'>): FrameGeometry {
  return { nFft: m.feature.nFft, hop: m.feature.hop, frameHopSamples: m.frameHopSamples };
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
  /** How the verdict was reached (the manifest's postprocess.verdict). */
  verdictMethod: Verdict;
  /** The manifest's threshold on P(adventitious) ('hierarchical' verdicts). */
  adventitiousThreshold?: number;
  /** How the verdict types the events (the manifest's postprocess.eventTyping). */
  eventTyping?: EventTyping;
}

export interface ChunkSpan {
  /** Samples [start, end) fed to one ONNX run. */
  start: number;
  end: number;
  /** Global output frames [keepFrom, keepTo) taken from this run. */
  keepFrom: number;
  keepTo: number;
}

/** Output frames for `nSamples` of audio: STFT frames (no padding), pooled frameHopSamples / hop at a time. */
export function numOutputFrames(nSamples: number, g: FrameGeometry): number {
  const t = Math.floor((nSamples - g.nFft) / g.hop) + 1;
  return Math.max(0, Math.floor(t / (g.frameHopSamples / g.hop)));
}

/** The chunking of a long recording of `n` samples (Python twin: detector.chunk_plan). */
export function chunkPlan(n: number, chunk: DetectorModelEntry['chunk'], g: FrameGeometry): ChunkSpan[] {
  const { samples: size, overlapSamples: overlap } = chunk;
  const { frameHopSamples } = g;
  const total = numOutputFrames(n, g);
  if (n <= size) return [{ start: 0, end: n, keepFrom: 0, keepTo: total }];
  const step = Math.floor((size - overlap) / frameHopSamples) * frameHopSamples;
  const startSet = new Set<number>();
  for (let s = 0; s < n - size; s += step) startSet.add(s);
  startSet.add(Math.floor((n - size) / frameHopSamples) * frameHopSamples);
  const starts = [...startSet].sort((a, b) => a - b);
  const plan: ChunkSpan[] = [];
  starts.forEach((s, k) => {
    const e = k + 1 === starts.length ? n : s + size; // the last chunk ends at n (< size + one frame hop)
    const f0 = s / frameHopSamples;
    const f1 = f0 + numOutputFrames(e - s, g);
    const lo = k === 0 ? 0 : plan[plan.length - 1].keepTo;
    const hi = k + 1 < starts.length ? Math.floor((starts[k + 1] / frameHopSamples + f1) / 2) : total;
    plan.push({ start: s, end: e, keepFrom: Math.max(lo, f0), keepTo: Math.min(hi, f1, total) });
  });
  return plan;
}

/** Each event class's family (normal, CAS, DAS, CAS & DAS), from the label table. */
export function groupTable(): GroupTable {
  return Object.fromEntries(EVENT_CLASSES.map((c) => [c.name, c.group])) as GroupTable;
}

export class Detector {
  readonly entry: DetectorModelEntry;

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
    // A WebGPU failure mid-run: the store moves to WASM and the whole recording runs again once.
    return this.store.run(m, 'while detecting events', (loaded) => this.runChunks(loaded, source, hooks));
  }

  private async runChunks({ session, backend, Tensor }: LoadedSession, source: AudioSource, hooks: StepHooks): Promise<{ frames: FrameOutputs; backend: Backend }> {
    const m = this.entry;
    const g = frameGeometry(m);
    const n = source.length;
    const nc = m.classes.length;
    const nr = m.recordClasses.length;
    const total = numOutputFrames(n, g);
    const activity = new Float32Array(total);
    const classProbs = new Float32Array(total * nc);
    const rec = new Float64Array(nr);
    const plan = chunkPlan(n, m.chunk, g);
    let weight = 0;
    for (const [k, c] of plan.entries()) {
      throwIfCancelled(hooks.signal);
      const input = new Tensor('float32', await source.read(c.start, c.end), [1, c.end - c.start]);
      const out = await session.run({ [m.input.name]: input }, [m.outputs.activity, m.outputs.classProbs, m.outputs.recordProbs]);
      const a = out[m.outputs.activity].data as Float32Array;
      const p = out[m.outputs.classProbs].data as Float32Array;
      const r = out[m.outputs.recordProbs].data as Float32Array;
      const f0 = c.start / m.frameHopSamples;
      for (let i = c.keepFrom; i < c.keepTo; i++) {
        activity[i] = a[i - f0];
        classProbs.set(p.subarray((i - f0) * nc, (i - f0 + 1) * nc), i * nc);
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
   * Events (typed by the detector's own frame classes) and the record verdict for a recording at
   * any rate: a clip is resampled to the model's rate once, a source (a long file) chunk by chunk
   * as it is read. Event times are integer ms.
   */
  async analyse(audio: AudioClip | AudioSource, hooks: StepHooks = {}): Promise<DetectionResult> {
    const m = this.entry;
    const source = sourceAt(audio, m.sampleRate);
    const durationMs = Math.floor((source.length * 1000) / m.sampleRate);
    const { frames, backend } = await this.frameOutputs(source, hooks);
    const timing = { frameHopMs: m.frameHopMs, frameOffsetMs: m.frameOffsetMs };
    const events = detectEvents(frames.activity, frames.classProbs, m.classes, durationMs, m.postprocess, timing);
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
      verdictMethod: m.postprocess.verdict,
      adventitiousThreshold: m.postprocess.adventitiousThreshold,
      ...(m.postprocess.eventTyping && { eventTyping: m.postprocess.eventTyping }),
    };
  }
}
