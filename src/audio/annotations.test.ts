import { describe, expect, it } from 'vitest';
import { baseName, parseSprsoundAnnotation } from './annotations';

describe('parseSprsoundAnnotation', () => {
  it('reads string milliseconds, sorts events and maps names through the label table', () => {
    const a = parseSprsoundAnnotation(
      JSON.stringify({
        record_annotation: 'CAS & DAS',
        event_annotation: [
          { start: '5778', end: '7419', type: 'Wheeze+Crackle' },
          { start: '771', end: '4291', type: 'Normal' },
        ],
      }),
    );
    expect(a.recordLabel).toBe('CAS & DAS');
    expect(a.events).toEqual([
      { start: 0.771, end: 4.291, label: 'Normal', confidence: 1 },
      { start: 5.778, end: 7.419, label: 'Wheeze+Crackle', confidence: 1 },
    ]);
  });

  it('accepts integer times and the recording_annotation key', () => {
    const a = parseSprsoundAnnotation(
      JSON.stringify({ recording_annotation: 'DAS', event_annotation: [{ start: 100, end: 250, type: 'Fine Crackle' }] }),
    );
    expect(a.recordLabel).toBe('DAS');
    expect(a.events[0]).toMatchObject({ start: 0.1, end: 0.25, label: 'Fine Crackle' });
  });

  it('skips unknown classes and empty intervals, and rejects non-annotations', () => {
    const a = parseSprsoundAnnotation(
      JSON.stringify({ event_annotation: [{ start: 1, end: 1, type: 'Normal' }, { start: 1, end: 9, type: 'Squawk' }] }),
    );
    expect(a.events).toEqual([]);
    expect(() => parseSprsoundAnnotation('{"foo": 1}')).toThrow(/not an SPRSound annotation/);
    expect(() => parseSprsoundAnnotation('not json')).toThrow(/could not be parsed/);
  });
});

describe('baseName', () => {
  it('drops the extension only', () => {
    expect(baseName('41012107_7.9_0_p4_708.wav')).toBe('41012107_7.9_0_p4_708');
    expect(baseName('.hidden')).toBe('.hidden');
  });
});
