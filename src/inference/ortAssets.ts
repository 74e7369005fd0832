// Where onnxruntime-web finds its WebAssembly runtime: always the app's own origin, never a CDN,
// so inference works offline and the files are in the service worker's precache.
//
// Decision: the app uses the default `onnxruntime-web` entry (ort.bundle.min.mjs: WASM + WebGPU
// via JSEP). That bundle already contains the JS glue, so only `ort-wasm-simd-threaded.jsep.wasm`
// is fetched at run time; the `.mjs` glue is listed too for the non-bundled entry
// (the `onnxruntime-web-use-extern-wasm` condition). Vite emits both as hashed assets
// (`?url`), and the bundle's own `new URL('ort-wasm-simd-threaded.jsep.wasm', import.meta.url)`
// resolves to the same emitted file, so the runtime is only shipped and precached once.
//
// Usage (in the analysis worker, before the first InferenceSession.create):
//   import * as ort from 'onnxruntime-web';
//   import { ORT_WASM_PATHS } from '../src/inference/ortAssets';
//   ort.env.wasm.wasmPaths = ORT_WASM_PATHS;
//   ort.env.wasm.proxy = false; // we are already off the UI thread
//   // Threads need cross-origin isolation (COOP/COEP), which a static host may not give:
//   ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1;
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import jsepMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';

/** Absolute URLs, resolved against the document or worker location, for `ort.env.wasm.wasmPaths`. */
export interface OrtWasmPaths {
  wasm: string;
  mjs: string;
}

function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}

export const ORT_WASM_PATHS: OrtWasmPaths = {
  wasm: absolute(jsepWasmUrl),
  mjs: absolute(jsepMjsUrl),
};
