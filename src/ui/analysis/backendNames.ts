// How the backends are named to the clinician: the choice in force ("WASM — measured 57 ms vs
// WebGPU 1427 ms") and each model's backend with the reason it is on WASM, for the chip and the report.
import type { Backend, BackendChoice, ModelBackend, ModelCatalog } from '../../core/types';
import { modelLabel } from './modelNames';

export const BACKEND_LABEL: Record<Backend, string> = { webgpu: 'WebGPU', wasm: 'WASM' };

const HOW: Record<BackendChoice['how'], string> = {
  measured: '',
  user: 'your choice',
  'only-wasm': 'WebGPU not available',
  pending: 'WebGPU not measured yet',
};

/** "WASM — measured 57 ms vs WebGPU 1427 ms", "WebGPU — your choice". */
export function choiceText(choice: BackendChoice): string {
  return `${BACKEND_LABEL[choice.backend]} — ${choice.how === 'measured' ? choice.reason : HOW[choice.how]}`;
}

export interface ModelBackendLine extends ModelBackend {
  id: string;
  name: string;
}

function modelName(id: string, catalog?: ModelCatalog): string {
  if (id === catalog?.detectorId) return 'Detector';
  if (id === catalog?.heartModelId) return 'Heart model';
  return modelLabel(id, catalog);
}

/** One line per model, the detector first, in the order the models run. */
export function modelBackendLines(backends: Record<string, ModelBackend>, catalog?: ModelCatalog): ModelBackendLine[] {
  const rank = (id: string) => (id === catalog?.detectorId ? 0 : id === catalog?.heartModelId ? 2 : 1);
  return Object.entries(backends)
    .map(([id, b]) => ({ id, name: modelName(id, catalog), ...b }))
    .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** "Detector: WASM (measured 57 ms vs WebGPU 1427 ms)". */
export function lineText(l: ModelBackendLine): string {
  return `${l.name}: ${BACKEND_LABEL[l.backend]}${l.reason ? ` (${l.reason})` : ''}`;
}
