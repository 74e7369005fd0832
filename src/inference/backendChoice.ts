// Which backend the models run on, chosen by measurement rather than by availability: a WebGPU
// adapter can be a software one, many times slower than WASM. Pure logic (no browser), so the
// rules are tested in Node: the cache key, the never-slower rule, and the user's override first.
import type { BackendChoice, BackendMeasurement, BackendSetting } from '../core/types';


/**
 * What a measurement is valid for: this browser (user agent), its WebGPU adapter, and the exact
 * model files (their sha256s, in any order). A new browser version, GPU or model set measures again.
 */
export function measurementKey(userAgent: string, adapter: string, modelSha256s: readonly string[]): string {
  return JSON.stringify([userAgent, adapter, [...modelSha256s].sort()]);
}

const ms = (x: number) => `${Math.round(x)} ms`;

/** The measured choice: WebGPU only when it was strictly faster (never slower than WASM). */
export function choiceFromMeasurement(m: BackendMeasurement): BackendChoice {
  const timings = { wasmMs: m.wasmMs, webgpuMs: m.webgpuMs };
  if (m.webgpuMs === null) {
    return { backend: 'wasm', how: 'measured', timings, key: m.key, reason: `measured ${ms(m.wasmMs)}; WebGPU failed (${m.webgpuError ?? 'unknown error'})` };
  }
  const backend = m.webgpuMs < m.wasmMs ? 'webgpu' : 'wasm';
  const reason = backend === 'webgpu' ? `measured ${ms(m.webgpuMs)} vs WASM ${ms(m.wasmMs)}` : `measured ${ms(m.wasmMs)} vs WebGPU ${ms(m.webgpuMs)}`;
  return { backend, how: 'measured', timings, key: m.key, reason };
}

export interface ChoiceInputs {
  setting: BackendSetting;
  /** Whether the browser offers a WebGPU adapter. */
  webgpu: boolean;
  /** `measurementKey` of this browser and model set. */
  key: string;
  /** The cached measurement, if any (from any browser or model set: only a matching key counts). */
  cached?: BackendMeasurement | null;
}

/**
 * The backend in force. The user's override comes first; then no adapter means WASM; then a cached
 * measurement for this key; otherwise WASM until WebGPU has been measured (`measure` is then true).
 */
export function decideBackend({ setting, webgpu, key, cached }: ChoiceInputs): { choice: BackendChoice; measure: boolean } {
  if (setting !== 'auto') {
    return { choice: { backend: setting, how: 'user', reason: 'chosen in the settings' }, measure: false };
  }
  if (!webgpu) return { choice: { backend: 'wasm', how: 'only-wasm', reason: 'WebGPU is not available in this browser' }, measure: false };
  if (cached && cached.key === key) return { choice: choiceFromMeasurement(cached), measure: false };
  return { choice: { backend: 'wasm', how: 'pending', reason: 'WebGPU not measured yet' }, measure: true };
}

/** What the parsed cache entry must look like; anything else is ignored (measured again). */
export function parseMeasurement(value: unknown): BackendMeasurement | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  const webgpuMs = m.webgpuMs === null || typeof m.webgpuMs === 'number' ? m.webgpuMs : undefined;
  if (typeof m.key !== 'string' || typeof m.wasmMs !== 'number' || webgpuMs === undefined || typeof m.measuredAt !== 'number') return null;
  return { key: m.key, wasmMs: m.wasmMs, webgpuMs, measuredAt: m.measuredAt, ...(typeof m.webgpuError === 'string' ? { webgpuError: m.webgpuError } : {}) };
}
