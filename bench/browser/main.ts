// Runs the app's own inference module in the page so the bench can time WASM and WebGPU in Chromium.
import { EventClassifier } from '../../src/inference/eventClassifier';
import { parseManifest, type Manifest } from '../../src/inference/manifest';
import { ModelStore } from '../../src/inference/modelStore';
import { configureRuntime, type Backend } from '../../src/inference/runtime';
import { timeRuns, type Timing } from '../timing';

declare global {
  interface Window {
    benchEventModel(modelId: string, backend: Backend, windows: number[][], reps: number): Promise<BenchResult>;
  }
}

export interface BenchResult {
  backend: Backend;
  batch1: Timing;
  batched: Timing;
  batchSize: number;
}

let manifest: Manifest | undefined;

async function getManifest(): Promise<Manifest> {
  manifest ??= parseManifest(await (await fetch('/public/models/manifest.json')).json());
  return manifest;
}

window.benchEventModel = async (modelId, backend, windows, reps) => {
  configureRuntime({ backends: [backend], wasmThreads: 1, wasmPaths: '/node_modules/onnxruntime-web/dist/' });
  const m = await getManifest();
  const store = new ModelStore(m, async (file) => new Uint8Array(await (await fetch(`/public/models/${file}`)).arrayBuffer()), [backend]);
  const model = m.models.find((x) => x.id === modelId);
  if (!model) throw new Error(`no model ${modelId}`);
  const classifier = new EventClassifier(store);
  const inputs = windows.map((w) => Float32Array.from(w));
  const loaded = await store.session(model);
  if (loaded.backend !== backend) throw new Error(`asked for ${backend}, got ${loaded.backend}`);
  const batch1 = await timeRuns(reps, async () => {
    await classifier.runWindows(model, [inputs[0]]);
  });
  const batched = await timeRuns(Math.max(3, Math.floor(reps / 4)), async () => {
    await classifier.runWindows(model, inputs);
  });
  return { backend: loaded.backend, batch1, batched, batchSize: inputs.length };
};

document.getElementById('status')!.textContent = 'ready';
