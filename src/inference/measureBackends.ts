// Times the models the app runs on every recording (the detector and the event model(s)) on one
// backend, on a real input: the first seconds of the recording being analysed. The caller compares
// WASM and WebGPU (backendChoice.ts decides).
import type { AudioClip, Backend } from '../core/types';
import { Detector } from './detector';
import { EventClassifier } from './eventClassifier';
import { DETECTOR_TASK, EVENT_TASK, modelsForTask, resolveModelChoice } from './manifest';
import type { ModelStore } from './modelStore';

/** Seconds of the recording timed: a few detector chunks and one event window, cheap on either backend. */
export const MEASURE_S = 5;
/** The event span classified: one model window. */
const EVENT_MS = 2500;
const TIMED_RUNS = 2;

/** Seconds of the warm-up input. */
const WARM_UP_S = 3;
/** Its sample rate: the respiratory models' own, so nothing is resampled. */
const WARM_UP_RATE = 8000;

/**
 * Runs the detector and the event model(s) once on `clip` (the event model(s) on one window at its
 * start); returns the ids of the models that ran.
 */
export async function runModels(store: ModelStore, clip: AudioClip, eventModel: string): Promise<string[]> {
  const detector = modelsForTask(store.manifest, DETECTOR_TASK).length ? new Detector(store) : null;
  const members = modelsForTask(store.manifest, EVENT_TASK).length ? resolveModelChoice(store.manifest, eventModel) : [];
  const durationMs = (clip.samples.length / clip.sampleRate) * 1000;
  if (detector) await detector.analyse(clip);
  if (members.length) await new EventClassifier(store).classify(clip, [{ startMs: 0, endMs: Math.min(durationMs, EVENT_MS) }], eventModel);
  return [...(detector ? [detector.entry.id] : []), ...members.map((m) => m.id)];
}

/**
 * A quiet input for a warm-up run: the first run of a session allocates its buffers and prepares its
 * kernels, which a user's first recording should not wait for. Deterministic low-level noise (not
 * zeros, which some normalisations treat as a special case).
 */
export function warmUpInput(): AudioClip {
  const samples = new Float32Array(WARM_UP_S * WARM_UP_RATE);
  let x = 12345;
  for (let i = 0; i < samples.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    samples[i] = ((x / 2 ** 32) - 0.5) * 1e-3;
  }
  return { samples, sampleRate: WARM_UP_RATE };
}

/** The first MEASURE_S seconds (a view, not a copy). */
export function measurementInput(clip: AudioClip): AudioClip {
  return { samples: clip.samples.subarray(0, Math.round(MEASURE_S * clip.sampleRate)), sampleRate: clip.sampleRate };
}

/**
 * ms of one run of the detector and the event model(s) on `clip`: the fastest of TIMED_RUNS runs
 * after an untimed one that opens the sessions and warms the kernels (session creation is paid
 * once per page on either backend, so it is not what the choice turns on). Throws when a model did
 * not run on `backend` (e.g. its WebGPU session could not be created and fell back).
 */
export async function timeModels(store: ModelStore, clip: AudioClip, eventModel: string, backend: Backend): Promise<number> {
  const once = () => runModels(store, clip, eventModel);
  const ids = await once();
  for (const id of ids) {
    const ran = store.backendOf(id);
    if (ran?.backend !== backend) throw new Error(`${id} could not run on ${backend}${ran?.reason ? ` (${ran.reason})` : ''}`);
  }
  let best = Infinity;
  for (let i = 0; i < TIMED_RUNS; i++) {
    const t0 = performance.now();
    await once();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
