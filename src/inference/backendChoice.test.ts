// The backend choice without a browser: what a cached measurement is valid for, WebGPU never
// chosen when it is slower, and the user's override before everything else.
import { describe, expect, it } from 'vitest';
import type { BackendMeasurement } from '../core/types';
import { choiceFromMeasurement, decideBackend, measurementKey, parseMeasurement } from './backendChoice';

const UA = 'Mozilla/5.0 Chrome/140';
const key = measurementKey(UA, 'google swiftshader', ['bbb', 'aaa']);
const measured = (wasmMs: number, webgpuMs: number | null, k = key): BackendMeasurement => ({ key: k, wasmMs, webgpuMs, measuredAt: 1 });

describe('measurementKey', () => {
  it('is the same for the same browser, adapter and model set in any order', () => {
    expect(measurementKey(UA, 'google swiftshader', ['aaa', 'bbb'])).toBe(key);
  });
  it('changes with the browser, the adapter or any model file', () => {
    const other = [measurementKey('Mozilla/5.0 Chrome/141', 'google swiftshader', ['aaa', 'bbb']), measurementKey(UA, 'nvidia ampere', ['aaa', 'bbb']), measurementKey(UA, 'google swiftshader', ['aaa', 'bbc'])];
    for (const k of other) expect(k).not.toBe(key);
  });
});

describe('choiceFromMeasurement', () => {
  it('chooses WASM when WebGPU is slower, with both times', () => {
    const c = choiceFromMeasurement(measured(57, 1427));
    expect(c).toMatchObject({ backend: 'wasm', how: 'measured', timings: { wasmMs: 57, webgpuMs: 1427 } });
    expect(c.reason).toBe('measured 57 ms vs WebGPU 1427 ms');
  });
  it('chooses WebGPU only when strictly faster', () => {
    expect(choiceFromMeasurement(measured(57, 20)).backend).toBe('webgpu');
    expect(choiceFromMeasurement(measured(57, 20)).reason).toBe('measured 20 ms vs WASM 57 ms');
    expect(choiceFromMeasurement(measured(57, 57)).backend).toBe('wasm');
    expect(choiceFromMeasurement(measured(57, 57.01)).backend).toBe('wasm');
  });
  it('chooses WASM when WebGPU could not run, and says why', () => {
    const c = choiceFromMeasurement({ ...measured(57, null), webgpuError: 'vgg16 could not run on webgpu' });
    expect(c.backend).toBe('wasm');
    expect(c.reason).toContain('vgg16 could not run on webgpu');
  });
});

describe('decideBackend', () => {
  it('puts the user override first, even against a measurement or without an adapter', () => {
    expect(decideBackend({ setting: 'webgpu', webgpu: true, key, cached: measured(57, 1427) })).toEqual({ choice: { backend: 'webgpu', how: 'user', reason: 'chosen in the settings' }, measure: false });
    expect(decideBackend({ setting: 'wasm', webgpu: true, key, cached: measured(57, 20) }).choice).toMatchObject({ backend: 'wasm', how: 'user' });
    expect(decideBackend({ setting: 'webgpu', webgpu: false, key }).choice).toMatchObject({ backend: 'webgpu', how: 'user' });
  });
  it('uses WASM without measuring when there is no adapter', () => {
    expect(decideBackend({ setting: 'auto', webgpu: false, key, cached: measured(57, 20) })).toEqual({
      choice: { backend: 'wasm', how: 'only-wasm', reason: 'WebGPU is not available in this browser' },
      measure: false,
    });
  });
  it('uses a cached measurement for this browser and model set, and measures no more', () => {
    const d = decideBackend({ setting: 'auto', webgpu: true, key, cached: measured(57, 20) });
    expect(d.measure).toBe(false);
    expect(d.choice).toMatchObject({ backend: 'webgpu', how: 'measured', key });
  });
  it('measures again when the cache is for another browser or model set, on WASM meanwhile', () => {
    const stale = measured(57, 20, measurementKey(UA, 'google swiftshader', ['old']));
    for (const cached of [stale, null, undefined]) {
      expect(decideBackend({ setting: 'auto', webgpu: true, key, cached })).toEqual({ choice: { backend: 'wasm', how: 'pending', reason: 'WebGPU not measured yet' }, measure: true });
    }
  });
});

describe('parseMeasurement', () => {
  it('reads back what was stored and ignores anything malformed', () => {
    const m = { ...measured(57, null), webgpuError: 'x' };
    expect(parseMeasurement(JSON.parse(JSON.stringify(m)))).toEqual(m);
    for (const bad of [null, 'x', {}, { ...m, wasmMs: '57' }, { ...m, webgpuMs: undefined }, { ...m, key: 3 }]) expect(parseMeasurement(bad)).toBeNull();
  });
});
