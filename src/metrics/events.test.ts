import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { eventScores, eventsMatch, familyScores, matchEvents, recordTaskScores, task21Label, type PRF, type ScoredEvent } from './events';

const ev = (start: number, end: number, type = 'Normal'): ScoredEvent => ({ start, end, type });
const RECORD = ['Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality'];

describe('event matching', () => {
  it('uses a 200 ms onset collar and an offset collar of max(200 ms, 20 % of the reference length)', () => {
    const ref = ev(1000, 3000); // 2000 ms long: offset collar 400 ms
    expect(eventsMatch(ref, ev(1200, 3400), false)).toBe(true);
    expect(eventsMatch(ref, ev(1201, 3000), false)).toBe(false);
    expect(eventsMatch(ref, ev(800, 2600), false)).toBe(true);
    expect(eventsMatch(ref, ev(1000, 3401), false)).toBe(false);
    const short = ev(1000, 1500); // 500 ms: collar 200 ms, not 100
    expect(eventsMatch(short, ev(1000, 1700), false)).toBe(true);
    expect(eventsMatch(short, ev(1000, 1701), false)).toBe(false);
  });

  it('needs the same type only when class-aware', () => {
    expect(eventsMatch(ev(0, 500, 'Wheeze'), ev(0, 500, 'Normal'), false)).toBe(true);
    expect(eventsMatch(ev(0, 500, 'Wheeze'), ev(0, 500, 'Normal'), true)).toBe(false);
  });

  it('matches one-to-one and finds the maximum matching where greedy would not', () => {
    // est 0 fits both references, est 1 only the first: greedy ref-by-ref (first candidate) would
    // give ref 0 -> est 0 and leave ref 1 unmatched; the maximum matching pairs both.
    const refs = [ev(1000, 2000), ev(1150, 2150)];
    const ests = [ev(1100, 2100), ev(900, 1900)];
    expect(matchEvents(refs, ests, false)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    // two estimates of one reference: only one counts
    expect(matchEvents([ev(0, 1000)], [ev(0, 1000), ev(50, 1050)], false)).toHaveLength(1);
  });
});

describe('event scores', () => {
  it('computes class-agnostic and class-aware P/R/F1 summed over recordings', () => {
    const s = eventScores(
      [
        {
          reference: [ev(0, 1000, 'Normal'), ev(2000, 3000, 'Wheeze'), ev(5000, 6000, 'Fine Crackle')],
          estimated: [ev(100, 1100, 'Normal'), ev(2050, 2900, 'Normal'), ev(8000, 9000, 'Normal')],
        },
        { reference: [ev(0, 500, 'Normal')], estimated: [ev(0, 500, 'Normal')] },
      ],
      ['Normal', 'Wheeze', 'Fine Crackle', 'Stridor'],
    );
    expect(s.agnostic).toMatchObject({ tp: 3, fp: 1, fn: 1 });
    expect(s.agnostic.f1).toBeCloseTo(6 / 8, 12);
    expect(s.classAware).toMatchObject({ tp: 2, fp: 2, fn: 2 });
    expect(s.classAware.f1).toBeCloseTo(0.5, 12);
    expect(s.typeAccuracy).toBeCloseTo(2 / 3, 12);
    expect(s.classAware.perClass.Normal).toMatchObject({ tp: 2, fp: 2, fn: 0 });
    expect(s.classAware.perClass.Wheeze).toMatchObject({ tp: 0, fp: 0, fn: 1, f1: 0 });
    // macro over classes with references: Normal (F1 2/3), Wheeze (0), Fine Crackle (0); Stridor has none
    expect(s.classAware.macroF1).toBeCloseTo(2 / 3 / 3, 12);
    expect(s.nRef).toBe(4);
    expect(s.nEst).toBe(4);
  });

  it('is 1 when there is nothing to find and nothing is found', () => {
    expect(eventScores([{ reference: [], estimated: [] }], ['Normal']).agnostic.f1).toBe(1);
    expect(eventScores([{ reference: [], estimated: [ev(0, 1)] }], ['Normal']).agnostic).toMatchObject({ f1: 0, precision: 0 });
  });
});

describe('record tasks 2-1 and 2-2', () => {
  it('maps CAS / DAS / CAS & DAS to Adventitious for Task 2-1', () => {
    expect(['Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality'].map(task21Label)).toEqual([
      'Normal',
      'Adventitious',
      'Adventitious',
      'Adventitious',
      'Poor Quality',
    ]);
  });

  it('scores both tasks with the challenge definitions (Poor Quality is non-Normal, exact label only)', () => {
    const truth = ['Normal', 'Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality'];
    const pred = ['Normal', 'CAS', 'DAS', 'DAS', 'CAS & DAS', 'Normal'];
    const s = recordTaskScores(truth, pred, RECORD);
    // Task 2-2: SP 1/2, SE 2/4 (DAS, CAS & DAS)
    expect(s.task22.SP).toBeCloseTo(0.5, 12);
    expect(s.task22.SE).toBeCloseTo(0.5, 12);
    expect(s.task22.Score).toBeCloseTo(0.5, 12);
    // Task 2-1: CAS called DAS is still Adventitious -> SE 3/4
    expect(s.task21.SE).toBeCloseTo(0.75, 12);
    expect(s.task21.SP).toBeCloseTo(0.5, 12);
    const as = (0.75 + 0.5) / 2;
    const hs = (2 * 0.75 * 0.5) / 1.25;
    expect(s.task21.Score).toBeCloseTo((as + hs) / 2, 12);
    expect(s.task21.confusion).toEqual([
      [1, 1, 0],
      [0, 3, 0],
      [1, 0, 0],
    ]);
    expect(s.task22.confusion[4]).toEqual([1, 0, 0, 0, 0]);
  });
});

describe('partial-label metrics (shared fixture with training/auscult_train/event_metrics.py)', () => {
  interface FamilyFixture {
    recordings: { reference: [number, number, string][]; estimated: [number, number, string][] }[];
    expected: Record<'familyEvent' | 'segmentCAS' | 'segmentDAS' | 'agnosticInStretch', [number, number, number]>;
  }
  const fx = JSON.parse(readFileSync(new URL('../../test-fixtures/golden/family-metrics.json', import.meta.url), 'utf8')) as FamilyFixture;
  const toEvents = (rows: [number, number, string][]) => rows.map(([start, end, type]) => ev(start, end, type));
  const counts = (p: PRF) => [p.tp, p.fp, p.fn];

  it('counts family events, 1-s family segments and agnostic events in the annotated stretch as Python does', () => {
    const s = familyScores(fx.recordings.map((r) => ({ reference: toEvents(r.reference), estimated: toEvents(r.estimated) })));
    expect(counts(s.familyEvent)).toEqual(fx.expected.familyEvent);
    expect(counts(s.segment.CAS)).toEqual(fx.expected.segmentCAS);
    expect(counts(s.segment.DAS)).toEqual(fx.expected.segmentDAS);
    expect(counts(s.agnosticInStretch)).toEqual(fx.expected.agnosticInStretch);
    expect(s.familyEvent.f1).toBeCloseTo(0.5, 12);
  });

  it('leaves Normal events unscored', () => {
    const s = familyScores([{ reference: [ev(0, 1000)], estimated: [ev(5000, 6000)] }]);
    expect(counts(s.familyEvent)).toEqual([0, 0, 0]);
    expect(s.familyEvent.f1).toBe(1);
  });
});
