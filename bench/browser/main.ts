// Runs the app's own inference module in the page so the bench can time WASM and WebGPU in Chromium.
import { modelCatalog } from '../../src/inference/catalog';
import { EventClassifier } from '../../src/inference/eventClassifier';
import { DETECTOR_TASK, EVENT_TASK, modelsForTask, parseManifest, resolveModelChoice, type Manifest } from '../../src/inference/manifest';
import { ModelStore } from '../../src/inference/modelStore';
import { configureRuntime } from '../../src/inference/runtime';
import { loadBrowserOrt } from '../../src/inference/ortAssets';
import * as heart from '../../src/pipelines/heart';
import * as lung from '../../src/pipelines/lung';
import type { Backend } from '../../src/core/types';
import { timeRuns, type Timing } from '../timing';

declare global {
  interface Window {
    benchEventModel(modelId: string, backend: Backend, windows: number[][], reps: number): Promise<BenchResult>;
    benchRecording(kind: 'respiratory' | 'heart', backend: Backend, samples: number[], sampleRate: number, reps: number): Promise<RecordingBench>;
    benchSessions(backend: Backend, parallel: boolean): Promise<number>;
  }
}

export interface BenchResult {
  backend: Backend;
  batch1: Timing;
  batched: Timing;
  batchSize: number;
}

export interface RecordingBench {
  backend: Backend;
  timing: Timing;
  /** What the pipeline answered, so a broken model cannot pass as fast. */
  summary: string;
}

let manifest: Manifest | undefined;

async function getManifest(): Promise<Manifest> {
  manifest ??= parseManifest(await (await fetch('/public/models/manifest.json')).json());
  return manifest;
}

async function openStore(backend: Backend): Promise<ModelStore> {
  configureRuntime({ backends: [backend], wasmThreads: 1, load: loadBrowserOrt });
  const m = await getManifest();
  return new ModelStore(m, async (file) => new Uint8Array(await (await fetch(`/public/models/${file}`)).arrayBuffer()), [backend]);
}

window.benchRecording = async (kind, backend, samples, sampleRate, reps) => {
  const store = await openStore(backend);
  const clip = { samples: Float32Array.from(samples), sampleRate };
  let summary = '';
  let used: Backend = backend;
  const timing = await timeRuns(reps, async () => {
    if (kind === 'respiratory') {
      // The whole analysis the app runs: resample, detect, then type the events with the default event model(s).
      const r = await lung.run(store, clip, lung.defaultLungOptions(store.manifest));
      used = r.backend;
      summary = `${r.events.length} events, verdict ${r.verdict?.label}`;
    } else {
      const r = await heart.run(store, clip);
      used = r.backend;
      summary = `${r.top.className} ${r.top.confidence.toFixed(2)}`;
    }
  });
  return { backend: used, timing, summary };
};

window.benchEventModel = async (modelId, backend, windows, reps) => {
  const store = await openStore(backend);
  const m = store.manifest;
  const model = modelsForTask(m, EVENT_TASK).find((x) => x.id === modelId);
  if (!model) throw new Error(`no model ${modelId}`);
  const classifier = new EventClassifier(store);
  const inputs = windows.map((w) => Float32Array.from(w));
  const loaded = await store.session(model);
  if (loaded.backend !== backend) throw new Error(`asked for ${backend}, got ${loaded.backend}`);
  const batch1 = await timeRuns(reps, async () => {
    await classifier.runWindows(model, [inputs[0]]);
  });
  const batched = await timeRuns(Math.max(2, Math.floor(reps / 4)), async () => {
    await classifier.runWindows(model, inputs);
  });
  return { backend: loaded.backend, batch1, batched, batchSize: inputs.length };
};

/** ms to fetch, check and open the sessions a first analysis needs (detector + default event models). */
window.benchSessions = async (backend, parallel) => {
  const store = await openStore(backend);
  const m = store.manifest;
  const models = [...modelsForTask(m, DETECTOR_TASK), ...resolveModelChoice(m, modelCatalog(m).defaultEventChoice)];
  const t0 = performance.now();
  if (parallel) await Promise.all(models.map((x) => store.session(x)));
  else for (const x of models) await store.session(x);
  const ms = performance.now() - t0;
  store.release();
  return ms;
};

document.getElementById('status')!.textContent = 'ready';
