// The backend setting (Automatic / WebGPU / WASM) and the browser's backend measurement, kept in
// localStorage so the models are measured once per browser and model set, not on every load.
import type { BackendMeasurement, BackendSetting } from '../../core/types';
import { parseMeasurement } from '../../inference/backendChoice';

export const BACKEND_SETTING = 'auscult.backend';
export const BACKEND_MEASUREMENT = 'auscult.backendMeasurement';

export function storedBackendSetting(): BackendSetting {
  try {
    const v = localStorage.getItem(BACKEND_SETTING);
    return v === 'webgpu' || v === 'wasm' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

export function storeBackendSetting(setting: BackendSetting): void {
  try {
    localStorage.setItem(BACKEND_SETTING, setting);
  } catch {
    // storage disabled: the setting lasts for this visit
  }
}

export function storedMeasurement(): BackendMeasurement | null {
  try {
    const raw = localStorage.getItem(BACKEND_MEASUREMENT);
    return raw ? parseMeasurement(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

export function storeMeasurement(m: BackendMeasurement): void {
  try {
    localStorage.setItem(BACKEND_MEASUREMENT, JSON.stringify(m));
  } catch {
    // storage disabled: measured again next visit
  }
}
