import { describe, expect, it } from 'vitest';
import type { AnalysedEvent, RecordingAnalysis } from '../core/types';
import { agreement } from './agreement';
import { toTableOrder } from './classes';
import { datasetMetrics, normaliseRecordLabel } from './datasetMetrics';
import { addEvent, applyClassification, deleteEvent, eventsImply, MIN_EVENT_S, nextEventId, relabelEvent, resizeEvent, supportingEvents } from './events';
import { exportName, toCsv, toSprsound } from './exporters';
import { argmax } from '../core/math';

const ev = (id: string, start: number, end: number, label: string, extra: Partial<AnalysedEvent> = {}): AnalysedEvent => ({ id, start, end, label, confidence: 0.8, ...extra });

describe('event edits', () => {
  const list = [ev('ev-1', 1, 2, 'Normal'), ev('ev-2', 3, 4, 'Wheeze')];

  it('resizes, keeps time order, clamps to the recording and a minimum length', () => {
    const r = resizeEvent(list, 'ev-2', 0.2, 0.9, 5);
    expect(r.map((e) => e.id)).toEqual(['ev-2', 'ev-1']);
    expect(r[0]).toMatchObject({ start: 0.2, end: 0.9, edited: true });
    const tiny = resizeEvent(list, 'ev-1', 4.99, 4.99, 5);
    const e = tiny.find((x) => x.id === 'ev-1')!;
    expect(e.end - e.start).toBeCloseTo(MIN_EVENT_S, 6);
    expect(e.end).toBeLessThanOrEqual(5);
  });

  it('adds with a fresh id, deletes, relabels with confidence 1', () => {
    expect(nextEventId(list)).toBe('ev-3');
    const { events, id } = addEvent(list, 2.5, 10);
    expect(id).toBe('ev-3');
    expect(events.map((e) => e.id)).toEqual(['ev-1', 'ev-3', 'ev-2']);
    expect(events[1]).toMatchObject({ start: 2.5, end: 3.5, added: true });
    expect(deleteEvent(events, 'ev-3')).toEqual(list);
    expect(relabelEvent(list, 'ev-1', 'Stridor')[0]).toMatchObject({ label: 'Stridor', confidence: 1, labelByClinician: true });
  });

  it('a re-classification keeps the label the clinician chose unless asked not to', () => {
    const probs = [0.1, 0, 0.7, 0, 0, 0.2, 0];
    const relabelled = relabelEvent(list, 'ev-1', 'Stridor');
    const kept = applyClassification(relabelled, 'ev-1', { probs, votes: [], model: 'ensemble' }, true)[0];
    expect(kept).toMatchObject({ label: 'Stridor', confidence: 1, probs, model: 'ensemble' });
    const model = applyClassification(relabelled, 'ev-1', { probs, votes: [], model: 'ensemble' }, false)[0];
    expect(model).toMatchObject({ label: 'Wheeze', confidence: 0.7, labelByClinician: false });
    // A label decided by the manifest's rule wins over the argmax.
    const ruled = applyClassification(list, 'ev-1', { probs, label: 'Fine Crackle', votes: [], model: 'ensemble' })[0];
    expect(ruled).toMatchObject({ label: 'Fine Crackle', confidence: 0.2 });
  });

  it('an edited event is classified again with the record when the verdict types events so', () => {
    const probs = [0.55, 0, 0.02, 0, 0.02, 0.4, 0.01];
    const verdict = { label: 'DAS', confidence: 0.7, recordProbs: [0.2, 0.05, 0.7, 0.03, 0.02], recordClasses: ['Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality'], eventTyping: 'verdict-weighted' as const };
    const typed = applyClassification(list, 'ev-1', { probs, label: 'Normal', votes: [], model: 'ensemble' }, false, verdict)[0];
    expect(typed).toMatchObject({ label: 'Fine Crackle', ownLabel: 'Normal', confidence: 0.4 });
    // Agreeing again drops the stale own label; a clinician's label never carries one.
    const agreed = applyClassification([typed], 'ev-1', { probs: [0.1, 0, 0, 0, 0, 0.9, 0], label: 'Fine Crackle', votes: [], model: 'ensemble' }, false, verdict)[0];
    expect(agreed.ownLabel).toBeUndefined();
    expect(relabelEvent([typed], 'ev-1', 'Wheeze')[0].ownLabel).toBeUndefined();
    expect(applyClassification(list, 'ev-1', { probs, label: 'Normal', votes: [], model: 'ensemble' }, false, { ...verdict, eventTyping: undefined })[0].label).toBe('Normal');
  });

  it('the verdict rests on the events of its group; edits imply a label by the SPRSound rules', () => {
    const mixed = [ev('a', 0, 1, 'Normal'), ev('b', 1, 2, 'Wheeze'), ev('c', 2, 3, 'Fine Crackle'), ev('d', 3, 4, 'Wheeze+Crackle')];
    expect(supportingEvents('CAS', mixed).map((e) => e.id)).toEqual(['b', 'd']);
    expect(supportingEvents('DAS', mixed).map((e) => e.id)).toEqual(['c', 'd']);
    expect(supportingEvents('CAS & DAS', mixed).map((e) => e.id)).toEqual(['b', 'c', 'd']);
    expect(supportingEvents('Normal', mixed).map((e) => e.id)).toEqual(['a']);
    expect(supportingEvents('Poor Quality', mixed)).toEqual([]);
    expect(eventsImply(mixed)).toBe('CAS & DAS');
    expect(eventsImply([ev('a', 0, 1, 'Normal')])).toBe('Normal');
  });
});

describe('agreement with the annotation', () => {
  it('marks matches, class mismatches, misses and extras with the event-F1 collars', () => {
    const ref = [ev('r1', 1, 2, 'Wheeze'), ev('r2', 3, 4, 'Normal'), ev('r3', 6, 7, 'Normal')];
    const pred = [ev('p1', 1.1, 2.1, 'Wheeze'), ev('p2', 3.15, 3.9, 'Fine Crackle'), ev('p3', 8, 9, 'Normal')];
    const a = agreement(ref, pred);
    expect(a.reference.map((r) => r.kind)).toEqual(['match', 'time-only', 'missed']);
    expect(a.predicted.map((p) => p.kind)).toEqual(['match', 'time-only', 'extra']);
    expect(a.counts).toEqual({ match: 1, 'time-only': 1, missed: 1, extra: 1 });
    // 250 ms onset difference is outside the 200 ms collar.
    expect(agreement([ev('r', 1, 2, 'Normal')], [ev('p', 1.25, 2, 'Normal')]).counts.match).toBe(0);
  });
});

describe('exports', () => {
  const events = [
    ev('ev-1', 0.1234, 0.9876, 'Wheeze+Crackle', { probs: [0.1, 0, 0.2, 0, 0, 0.1, 0.6], votes: [{ modelId: 'resnet18-x', label: 'Wheeze', confidence: 0.5, probs: [] }] }),
    ev('ev-2', 1, 2, 'Normal', { labelByClinician: true, confidence: 1 }),
  ];

  it('SPRSound JSON: integer ms, SPRSound spellings, verdict and confidence', () => {
    const j = toSprsound('CAS & DAS', 0.73456, events);
    expect(j).toEqual({
      record_annotation: 'CAS & DAS',
      record_confidence: 0.7346,
      event_annotation: [
        { start: 123, end: 988, type: 'Wheeze+Crackle', confidence: 0.8 },
        { start: 1000, end: 2000, type: 'Normal', confidence: 1 },
      ],
    });
  });

  it('CSV: a header with every class and model, one quoted-where-needed row per event', () => {
    const lines = toCsv(events).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    const header = lines[0].split(',');
    expect(header.slice(0, 7)).toEqual(['index', 'start_s', 'end_s', 'duration_s', 'class', 'confidence', 'label_source']);
    expect(header).toContain('p_Wheeze+Crackle');
    expect(header).toContain('vote_resnet18-x');
    const row = lines[1].split(',');
    expect(row[header.indexOf('p_Wheeze+Crackle')]).toBe('0.6');
    expect(row[header.indexOf('vote_resnet18-x')]).toBe('Wheeze');
    expect(lines[2].split(',')[header.indexOf('label_source')]).toBe('clinician');
    expect(exportName('a/b:c.wav', '.json')).toBe('a-b-c.json');
  });
});

describe('class order and dataset metrics', () => {
  it('maps any class order onto the label table', () => {
    const classes = ['Wheeze', 'Normal'];
    expect(toTableOrder([0.3, 0.7], classes)).toEqual([0.7, 0, 0.3, 0, 0, 0, 0]);
    expect(argmax([0.1, 0.5, 0.5])).toBe(1);
  });

  const analysis = (verdict: string, events: AnalysedEvent[], reference: string[]): RecordingAnalysis => ({
    detectorId: 'det',
    eventModel: 'ensemble',
    eventModels: ['r', 'v'],
    backend: 'wasm',
    durationMs: 10_000,
    events,
    verdict: { label: verdict, confidence: 0.9 },
    reference: reference.map((label) => ({ label, confidence: 0.9, probs: [] })),
    notes: [],
    analysedAt: 0,
    elapsedMs: 0,
  });

  it('scores Tasks 1-1/1-2 on the annotated events, 2-1/2-2 on the verdicts, and the event F1', () => {
    const refA = [ev('r1', 1, 2, 'Wheeze'), ev('r2', 3, 4, 'Normal')];
    const refB = [ev('r1', 1, 2, 'Fine Crackle')];
    const predA = [ev('p1', 1, 2, 'Wheeze')];
    const m = datasetMetrics([
      { name: 'a', reference: { recordLabel: 'CAS', events: refA }, analysis: analysis('CAS', predA, ['Wheeze', 'Normal']), edited: false },
      { name: 'b', reference: { recordLabel: 'das', events: refB }, analysis: analysis('Normal', [], ['Normal']), edited: true },
    ]);
    expect(m.task12!.scores.n).toBe(3);
    // Normal: 1 of 1 right (SP 1); adventitious: Wheeze right, Fine Crackle called Normal (SE 0.5).
    expect(m.task12!.scores.SE).toBeCloseTo(0.5);
    expect(m.task12!.scores.SP).toBe(1);
    expect(m.task11!.confusion).toEqual([
      [1, 0],
      [1, 1],
    ]);
    // Task 1-1 applies its own P(Normal) threshold when the analysis carries one.
    const probsNormal60 = [0.6, 0, 0.4, 0, 0, 0, 0];
    const withRule: RecordingAnalysis = {
      ...analysis('Normal', [], ['Normal']),
      reference: [{ label: 'Normal', confidence: 0.6, probs: probsNormal60 }],
      decisions: { task11: { rule: 'pNormalBelow', threshold: 0.7 }, task12: { rule: 'argmax' } },
    };
    const ruled = datasetMetrics([{ name: 'c', reference: { recordLabel: 'CAS', events: [ev('r', 1, 2, 'Wheeze')] }, analysis: withRule, edited: false }]);
    expect(ruled.task11!.confusion).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(ruled.task12!.confusion[2][0]).toBe(1);
    expect(normaliseRecordLabel('das')).toBe('DAS');
    expect(m.task22!.scores.n).toBe(2);
    expect(m.task22!.scores.SE).toBeCloseTo(0.5);
    expect(m.events!.agnostic).toMatchObject({ tp: 1, fp: 0, fn: 2 });
    expect(m.editedRecordings).toBe(1);
  });
});
