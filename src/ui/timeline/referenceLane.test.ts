import { describe, expect, it } from 'vitest';
import { eventColor } from '../../core/labels';
import { laneItems } from './referenceLane';

const ev = (start: number, end: number, label: string) => ({ start, end, label, confidence: 1 });

describe('laneItems', () => {
  it('places each annotated event in % of the recording, in the class colour, marked with its agreement', () => {
    const items = laneItems([ev(1, 2, 'Wheeze'), ev(5, 7.5, 'Fine Crackle')], [{ kind: 'match' }, { kind: 'missed' }], 10);
    expect(items.map((i) => [i.id, i.left, i.width, i.color, i.kind, i.text])).toEqual([
      ['ref-1', 10, 10, eventColor('Wheeze'), 'match', '✓ Wheeze'],
      ['ref-2', 50, 25, eventColor('Fine Crackle'), 'missed', '✗ Fine Crackle'],
    ]);
    expect(items[1].title).toBe('Annotated Fine Crackle: 5.00–7.50 s — annotated, not found by the model — click to play');
  });

  it('clips events to the recording, drops those outside it, and keeps the annotation’s numbering', () => {
    const items = laneItems([ev(-1, 1, 'Normal'), ev(12, 13, 'Wheeze'), ev(9, 11, 'Stridor')], undefined, 10);
    expect(items.map((i) => [i.id, i.start, i.end, i.left, i.width, i.text])).toEqual([
      ['ref-1', 0, 1, 0, 10, 'Normal'],
      ['ref-3', 9, 10, 90, 10, 'Stridor'],
    ]);
  });

  it('draws nothing before the duration is known', () => {
    expect(laneItems([ev(0, 1, 'Normal')], undefined, 0)).toEqual([]);
  });
});

describe('the activity lane', () => {
  it('shades each bin in the family colour with alpha = activity', async () => {
    const { rowPixels } = await import('./activityLane');
    expect(Array.from(rowPixels([0, 0.5, 1, 2], '#102030'))).toEqual([16, 32, 48, 0, 16, 32, 48, 128, 16, 32, 48, 255, 16, 32, 48, 255]);
  });
});
