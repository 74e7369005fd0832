// A model store for tests of the WebGPU → WASM fallback: its sessions claim to be WebGPU and every
// run throws like a lost device, until the store falls back to WASM.
import type { ModelEntry } from '../inference/manifest';
import { ModelStore } from '../inference/modelStore';
import type { LoadedSession } from '../inference/runtime';

export class FailingGpuStore extends ModelStore {
  /** Runs that threw on the pretend WebGPU sessions. */
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
    return { ...real, session, backend: 'webgpu' };
  }

  override async fallBackToWasm(reason: string): Promise<void> {
    this.gpu = false;
    await super.fallBackToWasm(reason);
  }
}
