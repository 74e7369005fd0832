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
