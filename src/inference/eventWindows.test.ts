import { describe, expect, it } from 'vitest';
import { eventSampleRange, eventWindows } from './eventWindows';

const policy = { clipSamples: 10, windowHopSamples: 5 };
const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

describe('event input policy', () => {
  it('tiles a short event to the clip length', () => {
    expect(Array.from(eventWindows(ramp(3), policy)[0])).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  });
  it('uses one window for an event of exactly one clip', () => {
    const w = eventWindows(ramp(10), policy);
    expect(w.length).toBe(1);
  });
  it('cuts a long event into hop-spaced windows plus one aligned to its end', () => {
    const w = eventWindows(ramp(23), policy);
    expect(w.map((x) => x[0])).toEqual([0, 5, 10, 13]);
    expect(w.every((x) => x.length === 10)).toBe(true);
  });
  it('adds no extra window when the last one already ends at the event end', () => {
    expect(eventWindows(ramp(20), policy).map((x) => x[0])).toEqual([0, 5, 10]);
  });
  it('rejects an empty event', () => {
    expect(() => eventWindows(new Float32Array(0), policy)).toThrow(/no samples/);
  });
  it('converts milliseconds to samples by flooring, clamped to the recording', () => {
    expect(eventSampleRange(1234, 5678, 8000, 100000)).toEqual([9872, 45424]);
    expect(eventSampleRange(0, 99999, 8000, 1000)).toEqual([0, 1000]);
  });
});
