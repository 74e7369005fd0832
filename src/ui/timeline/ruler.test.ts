import { describe, expect, it } from 'vitest';
import { rulerOptions } from './ruler';

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
