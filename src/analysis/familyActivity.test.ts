import { describe, expect, it } from 'vitest';
import type { FamilyActivity } from '../core/types';
import { EVENT_CLASSES } from '../core/labels';
import { familyActivity } from '../inference/postprocess';
import { GROUPS, MIN_POINTED_ACTIVITY, strongestStretch, verdictFamilies } from './events';

const classes = EVENT_CLASSES.map((c) => c.name);

/** Frames whose class probabilities put `mass` on one class and the rest on Normal. */
function frames(spec: { act: number; cls: string; mass: number }[]): { activity: Float32Array; classProbs: Float32Array } {
  const activity = Float32Array.from(spec.map((f) => f.act));
  const classProbs = new Float32Array(spec.length * classes.length);
  spec.forEach((f, i) => {
    classProbs[i * classes.length + classes.indexOf('Normal')] = 1 - f.mass;
    classProbs[i * classes.length + classes.indexOf(f.cls)] += f.mass;
  });
  return { activity, classProbs };
}

describe('the detector\'s family activity', () => {
  it('is activity × the family\'s probability mass, max-pooled, and Wheeze+Crackle counts for both families', () => {
    const f = frames([
      { act: 0.9, cls: 'Wheeze', mass: 0.8 },
      { act: 0.5, cls: 'Wheeze', mass: 0.2 },
      { act: 0.8, cls: 'Fine Crackle', mass: 0.5 },
      { act: 1.0, cls: 'Wheeze+Crackle', mass: 0.6 },
      { act: 0.1, cls: 'Normal', mass: 0 },
    ]);
    const fa = familyActivity(f.activity, f.classProbs, classes, GROUPS, 2);
    const r6 = (v: Float32Array) => Array.from(v, (x) => Math.round(x * 1e6) / 1e6);
    expect(r6(fa.CAS)).toEqual([0.72, 0.6, 0]);
    expect(r6(fa.DAS)).toEqual([0, 0.6, 0]);
  });

  it('points to the strongest stretch of a family, extended over the bins above half its peak', () => {
    const a: FamilyActivity = { binS: 0.128, offsetS: 0.012, CAS: [0, 0.1, 0.3, 0.5, 0.26, 0.1, 0], DAS: [0.01, 0.02, 0, 0, 0, 0, 0] };
    const s = strongestStretch(a, 'CAS', 10)!;
    expect(s.family).toBe('CAS');
    expect(s.peak).toBe(0.5);
    expect(s.start).toBeCloseTo(0.012 + 2 * 0.128, 9);
    expect(s.end).toBeCloseTo(0.012 + 5 * 0.128, 9);
    expect(Math.max(...a.DAS)).toBeLessThan(MIN_POINTED_ACTIVITY);
    expect(strongestStretch(a, 'DAS', 10)).toBeNull();
    expect(strongestStretch(a, 'CAS', 0.5)!.end).toBe(0.5);
  });

  it('names the families of each verdict', () => {
    expect(verdictFamilies('CAS & DAS')).toEqual(['CAS', 'DAS']);
    expect(verdictFamilies('DAS')).toEqual(['DAS']);
    expect(verdictFamilies('Normal')).toEqual([]);
    expect(verdictFamilies('Poor Quality')).toEqual([]);
  });
});
