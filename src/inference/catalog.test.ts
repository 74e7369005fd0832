import { describe, expect, it } from 'vitest';
import { ensembleLabel, eventChoiceFor, modelCatalog, pickDefault } from './catalog';
import type { EnsembleEntry, Manifest, ModelEntry, SelectionMetrics } from './manifest';

const feature = { type: 'logstft', nFft: 256, hop: 64 };
const test = (score: number) => ({ split: 'test patients (n=52)', task12: { Score: score } });
const val = (score: number): SelectionMetrics => ({ split: 'validation patients (n=24)', task12: { Score: score } });

const eventModel = (id: string, scores: { test?: number; val?: number } = {}): ModelEntry => ({
  id,
  task: 'respiratory-event',
  architecture: id,
  file: `${id}.onnx`,
  feature,
  sampleRate: 8000,
  input: { name: 'waveform', clipSamples: 20000, shorter: 'tile', longer: 'mean-of-windows', windowHopSamples: 10000 },
  outputs: { probs: 'probs' },
  classes: [],
  metrics: scores.test === undefined ? undefined : test(scores.test),
  selectionMetrics: scores.val === undefined ? undefined : val(scores.val),
  sizeBytes: 1,
  sha256: 'abc',
  training: { command: '', commit: 'c0ffee', seed: 1 },
});

const detector: ModelEntry = {
  id: 'det',
  task: 'respiratory-detector',
  architecture: 'tcn',
  file: 'det.onnx',
  feature,
  sampleRate: 8000,
  input: { name: 'waveform', dynamicLength: true, minSamples: 448 },
  outputs: { activity: 'activity', classProbs: 'classProbs', recordProbs: 'recordProbs' },
  frameHopMs: 32,
  frameOffsetMs: 12,
  frameHopSamples: 256,
  chunk: { samples: 240000, overlapSamples: 32000 },
  classes: [],
  recordClasses: [],
  postprocess: { threshold: 0.7, medianFrames: 3, maxGapMs: 0, minDurationMs: 0, verdict: 'head', poorQualityThreshold: 0.4 },
  sizeBytes: 1,
  sha256: 'def',
};

const heart: ModelEntry = {
  id: 'heart-r',
  task: 'heart',
  architecture: 'resnet',
  file: 'heart.onnx',
  feature: { ...feature, sampleRate: 4000 },
  sampleRate: 4000,
  input: { name: 'waveform', windowSamples: 12000, hopSamples: 4000, shorter: 'tile' },
  outputs: { probs: 'probs' },
  classes: [],
  sizeBytes: 1,
  sha256: 'fed',
};

const ensemble = (scores: { test?: number; val?: number } = {}): EnsembleEntry => ({
  id: 'ensemble',
  members: ['resnet18-a', 'vgg16-a'],
  combine: 'mean-probs',
  metrics: scores.test === undefined ? undefined : test(scores.test),
  selectionMetrics: scores.val === undefined ? undefined : val(scores.val),
});

describe('model catalog', () => {
  it('offers ResNet-18, VGG-16 and the ensemble; the ensemble is the default when it scores better on validation', () => {
    const manifest: Manifest = {
      version: 1,
      models: [eventModel('resnet18-a', { val: 0.76 }), eventModel('vgg16-a', { val: 0.78 }), detector, heart],
      ensembles: [ensemble({ val: 0.79 })],
    };
    const c = modelCatalog(manifest);
    expect(c.eventChoices.map((x) => [x.id, x.label, x.score])).toEqual([
      ['resnet18', 'ResNet-18', 0.76],
      ['vgg16', 'VGG-16', 0.78],
      ['ensemble', 'Both (ResNet-18 + VGG-16)', 0.79],
    ]);
    expect(c.defaultEventChoice).toBe('ensemble');
    expect(c.defaultReason).toMatch(/validation patients \(n=24\)/);
    expect(c.detectorId).toBe('det');
    expect(c.heartModelId).toBe('heart-r');
    expect(c.models.find((m) => m.id === 'vgg16-a')).toMatchObject({ sha256: 'abc', commit: 'c0ffee' });
    expect(Object.keys(c.modelDecisions)).toEqual(['resnet18-a', 'vgg16-a']);
    expect(c.modelDecisions['resnet18-a'].task12.rule).toBe('argmax');

    const worse = pickDefault([
      { id: 'resnet18', label: 'ResNet-18', members: ['r'], score: 0.8 },
      { id: 'vgg16', label: 'VGG-16', members: ['v'], score: 0.7 },
      { id: 'ensemble', label: 'Both', members: ['r', 'v'], score: 0.75 },
    ]);
    expect(worse.id).toBe('resnet18');
  });

  it('analyses with the choice saved on this device while the catalog offers it, else with the default', () => {
    const c = modelCatalog({ version: 1, models: [eventModel('resnet18-a', { val: 0.76 }), eventModel('vgg16-a', { val: 0.78 }), detector], ensembles: [ensemble({ val: 0.79 })] });
    expect(eventChoiceFor(c, 'vgg16')).toBe('vgg16');
    expect(eventChoiceFor(c, null)).toBe('ensemble');
    // A choice saved before an update that removed it (or a stray value) falls back to the default.
    expect(eventChoiceFor(c, 'vgg16-old')).toBe('ensemble');
  });

  it('never lets test metrics choose: the validation ranking decides even when test says the opposite', () => {
    const manifest: Manifest = {
      version: 1,
      // On test the ensemble is best and VGG beats ResNet; on validation ResNet-18 is best.
      models: [eventModel('resnet18-a', { test: 0.7, val: 0.82 }), eventModel('vgg16-a', { test: 0.8, val: 0.78 })],
      ensembles: [ensemble({ test: 0.9, val: 0.8 })],
    };
    const c = modelCatalog(manifest);
    expect(c.defaultEventChoice).toBe('resnet18');
    expect(c.eventChoices.map((x) => x.score)).toEqual([0.82, 0.78, 0.8]);
  });

  it('with test metrics only, nothing is ranked: the ensemble is the default, and no score is shown', () => {
    const manifest: Manifest = {
      version: 1,
      // Test says VGG-16 is far better than the ensemble; it must not matter.
      models: [eventModel('resnet18-a', { test: 0.7 }), eventModel('vgg16-a', { test: 0.95 })],
      ensembles: [ensemble({ test: 0.6 })],
    };
    const c = modelCatalog(manifest);
    expect(c.defaultEventChoice).toBe('ensemble');
    expect(c.defaultReason).toBe('No validation metrics in the manifest; the ensemble is the default.');
    expect(c.eventChoices.every((x) => x.score === undefined)).toBe(true);
  });

  it('with no ensemble and no validation metrics, the first choice is the default', () => {
    const c = modelCatalog({ version: 1, models: [eventModel('resnet18-a', { test: 0.5 }), eventModel('vgg16-a', { test: 0.9 })], ensembles: [] });
    expect(c.defaultEventChoice).toBe('resnet18');
    expect(c.detectorId).toBeNull();
    const single = modelCatalog({ version: 1, models: [eventModel('resnet18-a')], ensembles: [] });
    expect(single.eventChoices.map((x) => x.id)).toEqual(['resnet18']);
    expect(single.defaultEventChoice).toBe('resnet18');
  });

  it('a second seed of a family is offered only inside its ensemble, which is named by its members', () => {
    const manifest: Manifest = {
      version: 1,
      models: [eventModel('resnet18-a', { val: 0.76 }), eventModel('vgg16-a', { val: 0.78 }), eventModel('vgg16-a-s5', { val: 0.77 }), detector, heart],
      ensembles: [{ ...ensemble({ val: 0.8 }), members: ['resnet18-a', 'vgg16-a', 'vgg16-a-s5'] }],
    };
    const c = modelCatalog(manifest);
    expect(c.eventChoices.map((x) => [x.id, x.label])).toEqual([
      ['resnet18', 'ResNet-18'],
      ['vgg16', 'VGG-16'],
      ['ensemble', 'Ensemble (ResNet-18 + 2 × VGG-16)'],
    ]);
    expect(c.defaultEventChoice).toBe('ensemble');
    expect(ensembleLabel(['ResNet-18', 'VGG-16'])).toBe('Both (ResNet-18 + VGG-16)');
  });
});
