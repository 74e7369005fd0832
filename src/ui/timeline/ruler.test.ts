import { describe, expect, it } from 'vitest';
import { rulerNotches, rulerOptions, rulerStretch } from './ruler';

describe('rulerOptions', () => {
  it('labels every second on a 15 s recording fitted to ~940 px', () => {
    const r = rulerOptions(940 / 15);
    expect(r.primaryLabelInterval).toBe(2);
    expect(r.formatTimeCallback(4)).toBe('4 s');
  });

  it('labels tenths of a second when zoomed in to crackle scale', () => {
    const r = rulerOptions(1000);
    expect(r.primaryLabelInterval).toBe(0.1);
    expect(r.timeInterval).toBeCloseTo(0.02);
    expect(r.formatTimeCallback(1.3)).toBe('1.3 s');
  });

  it('labels a short recording several times', () => {
    const r = rulerOptions(940 / 3);
    expect(3 / r.primaryLabelInterval).toBeGreaterThanOrEqual(5);
  });

  it('uses minutes for long recordings', () => {
    const r = rulerOptions(940 / 1800);
    expect(r.formatTimeCallback(150)).toBe('2:30');
  });

  it('always has minor ticks that divide the label step', () => {
    for (const px of [0.3, 1, 5, 20, 63, 100, 300, 1000]) {
      const r = rulerOptions(px);
      const k = r.primaryLabelInterval / r.timeInterval;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
    }
  });
});

describe('rulerNotches', () => {
  it('places every tick of a fitted 15 s recording, labels on the label step', () => {
    const px = 940 / 15;
    const notches = rulerNotches(0, 15, px, 15);
    expect(notches).toHaveLength(31); // 0.5 s minor ticks, 0 … 15 s
    expect(notches[0]).toEqual({ x: 0, label: '0 s' });
    expect(notches[4]).toEqual({ x: 2 * px, label: '2 s' });
    expect(notches[1].label).toBeUndefined();
    expect(notches.filter((n) => n.label).map((n) => n.label)).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s', '10 s', '12 s', '14 s']);
  });

  it('builds only the requested stretch, without float drift far into a long recording', () => {
    const notches = rulerNotches(3000.3, 3000.6, 1000, 3600); // 0.02 s ticks, 0.1 s labels
    expect(notches).toHaveLength(16);
    expect(notches.filter((n) => n.label).map((n) => n.label)).toEqual(['3000.3 s', '3000.4 s', '3000.5 s', '3000.6 s']);
    expect(notches[5]).toEqual({ x: expect.closeTo(3_000_400, 6), label: '3000.4 s' });
  });

  it('stops at the end of the recording', () => {
    const notches = rulerNotches(0, 100, 940 / 7.3, 7.3);
    expect(notches[notches.length - 1].x).toBeLessThanOrEqual(7.3 * (940 / 7.3) + 1e-9);
  });
});

describe('rulerStretch', () => {
  it('builds a view-width either side of the visible range, clipped to the recording', () => {
    // 60-min recording at 1000 px/s, a 940 px view scrolled to 3000 s.
    expect(rulerStretch(3_000_000, 940, 1000, 3600)).toEqual({ from: expect.closeTo(2999.06, 9), to: expect.closeTo(3001.88, 9) });
    expect(rulerStretch(0, 940, 1000, 3600)).toEqual({ from: 0, to: expect.closeTo(1.88, 9) });
    // Fitted: everything.
    expect(rulerStretch(0, 940, 940 / 15, 15)).toEqual({ from: 0, to: 15 });
  });
});
