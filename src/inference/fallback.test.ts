// A WebGPU device that fails mid-analysis (lost device, missing kernel) must not fail the
// analysis: the store drops its sessions, reloads on WASM, notes why, and the result is the same.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openNodeModelStore } from './nodeModels';
import { DATA, MODELS_DIR } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { EventClassifier } from './eventClassifier';
import { EVENT_TASK, modelsForTask, type ModelEntry } from './manifest';
import { ModelStore } from './modelStore';
import type { LoadedSession } from './runtime';

/** A store whose sessions claim to be WebGPU and whose first runs throw like a lost device. */
class FailingGpuStore extends ModelStore {
  failures = 0;
  private gpu = true;

  override async session(model: ModelEntry): Promise<LoadedSession> {
    const real = await super.session(model);
    if (!this.gpu) return real;
    const session = new Proxy(real.session, {
      get: (target, prop, receiver) =>
        prop === 'run'
          ? async () => {
              this.failures++;
              throw new Error('GPUDevice was lost');
            }
          : Reflect.get(target, prop, receiver),
    });
    return { session, backend: 'webgpu' };
  }

  override async fallBackToWasm(reason: string): Promise<void> {
    this.gpu = false;
    await super.fallBackToWasm(reason);
  }
}

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
  });
});
