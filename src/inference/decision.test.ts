import { describe, expect, it } from 'vitest';
import { decideClass, decideNormal } from './decision';

const classes = ['Normal', 'Rhonchi', 'Wheeze'];

describe('event decisions', () => {
  it('argmax picks the most probable class', () => {
    expect(decideClass([0.5, 0.1, 0.4], classes, { rule: 'argmax' })).toBe('Normal');
    expect(decideNormal([0.3, 0.2, 0.5], classes, { rule: 'argmax' })).toBe('Adventitious');
  });
  it('a P(Normal) threshold calls an event Normal only when P(Normal) reaches it', () => {
    const rule = { rule: 'pNormalBelow' as const, threshold: 0.6 };
    expect(decideClass([0.55, 0.1, 0.35], classes, rule)).toBe('Wheeze');
    expect(decideClass([0.6, 0.1, 0.3], classes, rule)).toBe('Normal');
    expect(decideNormal([0.55, 0.1, 0.35], classes, rule)).toBe('Adventitious');
    expect(decideNormal([0.65, 0.1, 0.25], classes, rule)).toBe('Normal');
  });
});
