// Loads models named by the manifest, checks their sha256 and keeps one session per model.
import type { Manifest, ModelEntry } from './manifest';
import { createSession, sha256Hex, type LoadedSession } from './runtime';
import type { Backend } from '../core/types';

/** Fetches a model file's bytes: `fetch` in the browser, the file system in Node. */
export type ModelBytesLoader = (file: string) => Promise<Uint8Array>;

export interface ModelStoreEvents {
  /** A backend was skipped or abandoned; the UI shows this as a note. */
  onFallback?: (modelId: string, reason: string) => void;
}

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
    const loaded = await createSession(bytes, this.backends);
    if (loaded.fallbackReason) this.events.onFallback?.(model.id, loaded.fallbackReason);
    return loaded;
  }
}
