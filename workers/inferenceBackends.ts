// The worker's model store for the backend choice in force (backendChoice.ts): WASM until WebGPU
// has been measured, then the faster one. The measurement runs after the first analysis has
// answered (on its first seconds), so the first verdict never waits for it; later jobs wait for it
// to finish, so two jobs never share a session and each runs on the backend chosen.
import type { AudioClip, Backend, BackendChoice, BackendMeasurement, BackendSetting, InferenceStatus } from '../src/core/types';
import { choiceFromMeasurement, decideBackend, measurementKey } from '../src/inference/backendChoice';
import { eventChoiceFor, modelCatalog } from '../src/inference/catalog';
import { browserModelStore, fetchManifest, primeBrowserRuntime } from '../src/inference/browserModels';
import { DETECTOR_TASK, EVENT_TASK, modelsForTask, resolveModelChoice, type Manifest } from '../src/inference/manifest';
import { measurementInput, runModels, timeModels, warmUpInput } from '../src/inference/measureBackends';
import type { ModelStore } from '../src/inference/modelStore';
import { webgpuAdapter } from '../src/inference/runtime';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class InferenceBackends {
  private setting: BackendSetting = 'auto';
  private cached: BackendMeasurement | null = null;
  private manifest?: Promise<Manifest>;
  private store?: Promise<ModelStore>;
  private choice: BackendChoice | null = null;
  /** The key a measurement is due for (null: none due). */
  private dueKey: string | null = null;
  private measuring?: Promise<BackendMeasurement | null>;
  /** The warm-up run, once requested; jobs wait for it (see warmUp). */
  private warming?: Promise<void>;
  /** Jobs waiting in `models()`: the warm-up's trial run is skipped for them (the job itself is the first run). */
  private waiting = 0;
  private readonly notes: string[] = [];

  /** The user's setting and the browser's cached measurement; a changed setting reopens the models. */
  configure(setting: BackendSetting, measurement: BackendMeasurement | null): void {
    this.cached = measurement;
    // The page sends this first, while it is still loading: start the runtime the first analysis
    // most likely runs on (WASM unless WebGPU was chosen or measured faster; the store still decides).
    const likely = setting === 'webgpu' || (setting === 'auto' && measurement && choiceFromMeasurement(measurement).backend === 'webgpu') ? 'webgpu' : 'wasm';
    void primeBrowserRuntime(likely).catch(() => undefined);
    if (setting === this.setting && this.choice) return;
    this.setting = setting;
    const old = this.store;
    this.store = undefined;
    this.choice = null;
    this.notes.length = 0;
    this.measuring = undefined;
    void old?.then((s) => s.release()).catch(() => undefined);
  }

  /** The store to run on; waits for a measurement or the warm-up in progress. */
  async models(): Promise<ModelStore> {
    this.waiting++;
    try {
      await this.measuring;
      await this.warming;
    } finally {
      this.waiting--;
    }
    return this.current();
  }

  private current(): Promise<ModelStore> {
    this.store ??= this.open();
    this.store.catch(() => (this.store = undefined)); // let a later call retry, e.g. once back online
    return this.store;
  }

  async manifestOnce(): Promise<Manifest> {
    this.manifest ??= fetchManifest();
    this.manifest.catch(() => (this.manifest = undefined));
    return this.manifest;
  }

  async status(): Promise<InferenceStatus> {
    this.choice ??= await this.decide().catch(() => null);
    const store = await this.store?.catch(() => undefined);
    const models = store ? store.backendsOf(store.manifest.models.map((m) => m.id)) : {};
    return { models, choice: this.choice, setting: this.setting, notes: [...this.notes] };
  }

  /**
   * Opens the sessions a first analysis needs (the detector and the members of `savedChoice`, resolved
   * by eventChoiceFor as the UI resolves it) all at once, and runs them once on a quiet input, while
   * the page waits for a recording, so the first drop pays neither the session creation nor the first
   * run's set-up. When a job is already waiting by the time the sessions are open, the trial run is
   * skipped: the job's own run pays that set-up once, instead of waiting for a run on noise first.
   */
  warmUp(savedChoice: string | null): Promise<void> {
    // Set before the first await: a job asking for the models after this call waits for the warm-up
    // (a session must not run two inferences at once; on WebGPU that fails).
    this.warming ??= this.runWarmUp(savedChoice).catch(() => undefined);
    return this.warming;
  }

  private async runWarmUp(savedChoice: string | null): Promise<void> {
    await this.measuring;
    const store = await this.current();
    const m = store.manifest;
    const eventModel = eventChoiceFor(modelCatalog(m), savedChoice);
    const members = modelsForTask(m, EVENT_TASK).length ? resolveModelChoice(m, eventModel) : [];
    await Promise.all([...modelsForTask(m, DETECTOR_TASK), ...members].map((x) => store.session(x)));
    if (this.waiting === 0) await runModels(store, warmUpInput(), eventModel);
  }

  /** The measurement started by `measureAfter`, once done (null when none ran or it failed). */
  measurement(): Promise<BackendMeasurement | null> {
    return this.measuring ?? Promise.resolve(null);
  }

  /**
   * When a measurement is due, starts it on the first seconds of `clip` (the recording just analysed)
   * with the detector and `eventModel`, and switches the store to the faster backend.
   */
  measureAfter(clip: AudioClip, eventModel: string): void {
    const key = this.dueKey;
    const current = this.store;
    if (!key || !current || this.measuring || this.setting !== 'auto') return;
    this.measuring = this.measure(key, current, measurementInput(clip), eventModel).catch(() => {
      this.measuring = undefined;
      return null;
    });
  }

  private async measure(key: string, current: Promise<ModelStore>, input: AudioClip, eventModel: string): Promise<BackendMeasurement> {
    const wasm = await current;
    const wasmMs = await timeModels(wasm, input, eventModel, 'wasm');
    const gpu = browserModelStore(wasm.manifest, ['webgpu', 'wasm']);
    let webgpuMs: number | null = null;
    let webgpuError: string | undefined;
    try {
      webgpuMs = await timeModels(gpu, input, eventModel, 'webgpu');
    } catch (e) {
      webgpuError = message(e);
    }
    const measured: BackendMeasurement = { key, wasmMs, webgpuMs, ...(webgpuError ? { webgpuError } : {}), measuredAt: Date.now() };
    if (this.store !== current || this.setting !== 'auto') {
      gpu.release();
      return measured;
    }
    this.cached = measured;
    this.dueKey = null;
    this.choice = choiceFromMeasurement(measured);
    if (this.choice.backend === 'webgpu') {
      this.store = Promise.resolve(gpu);
      wasm.release();
    } else {
      wasm.relabelWasm(this.choice.reason);
      gpu.release();
    }
    return measured;
  }

  private async decide(): Promise<BackendChoice> {
    const manifest = await this.manifestOnce();
    const adapter = await webgpuAdapter();
    const key = measurementKey(globalThis.navigator?.userAgent ?? '', adapter ?? '', manifest.models.map((m) => m.sha256));
    const { choice, measure } = decideBackend({ setting: this.setting, webgpu: adapter !== null, key, cached: this.cached });
    this.dueKey = measure ? key : null;
    return choice;
  }

  private async open(): Promise<ModelStore> {
    const choice = await this.decide();
    this.choice = choice;
    // A user's WebGPU choice still falls back per model (with the reason) when a session fails there.
    const backends: Backend[] = choice.backend === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'];
    return browserModelStore(await this.manifestOnce(), backends, { onFallback: (id, reason) => this.notes.push(`${id}: ${reason}`) }, { wasmReason: choice.reason });
  }
}
