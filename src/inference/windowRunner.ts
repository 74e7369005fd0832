// Runs a model with fixed-length window inputs (the event and heart classifiers) over any number
// of windows in batches. A WebGPU failure mid-run (a lost device, a missing kernel) does not fail
// the analysis: the store moves every model to WASM, says why, and the batch is run again there.
import type { ModelEntry } from './manifest';
import type { ModelStore } from './modelStore';
import { ort } from './runtime';
import type { Backend } from '../core/types';

/** Windows per ONNX run: large enough to amortise the call, small enough for bounded memory. */
const BATCH = 16;

export interface WindowIO {
  inputName: string;
  outputName: string;
  windowSamples: number;
}

export interface WindowRun {
  /** One probability row per window, in the model's class order. */
  probs: number[][];
  backend: Backend;
}

async function runOnce(store: ModelStore, model: ModelEntry, io: WindowIO, windows: Float32Array[]): Promise<WindowRun> {
  const { session, backend } = await store.session(model);
  const nClasses = model.classes.length;
  const rows: number[][] = [];
  for (let b = 0; b < windows.length; b += BATCH) {
    const batch = windows.slice(b, b + BATCH);
    const input = new Float32Array(batch.length * io.windowSamples);
    batch.forEach((w, i) => input.set(w, i * io.windowSamples));
    const feeds = { [io.inputName]: new ort.Tensor('float32', input, [batch.length, io.windowSamples]) };
    const out = await session.run(feeds, [io.outputName]);
    const probs = out[io.outputName].data as Float32Array;
    for (let i = 0; i < batch.length; i++) rows.push(Array.from(probs.subarray(i * nClasses, (i + 1) * nClasses)));
    for (const t of Object.values(out)) t.dispose();
  }
  return { probs: rows, backend };
}

export async function runWindowModel(store: ModelStore, model: ModelEntry, io: WindowIO, windows: Float32Array[]): Promise<WindowRun> {
  try {
    return await runOnce(store, model, io, windows);
  } catch (e) {
    const { backend } = await store.session(model);
    if (backend === 'wasm') throw e;
    await store.fallBackToWasm(`WebGPU failed during inference (${e instanceof Error ? e.message : String(e)}); using WASM`);
    return runOnce(store, model, io, windows);
  }
}
