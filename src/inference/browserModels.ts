// Model loading in the browser worker: manifest and model files from the app's own origin
// (precached by the service worker), ORT's runtime files likewise.
import { parseManifest, type Manifest } from './manifest';
import { ModelStore, type ModelStoreEvents, type ModelStoreOptions } from './modelStore';
import { loadBrowserOrt } from './ortAssets';
import { configureRuntime } from './runtime';
import type { Backend } from '../core/types';

const MODELS_URL = new URL(`${import.meta.env.BASE_URL}models/`, self.location.origin);

export async function fetchManifest(): Promise<Manifest> {
  const response = await fetch(new URL('manifest.json', MODELS_URL));
  if (!response.ok) throw new Error(`The model manifest could not be loaded (HTTP ${response.status}).`);
  return parseManifest(await response.json());
}

/** A store of `manifest`'s models, trying `backends` in order. */
export function browserModelStore(manifest: Manifest, backends: Backend[], events: ModelStoreEvents = {}, options: ModelStoreOptions = {}): ModelStore {
  configureRuntime({ backends, load: loadBrowserOrt });
  return new ModelStore(
    manifest,
    async (file) => {
      const r = await fetch(new URL(file, MODELS_URL));
      if (!r.ok) throw new Error(`Model file ${file} could not be loaded (HTTP ${r.status}).`);
      return new Uint8Array(await r.arrayBuffer());
    },
    backends,
    events,
    options,
  );
}
