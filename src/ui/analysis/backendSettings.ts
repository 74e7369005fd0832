// The backend setting (Automatic / WebGPU / WASM), the browser's backend measurement and the event
// model choice, kept in localStorage: the models are measured once per browser and model set, not on
// every load, and the choice is known before the UI's code has loaded (main.tsx warms it up).
import type { BackendMeasurement, BackendSetting } from '../../core/types';
import { parseMeasurement } from '../../inference/backendChoice';

export const BACKEND_SETTING = 'auscult.backend';
export const BACKEND_MEASUREMENT = 'auscult.backendMeasurement';
export const MODEL_CHOICE_SETTING = 'auscult.eventModel';

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

/** The event model choice saved on this device (resolved against the catalog by eventChoiceFor). */
export function storedEventChoice(): string | null {
  try {
    return localStorage.getItem(MODEL_CHOICE_SETTING);
  } catch {
    return null;
  }
}

export function storeEventChoice(id: string): void {
  try {
    localStorage.setItem(MODEL_CHOICE_SETTING, id);
  } catch {
    // storage disabled: the choice lasts for this visit
  }
}
