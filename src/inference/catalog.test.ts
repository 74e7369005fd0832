import { describe, expect, it } from 'vitest';
import { modelCatalog, pickDefault } from './catalog';
import type { Manifest, ModelEntry } from './manifest';

const model = (id: string, task: string, score?: number): ModelEntry =>
  ({
    id,
    task,
    architecture: id,
    file: `${id}.onnx`,
    feature: { type: 'logstft' },
    sampleRate: 8000,
    input: { name: 'waveform', clipSamples: 20000, shorter: 'tile', longer: 'mean-of-windows', windowHopSamples: 10000 },
    outputs: { probs: 'probs' },
    classes: [],
    metrics: score === undefined ? undefined : { task12: { Score: score } },
    sizeBytes: 1,
    sha256: 'abc',
    training: { command: '', commit: 'c0ffee', seed: 1 },
  }) as ModelEntry;

describe('model catalog', () => {
  it('offers ResNet-18, VGG-16 and the ensemble, and makes the ensemble the default only when it measures better', () => {
    const manifest: Manifest = {
      version: 1,
      models: [model('resnet18-a', 'respiratory-event', 0.76), model('vgg16-a', 'respiratory-event', 0.78), model('det', 'respiratory-detector'), model('heart-r', 'heart')],
      ensembles: [{ id: 'ensemble', members: ['resnet18-a', 'vgg16-a'], combine: 'mean-probs', metrics: { task12: { Score: 0.79 } } }],
    };
    const c = modelCatalog(manifest);
    expect(c.eventChoices.map((x) => [x.id, x.label])).toEqual([
      ['resnet18', 'ResNet-18'],
      ['vgg16', 'VGG-16'],
      ['ensemble', 'Both (ResNet-18 + VGG-16)'],
    ]);
    expect(c.defaultEventChoice).toBe('ensemble');
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

  it('with a single model and no metrics, that model is the default', () => {
    const c = modelCatalog({ version: 1, models: [model('resnet18-a', 'respiratory-event')], ensembles: [] });
    expect(c.eventChoices.map((x) => x.id)).toEqual(['resnet18']);
    expect(c.defaultEventChoice).toBe('resnet18');
    expect(c.detectorId).toBeNull();
  });
});
