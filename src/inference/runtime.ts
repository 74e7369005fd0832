// ONNX Runtime for the browser worker and the Node CLI alike: its configuration, whether WebGPU is
// there, and one session on one backend (ModelStore chooses the backend and falls back).
//
// Each backend may run on its own ORT build (the loader decides): in the browser WASM sessions use
// ORT's plain WebAssembly build (14 MB) and WebGPU sessions the JSEP build (28 MB), because opening
// the first session on the JSEP build took 4.4 s on a fresh page against 1.3 s for the plain one
// (bench, 2 cores), and that wait is the first drop's. A session's tensors must come from its own
// build, so every LoadedSession carries its `Tensor` class.
import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../core/types';

export type OrtModule = typeof Ort;
export type OrtTensor = Ort.Tensor;

/** The ORT build that runs sessions on `backend` (with its WebAssembly files located). */
export type OrtLoader = (backend: Backend) => Promise<OrtModule>;

export interface RuntimeOptions {
  /** Backends to try, in order. */
  backends: Backend[];
  /** WASM threads; more than 1 needs crossOriginIsolated in browsers. */
  wasmThreads?: number;
  /** Default: the package's main entry for every backend (Node: its WASM build). */
  load?: OrtLoader;
}

export interface LoadedSession {
  session: Ort.InferenceSession;
  backend: Backend;
  /** The Tensor class of the session's ORT build (feeds must be built with it). */
  Tensor: OrtModule['Tensor'];
  /** Why not WebGPU when on WASM (a preferred backend skipped, or WASM chosen), for a visible note in the UI. */
  fallbackReason?: string;
}

let configured = false;
let load: OrtLoader = () => import('onnxruntime-web');
let numThreads = 1;
const builds = new Map<Backend, Promise<OrtModule>>();

export function configureRuntime(options: RuntimeOptions): void {
  if (configured) return;
  configured = true;
  const isolated = typeof globalThis.crossOriginIsolated === 'boolean' && globalThis.crossOriginIsolated;
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
  numThreads = options.wasmThreads ?? (isolated ? Math.min(4, cores) : 1);
  if (options.load) load = options.load;
}

/** The configured ORT build for `backend`, loaded once. */
function ortFor(backend: Backend): Promise<OrtModule> {
  let build = builds.get(backend);
  if (!build) {
    build = load(backend).then((ort) => {
      ort.env.wasm.numThreads = numThreads;
      ort.env.logLevel = 'error';
      return ort;
    });
    builds.set(backend, build);
    build.catch(() => builds.delete(backend)); // a later session may try again (e.g. back online)
  }
  return build;
}

interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
type GpuNavigator = Navigator & { gpu?: { requestAdapter(): Promise<{ info?: AdapterInfo } | null> } };

/** The WebGPU adapter, in words (what a backend measurement is valid for); null when there is none. */
export async function webgpuAdapter(): Promise<string | null> {
  const gpu = (globalThis.navigator as GpuNavigator | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  } catch {
    return null;
  }
}

/**
 * The smallest ONNX model: y = Identity(x), x and y float[1], opset 13 (72 bytes). Opening it starts a
 * backend's runtime — fetching and compiling its WebAssembly, most of a first session's cost — without
 * waiting for any model file.
 */
const PRIMER_MODEL = new Uint8Array([
  8, 7, 18, 0, 58, 60, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 6, 112, 114, 105,
  109, 101, 114, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4,
  10, 2, 8, 1, 66, 4, 10, 0, 16, 13,
]);
const primed = new Map<Backend, Promise<void>>();

/**
 * Starts `backend`'s runtime once (see PRIMER_MODEL), so that it initialises while the model files
 * are still being fetched and checked; resolves when it is ready. A failure is not cached.
 */
export function primeRuntime(backend: Backend): Promise<void> {
  let ready = primed.get(backend);
  if (!ready) {
    ready = ortFor(backend)
      .then((ort) => ort.InferenceSession.create(PRIMER_MODEL, { executionProviders: [backend] }))
      .then((session) => session.release());
    ready.catch(() => primed.delete(backend));
    primed.set(backend, ready);
  }
  return ready;
}

export async function webgpuAvailable(): Promise<boolean> {
  return (await webgpuAdapter()) !== null;
}

/**
 * One session on one backend. Which backend to try, and what to do when one fails, is decided in
 * one place: ModelStore (the WebGPU → WASM fallback).
 */
export async function createSession(model: Uint8Array, backend: Backend): Promise<Pick<LoadedSession, 'session' | 'Tensor'>> {
  const ort = await ortFor(backend);
  const session = await ort.InferenceSession.create(model, { executionProviders: [backend], graphOptimizationLevel: 'all' });
  return { session, Tensor: ort.Tensor };
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
