// ONNX Runtime sessions for the browser worker and the Node CLI alike: WebGPU when the
// platform has a working adapter, WASM otherwise, and WASM again if WebGPU fails later.
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
  /** Why a preferred backend was skipped, for a visible note in the UI. */
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

export async function webgpuAvailable(): Promise<boolean> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }) | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

export async function createSession(model: Uint8Array, backends: Backend[]): Promise<LoadedSession> {
  const reasons: string[] = [];
  for (const backend of backends) {
    if (backend === 'webgpu' && !(await webgpuAvailable())) {
      reasons.push('WebGPU is not available in this browser');
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [backend],
        graphOptimizationLevel: 'all',
      });
      return { session, backend, fallbackReason: reasons.length ? reasons.join('; ') : undefined };
    } catch (e) {
      reasons.push(`${backend} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`No inference backend could load the model (${reasons.join('; ')}).`);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export { ort };
