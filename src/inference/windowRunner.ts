// Runs a model with fixed-length window inputs (the event and heart classifiers) over any number
// of windows in batches. A WebGPU failure mid-run does not fail the analysis: the store's one
// fallback moves every model to WASM, says why, and the windows are run again there.
import type { EventModelEntry, HeartModelEntry } from './manifest';
import type { ModelStore } from './modelStore';
import type { LoadedSession } from './runtime';
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

async function runBatches({ session, backend, Tensor }: LoadedSession, nClasses: number, io: WindowIO, windows: Float32Array[]): Promise<WindowRun> {
  const rows: number[][] = [];
  for (let b = 0; b < windows.length; b += BATCH) {
    const batch = windows.slice(b, b + BATCH);
    const input = new Float32Array(batch.length * io.windowSamples);
    batch.forEach((w, i) => input.set(w, i * io.windowSamples));
    const feeds = { [io.inputName]: new Tensor('float32', input, [batch.length, io.windowSamples]) };
    const out = await session.run(feeds, [io.outputName]);
    const probs = out[io.outputName].data as Float32Array;
    for (let i = 0; i < batch.length; i++) rows.push(Array.from(probs.subarray(i * nClasses, (i + 1) * nClasses)));
    for (const t of Object.values(out)) t.dispose();
  }
  return { probs: rows, backend };
}

/** `windows`: each `io.windowSamples` long, at the model's rate → one probability row per window. */
export function runWindowModel(store: ModelStore, model: EventModelEntry | HeartModelEntry, io: WindowIO, windows: Float32Array[]): Promise<WindowRun> {
  return store.run(model, 'during inference', (loaded) => runBatches(loaded, model.classes.length, io, windows));
}
