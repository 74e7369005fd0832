// Model loading for Node: the same manifest and ModelStore as the browser, bytes from disk.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseManifest } from './manifest';
import { ModelStore } from './modelStore';
import { configureRuntime } from './runtime';

export async function openNodeModelStore(modelsDir: string, wasmThreads = 1): Promise<ModelStore> {
  configureRuntime({ backends: ['wasm'], wasmThreads });
  const manifestPath = path.join(modelsDir, 'manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read the model manifest ${manifestPath}: ${(e as Error).message}`);
  }
  const manifest = parseManifest(json);
  return new ModelStore(manifest, async (file) => new Uint8Array(await readFile(path.join(modelsDir, file))), ['wasm']);
}
