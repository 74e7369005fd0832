// Loads models named by the manifest, checks their sha256 and keeps one session per model. It also
// holds the one WebGPU → WASM fallback: at load time each preferred backend is tried in turn (no
// WebGPU adapter, or a session that cannot be created, moves on to the next); at run time a failure
// on WebGPU (a lost device, a missing kernel) moves every model to WASM and the job runs once more.
import type { Manifest, ModelEntry } from './manifest';
import { createSession, sha256Hex, webgpuAvailable, type LoadedSession } from './runtime';
import type { Backend } from '../core/types';
import { isCancellation } from '../core/steps';

/** Fetches a model file's bytes: `fetch` in the browser, the file system in Node. */
export type ModelBytesLoader = (file: string) => Promise<Uint8Array>;

export interface ModelStoreEvents {
  /** A backend was skipped or abandoned; the UI shows this as a note. */
  onFallback?: (modelId: string, reason: string) => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ModelStore {
  private readonly sessions = new Map<string, Promise<LoadedSession>>();

  constructor(
    readonly manifest: Manifest,
    private readonly load: ModelBytesLoader,
    private backends: Backend[],
    private readonly events: ModelStoreEvents = {},
  ) {}

  get preferredBackends(): readonly Backend[] {
    return this.backends;
  }

  session(model: ModelEntry): Promise<LoadedSession> {
    let s = this.sessions.get(model.id);
    if (!s) {
      s = this.open(model);
      this.sessions.set(model.id, s);
      // A failed load is not cached, so a later call can try again.
      s.catch(() => this.sessions.delete(model.id));
    }
    return s;
  }

  /**
   * Runs `job` on the model's session. If it fails on WebGPU, every model moves to WASM (the reason,
   * "WebGPU failed <during>", is reported) and the job runs once more there; a cancellation is passed on.
   */
  async run<T>(model: ModelEntry, during: string, job: (loaded: LoadedSession) => Promise<T>): Promise<T> {
    const loaded = await this.session(model);
    try {
      return await job(loaded);
    } catch (e) {
      if (isCancellation(e) || loaded.backend === 'wasm') throw e;
      await this.fallBackToWasm(`WebGPU failed ${during} (${message(e)}); using WASM`);
      return job(await this.session(model));
    }
  }

  /** Drop every session and use only WASM from now on (e.g. after the WebGPU device was lost). */
  async fallBackToWasm(reason: string): Promise<void> {
    this.backends = ['wasm'];
    const old = [...this.sessions.entries()];
    this.sessions.clear();
    for (const [id, s] of old) {
      this.events.onFallback?.(id, reason);
      s.then((l) => l.session.release()).catch(() => undefined);
    }
  }

  private async open(model: ModelEntry): Promise<LoadedSession> {
    const bytes = await this.load(model.file);
    const digest = await sha256Hex(bytes);
    if (digest !== model.sha256) {
      throw new Error(`Model "${model.id}" failed its integrity check (sha256 ${digest.slice(0, 12)}… ≠ manifest ${model.sha256.slice(0, 12)}…).`);
    }
    const reasons: string[] = [];
    for (const backend of this.backends) {
      if (backend === 'webgpu' && !(await webgpuAvailable())) {
        reasons.push('WebGPU is not available in this browser');
        continue;
      }
      try {
        const session = await createSession(bytes, backend);
        const fallbackReason = reasons.length ? reasons.join('; ') : undefined;
        if (fallbackReason) this.events.onFallback?.(model.id, fallbackReason);
        return { session, backend, fallbackReason };
      } catch (e) {
        reasons.push(`${backend} failed: ${message(e)}`);
      }
    }
    throw new Error(`No inference backend could load the model (${reasons.join('; ')}).`);
  }
}
