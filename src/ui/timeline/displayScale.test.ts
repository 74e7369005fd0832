import { describe, expect, it } from 'vitest';
import { robustPeak, spectrogramLevelMap } from './displayScale';

describe('robustPeak', () => {
  it('ignores a few huge spikes', () => {
    const peaks = new Float32Array(10_000).map((_, i) => (i % 2 ? 0.01 : -0.01));
    peaks[5] = 0.9;
    peaks[77] = -0.8;
    const p = robustPeak(peaks);
    expect(p).toBeGreaterThanOrEqual(0.01);
    expect(p).toBeLessThan(0.02);
  });

  it('keeps silence at unit scale', () => {
    expect(robustPeak(new Float32Array(100))).toBe(1);
  });
});

describe('spectrogramLevelMap', () => {
  it('stretches the top of the range over the whole colour map', () => {
    const lut = spectrogramLevelMap(60);
    expect(lut[0]).toBe(0);
    expect(lut[60]).toBe(0);
    expect(lut[255]).toBe(255);
    expect(lut[160]).toBe(128); // (160 − 63.75) × 255 / 191.25
  });

  it('is the identity for the full 80 dB', () => {
    const lut = spectrogramLevelMap(80);
    expect(Array.from(lut)).toEqual(Array.from({ length: 256 }, (_, i) => i));
  });
});
