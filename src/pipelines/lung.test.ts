// The worker's clinician analysis on a real SPRSound recording, with the shipped ONNX models in
// onnxruntime-web (Node): detector events, each classified by every event model, the annotated
// events classified too, and the model-input spectrogram of an event.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openNodeModelStore } from '../inference/nodeModels';
import type { AnalysisProgress } from '../core/types';
import { parseSprsoundAnnotation } from '../audio/annotations';
import { readWav } from '../audio/wav';
import { EVENT_CLASSES } from '../core/labels';
import { DATA, MODELS_DIR, SPRSOUND_DIR } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { decideClass } from '../inference/decision';
import { Detector } from '../inference/detector';
import { eventFeatures } from '../inference/eventFeatures';
import { DETECTOR_TASK, EVENT_TASK, modelsForTask } from '../inference/manifest';
import { withRecordTyping, GROUPS } from '../analysis/events';
import { defaultLungOptions, mergeEvents, run } from './lung';

/** Whether an event type's families are among those the verdict names (Poor Quality: any). */
function allowedBy(verdict: string, type: string): boolean {
  const g = GROUPS[type];
  if (g === 'normal' || verdict === 'Poor Quality' || verdict === 'CAS & DAS') return true;
  return g === verdict;
}

const BASE = '41251473_2.7_1_p1_2489';

describeWithData('the lung pipeline (real models, Node)', [DATA.models, DATA.sprsoundOriginalWav, DATA.sprsoundJson], async () => {
  const store = await openNodeModelStore(MODELS_DIR);
  const bytes = readFileSync(path.join(SPRSOUND_DIR, 'original-wav', `${BASE}.wav`));
  const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const clip = { samples: wav.samples, sampleRate: wav.sampleRate };
  const annotation = parseSprsoundAnnotation(readFileSync(path.join(SPRSOUND_DIR, 'json', `${BASE}.json`), 'utf8'));
  const hasDetector = modelsForTask(store.manifest, DETECTOR_TASK).length > 0;
  const members = modelsForTask(store.manifest, EVENT_TASK).map((m) => m.id);
  const choice = store.manifest.ensembles?.[0]?.id ?? 'resnet18';

  it('detects events, gives each one every class probability and each model vote, and classifies the annotated events', async () => {
    const progress: AnalysisProgress[] = [];
    const spans = annotation.events.map((e) => ({ startMs: Math.round(e.start * 1000), endMs: Math.round(e.end * 1000) }));
    const result = await run(store, clip, { eventModel: choice, referenceSpans: spans }, { onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort((a, b) => a - b));
    expect(result.reference).toHaveLength(annotation.events.length);
    for (const r of result.reference!) {
      expect(r.probs).toHaveLength(EVENT_CLASSES.length);
      expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    // The detector is shipped: without it there would be no events to check, so its absence fails.
    expect(hasDetector, 'a respiratory-detector model in the manifest').toBe(true);
    expect(result.detectorId).not.toBeNull();
    expect(['Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality']).toContain(result.verdict!.label);
    for (const e of result.events) {
      expect(e.end).toBeGreaterThan(e.start);
      expect(e.probs).toHaveLength(EVENT_CLASSES.length);
      expect(e.probs!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      // The event model's own label follows the manifest's decision rule for the choice; the shown one
      // is typed with the record when the detector says so, and never names a family the verdict rules out.
      const own = decideClass(e.probs!, EVENT_CLASSES.map((c) => c.name), result.decisions!.task12);
      expect(e.ownLabel ?? e.label).toBe(own);
      expect(e).toMatchObject(withRecordTyping(e.probs!, own, result.verdict));
      if (result.verdict!.eventTyping) expect(allowedBy(result.verdict!.label, e.label), `${e.label} beside ${result.verdict!.label}`).toBe(true);
      expect(e.confidence).toBeCloseTo(e.probs![EVENT_CLASSES.findIndex((c) => c.name === e.label)], 6);
      const modelVotes = e.votes!.filter((v) => !v.modelId.endsWith('(detector)'));
      expect(modelVotes.map((v) => v.modelId).sort()).toEqual(result.eventModels.slice().sort());
      expect(e.votes!.some((v) => v.modelId.endsWith('(detector)'))).toBe(true);
      // The ensemble's probabilities are the mean of its members'.
      if (modelVotes.length > 1) {
        e.probs!.forEach((p, k) => expect(p).toBeCloseTo(modelVotes.reduce((s, v) => s + v.probs[k], 0) / modelVotes.length, 5));
      }
    }
    expect(result.eventModels.every((m) => members.includes(m))).toBe(true);
    expect(Object.keys(result.modelDecisions!).sort()).toEqual(members.slice().sort());
  });

  it("keeps the detector's events, verdict and own type (as a vote)", async () => {
    const steps: number[] = [];
    const result = await run(store, clip, defaultLungOptions(store.manifest), { onStep: (done, total) => steps.push(done / total) });
    const detection = await new Detector(store).analyse(clip);
    expect(result.events.map((e) => [Math.round(e.start * 1000), Math.round(e.end * 1000)])).toEqual(detection.events.map((e) => [e.start, e.end]));
    result.events.forEach((e, i) => {
      const own = e.votes!.find((v) => v.modelId === `${detection.modelId} (detector)`);
      expect(own?.label).toBe(detection.events[i].type);
    });
    expect(result.verdict).toMatchObject({ label: detection.verdict.label, confidence: detection.verdict.confidence, method: detection.verdictMethod });
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(1);
  });

  it('returns the spectrogram the model saw for one event ([F, T], finite)', async () => {
    const e = annotation.events[0];
    const map = await eventFeatures(store, clip, { startMs: e.start * 1000, endMs: e.end * 1000 }, 'resnet18');
    expect(map.modelId).toMatch(/^resnet18/);
    expect(map.nFreq).toBeGreaterThan(10);
    expect(map.nTime).toBeGreaterThan(10);
    expect(map.data).toHaveLength(map.nFreq * map.nTime);
    expect(map.data.every(Number.isFinite)).toBe(true);
    expect(map.tiled).toBe(e.end - e.start < map.windowS);
  });

  it('merges detector events without a classifier as the detector typed them', () => {
    const events = mergeEvents(
      { modelId: 'det', classes: ['Normal', 'Wheeze'], events: [{ start: 100, end: 900, type: 'Wheeze', confidence: 0.6, activity: 0.8, probs: [0.25, 0.75] }] },
      null,
      'ensemble',
    );
    expect(events).toEqual([
      expect.objectContaining({ id: 'ev-1', start: 0.1, end: 0.9, label: 'Wheeze', confidence: 0.6, activity: 0.8, probs: [0.25, 0, 0.75, 0, 0, 0, 0] }),
    ]);
    expect(events[0].ownLabel).toBeUndefined();
  });

  it('types the events with the record when the verdict says so, keeping the own label', () => {
    const detection = { modelId: 'det', classes: ['Normal', 'Wheeze'], events: [{ start: 100, end: 900, type: 'Wheeze', confidence: 0.6, activity: 0.8, probs: [0.25, 0.75] }] };
    const verdict = { label: 'Normal', confidence: 0.9, recordProbs: [0.9, 0.04, 0.03, 0.01, 0.02], recordClasses: ['Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality'], eventTyping: 'verdict-weighted' as const };
    const [normal] = mergeEvents(detection, null, 'ensemble', {}, verdict);
    expect(normal).toMatchObject({ label: 'Normal', ownLabel: 'Wheeze', probs: [0.25, 0, 0.75, 0, 0, 0, 0] });
    expect(normal.confidence).toBeCloseTo(0.8 * 0.25, 9);
    const [cas] = mergeEvents(detection, null, 'ensemble', {}, { ...verdict, label: 'CAS', recordProbs: [0.2, 0.7, 0.05, 0.03, 0.02] });
    expect(cas).toMatchObject({ label: 'Wheeze', confidence: 0.6 });
    expect(cas.ownLabel).toBeUndefined();
    const [asTyped] = mergeEvents(detection, null, 'ensemble', {}, { ...verdict, eventTyping: undefined });
    expect(asTyped.label).toBe('Wheeze');
  });
});
