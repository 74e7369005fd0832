// A WebGPU device that fails mid-analysis (lost device, missing kernel) must not fail the
// analysis: the store drops its sessions, reloads on WASM, notes why, and the result is the same.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openNodeModelStore } from './nodeModels';
import { DATA, MODELS_DIR } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { EventClassifier } from './eventClassifier';
import { DETECTOR_TASK, EVENT_TASK, modelsForTask } from './manifest';
import { ModelStore } from './modelStore';
import { MEASURE_S, measurementInput, runModels, timeModels, warmUpInput } from './measureBackends';
import { FailingGpuStore } from '../testing/failingGpuStore';
import { primeRuntime } from './runtime';

describeWithData('inference fault handling', [DATA.models], async () => {
  const base = await openNodeModelStore(MODELS_DIR);
  const model = modelsForTask(base.manifest, EVENT_TASK)[0];
  const window = Float32Array.from({ length: model.input.clipSamples }, (_, i) => Math.sin(i / 7) * 0.1 + Math.sin(i / 3) * 0.05);
  const loadFromDisk = async (file: string) => new Uint8Array(await readFile(path.join(MODELS_DIR, file)));

  it('falls back to WASM when a WebGPU run fails, says why, and gives the WASM answer', async () => {
    const notes: string[] = [];
    const store = new FailingGpuStore(base.manifest, loadFromDisk, ['wasm'], {
      onFallback: (id, reason) => notes.push(`${id}: ${reason}`),
    });
    const failing = await new EventClassifier(store).runWindows(model, [window]);
    const reference = await new EventClassifier(base).runWindows(model, [window]);
    expect(store.failures).toBe(1);
    expect(failing.backend).toBe('wasm');
    expect(notes.join(' ')).toMatch(/WebGPU failed during inference \(GPUDevice was lost\); using WASM/);
    expect(failing.probs[0]).toEqual(reference.probs[0]);
    // The model's recorded backend keeps the reason, for the chip and the saved analysis.
    expect(store.backendOf(model.id)).toEqual({ backend: 'wasm', reason: expect.stringMatching(/^WebGPU failed during inference \(GPUDevice was lost\); using WASM$/) });
  });

  it('records each model that ran with its backend, and the reason WASM was chosen', async () => {
    const store = new ModelStore(base.manifest, loadFromDisk, ['wasm'], {}, { wasmReason: 'measured 57 ms vs WebGPU 1427 ms' });
    expect(store.backendsOf([model.id])).toEqual({});
    await new EventClassifier(store).runWindows(model, [window]);
    expect(store.backendsOf([model.id, 'not-run'])).toEqual({ [model.id]: { backend: 'wasm', reason: 'measured 57 ms vs WebGPU 1427 ms' } });
    store.relabelWasm('chosen in the settings');
    expect(store.backendOf(model.id)).toEqual({ backend: 'wasm', reason: 'chosen in the settings' });
  });

  it('times the models on a real input, and refuses a backend they did not run on', async () => {
    const clip = measurementInput({ samples: Float32Array.from({ length: 8000 * 8 }, (_, i) => window[i % window.length]), sampleRate: 8000 });
    expect(clip.samples.length).toBe(8000 * MEASURE_S);
    const store = new ModelStore(base.manifest, loadFromDisk, ['wasm']);
    const ms = await timeModels(store, clip, model.id, 'wasm');
    expect(ms).toBeGreaterThan(0);
    await expect(timeModels(store, clip, model.id, 'webgpu')).rejects.toThrow(/could not run on webgpu/);
  });

  it('starts the runtime (a 72-byte model) while the model file is still loading', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = new ModelStore(base.manifest, async (file) => gate.then(() => loadFromDisk(file)), ['wasm']);
    const session = store.session(model);
    await expect(primeRuntime('wasm')).resolves.toBeUndefined();
    release();
    const loaded = await session;
    expect(loaded.backend).toBe('wasm');
    expect((await new EventClassifier(store).runWindows(model, [window])).probs[0]).toEqual((await new EventClassifier(base).runWindows(model, [window])).probs[0]);
  });

  it('takes a cached copy after one check, and asks the network once when the cached copy is another revision', async () => {
    const asked: string[] = [];
    const good = new ModelStore(base.manifest, async (file, source) => (asked.push(source), loadFromDisk(file)), ['wasm']);
    await good.session(model);
    expect(asked).toEqual(['any']);
    asked.length = 0;
    const stale = new ModelStore(base.manifest, async (file, source) => (asked.push(source), source === 'any' ? new Uint8Array([1, 2, 3]) : loadFromDisk(file)), ['wasm']);
    expect((await new EventClassifier(stale).runWindows(model, [window])).probs[0]).toEqual((await new EventClassifier(base).runWindows(model, [window])).probs[0]);
    expect(asked).toEqual(['any', 'network']);
  });

  it('warms up on a quiet input: the detector and the chosen event models run once, nothing else', async () => {
    const input = warmUpInput();
    expect(input.sampleRate).toBe(8000);
    expect(input.samples.length).toBe(3 * 8000);
    expect(Math.max(...input.samples.map(Math.abs))).toBeLessThan(1e-3);
    expect(warmUpInput().samples).toEqual(input.samples);
    const store = new ModelStore(base.manifest, loadFromDisk, ['wasm']);
    const ran = await runModels(store, input, model.id);
    const detector = modelsForTask(base.manifest, DETECTOR_TASK)[0];
    expect(ran).toEqual([detector.id, model.id]);
    expect(Object.keys(store.backendsOf(base.manifest.models.map((m) => m.id))).sort()).toEqual([detector.id, model.id].sort());
  });
});
