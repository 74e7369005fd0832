// ONNX Runtime for the browser worker and the Node CLI alike: its configuration, whether WebGPU is
// there, and one session on one backend (ModelStore chooses the backend and falls back).
import * as ort from 'onnxruntime-web';
import type { Backend } from '../core/types';

export interface RuntimeOptions {
  /** Backends to try, in order. */
  backends: Backend[];
  /** WASM threads; more than 1 needs crossOriginIsolated in browsers. */
  wasmThreads?: number;
  /** Where the ORT .wasm/.mjs files are served from (browser builds: the app's own origin). */
  wasmPaths?: ort.Env.WasmPrefixOrFilePaths;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  backend: Backend;
  /** Why not WebGPU when on WASM (a preferred backend skipped, or WASM chosen), for a visible note in the UI. */
  fallbackReason?: string;
}

let configured = false;

export function configureRuntime(options: RuntimeOptions): void {
  if (configured) return;
  configured = true;
  const isolated = typeof globalThis.crossOriginIsolated === 'boolean' && globalThis.crossOriginIsolated;
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
  ort.env.wasm.numThreads = options.wasmThreads ?? (isolated ? Math.min(4, cores) : 1);
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  ort.env.logLevel = 'error';
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
export async function createSession(model: Uint8Array, backend: Backend): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { executionProviders: [backend], graphOptimizationLevel: 'all' });
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export { ort };
