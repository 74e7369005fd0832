// Loads models named by the manifest, checks their sha256 and keeps one session per model. It also
// holds the one WebGPU → WASM fallback: at load time each preferred backend is tried in turn (no
// WebGPU adapter, or a session that cannot be created, moves on to the next); at run time a failure
// on WebGPU (a lost device, a missing kernel) moves every model to WASM and the job runs once more.
// It records where each model ran and why not on WebGPU, so every result can name its backends.
import type { Manifest, ModelEntry } from './manifest';
import { createSession, primeRuntime, sha256Hex, webgpuAvailable, type LoadedSession } from './runtime';
import type { Backend, ModelBackend } from '../core/types';
import { isCancellation } from '../core/steps';

/**
 * Where a loader may take a model file's bytes from: `'any'` (a cached copy if it has one) or
 * `'network'` (never a cached copy: asked when the cached bytes failed the integrity check, e.g. an
 * older revision still cached during an update).
 */
export type ModelSource = 'any' | 'network';

/** Fetches a model file's bytes: Cache Storage or `fetch` in the browser, the file system in Node. */
export type ModelBytesLoader = (file: string, source: ModelSource) => Promise<Uint8Array>;

export interface ModelStoreEvents {
  /** A backend was skipped or abandoned; the UI shows this as a note. */
  onFallback?: (modelId: string, reason: string) => void;
}

export interface ModelStoreOptions {
  /** Why WebGPU is not in `backends` (e.g. "WASM measured faster"), recorded for every model that runs on WASM. */
  wasmReason?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ModelStore {
  private readonly sessions = new Map<string, Promise<LoadedSession>>();
  private readonly ran = new Map<string, ModelBackend>();
  /** Why every model moved to WASM mid-run, kept for the sessions reopened there. */
  private runtimeReason?: string;

  constructor(
    readonly manifest: Manifest,
    private readonly load: ModelBytesLoader,
    private backends: Backend[],
    private readonly events: ModelStoreEvents = {},
    private options: ModelStoreOptions = {},
  ) {}

  get preferredBackends(): readonly Backend[] {
    return this.backends;
  }

  session(model: ModelEntry): Promise<LoadedSession> {
    let s = this.sessions.get(model.id);
    if (!s) {
      s = this.open(model);
      this.sessions.set(model.id, s);
      s.then((l) => this.ran.set(model.id, l.fallbackReason ? { backend: l.backend, reason: l.fallbackReason } : { backend: l.backend })).catch(() => undefined);
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

  /** Where the model's session was opened, and why not on WebGPU; undefined before its first use. */
  backendOf(modelId: string): ModelBackend | undefined {
    return this.ran.get(modelId);
  }

  /** `backendOf` for each id that has a session. */
  backendsOf(modelIds: readonly string[]): Record<string, ModelBackend> {
    return Object.fromEntries(modelIds.flatMap((id) => (this.ran.has(id) ? [[id, this.ran.get(id)!]] : [])));
  }

  /** A new reason for running on WASM by choice (e.g. once measured), for the models that ran and those to come. */
  relabelWasm(reason: string): void {
    const old = this.options.wasmReason;
    this.options = { ...this.options, wasmReason: reason };
    for (const [id, ran] of this.ran) if (ran.backend === 'wasm' && ran.reason === old) this.ran.set(id, { backend: 'wasm', reason });
  }

  /** Closes every session (a store that will not be used again). */
  release(): void {
    for (const s of this.sessions.values()) s.then((l) => l.session.release()).catch(() => undefined);
    this.sessions.clear();
  }

  /** Drop every session and use only WASM from now on (e.g. after the WebGPU device was lost). */
  async fallBackToWasm(reason: string): Promise<void> {
    this.backends = ['wasm'];
    this.runtimeReason = reason;
    const old = [...this.sessions.entries()];
    this.sessions.clear();
    for (const [id, s] of old) {
      this.events.onFallback?.(id, reason);
      s.then((l) => l.session.release()).catch(() => undefined);
    }
  }

  /** The model's bytes, hashed once: a copy that fails the check is asked for again from the network. */
  private async verifiedBytes(model: ModelEntry): Promise<Uint8Array> {
    let digest = '';
    for (const source of ['any', 'network'] as const) {
      const bytes = await this.load(model.file, source);
      digest = await sha256Hex(bytes);
      if (digest === model.sha256) return bytes;
    }
    throw new Error(`Model "${model.id}" failed its integrity check (sha256 ${digest.slice(0, 12)}… ≠ manifest ${model.sha256.slice(0, 12)}…).`);
  }

  private async open(model: ModelEntry): Promise<LoadedSession> {
    // The runtime starts (if nothing started it yet) while the bytes load; a failure there is
    // reported by the session creation below.
    void primeRuntime(this.backends[0]).catch(() => undefined);
    const bytes = await this.verifiedBytes(model);
    const reasons: string[] = [];
    for (const backend of this.backends) {
      if (backend === 'webgpu' && !(await webgpuAvailable())) {
        reasons.push('WebGPU is not available in this browser');
        continue;
      }
      try {
        const { session, Tensor } = await createSession(bytes, backend);
        if (reasons.length) this.events.onFallback?.(model.id, reasons.join('; '));
        const chosen = backend === 'wasm' && !this.backends.includes('webgpu') ? (this.runtimeReason ?? this.options.wasmReason) : undefined;
        const fallbackReason = reasons.length ? reasons.join('; ') : chosen;
        return { session, Tensor, backend, fallbackReason };
      } catch (e) {
        reasons.push(`${backend} failed: ${message(e)}`);
      }
    }
    throw new Error(`No inference backend could load the model (${reasons.join('; ')}).`);
  }
}
