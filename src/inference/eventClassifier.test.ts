// The ONNX models in public/models, run by onnxruntime-web in Node through the app's own
// inference path (WAV reader → event cut → tile/window policy → ONNX), against PyTorch's
// probabilities for the same real events (written by training/auscult_train/export.py).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openNodeModelStore } from './nodeModels';
import { readWav } from '../audio/wav';
import { DATA, MODELS_DIR, REPO_ROOT, SPRSOUND_DIR } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { EventClassifier } from './eventClassifier';
import { EVENT_TASK, modelsForTask, resolveModelChoice } from './manifest';

interface GoldenEvent {
  model: string;
  recording: string;
  startMs: number;
  endMs: number;
  probs: number[];
}

const golden: GoldenEvent[] = (() => {
  const raw = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test-fixtures/golden/event-models.json'), 'utf8'));
  return (Array.isArray(raw) ? raw : raw.events) as GoldenEvent[];
})();

function loadRecording(base: string) {
  const bytes = readFileSync(path.join(SPRSOUND_DIR, 'original-wav', `${base.replace(/\.wav$/, '')}.wav`));
  return readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

describeWithData('event classifiers (real ONNX in onnxruntime-web, Node)', [DATA.models, DATA.sprsoundOriginalWav], async () => {
  const store = await openNodeModelStore(MODELS_DIR);
  const classifier = new EventClassifier(store);
  const models = modelsForTask(store.manifest, EVENT_TASK);

  it('ships a ResNet-18 and a VGG-16 event model with an intact manifest', () => {
    expect(models.some((m) => m.id.startsWith('resnet18'))).toBe(true);
    expect(models.some((m) => m.id.startsWith('vgg16'))).toBe(true);
    for (const m of models) expect(m.classes).toEqual(models[0].classes);
  });

  for (const model of models) {
    it(`${model.id} matches PyTorch within 1e-4 on real events`, async () => {
      const cases = golden.filter((g) => g.model === model.id);
      expect(cases.length).toBeGreaterThanOrEqual(3);
      for (const g of cases) {
        const wav = loadRecording(g.recording);
        const result = await classifier.classify(wav, [{ startMs: g.startMs, endMs: g.endMs }], model.id);
        const probs = result.predictions[0].probs;
        const maxDiff = Math.max(...probs.map((p, i) => Math.abs(p - g.probs[i])));
        expect(maxDiff).toBeLessThan(1e-4);
      }
    });
  }

  it('averages the members for the ensemble', async () => {
    const members = resolveModelChoice(store.manifest, 'ensemble');
    expect(members.map((m) => m.id)).toEqual(store.manifest.ensembles?.[0].members);
    expect(members.length).toBeGreaterThanOrEqual(2);
    const g = golden[0];
    const wav = loadRecording(g.recording);
    const span = [{ startMs: g.startMs, endMs: g.endMs }];
    const ens = (await classifier.classify(wav, span, 'ensemble')).predictions[0];
    for (let k = 0; k < ens.probs.length; k++) {
      const mean = members.reduce((s, m) => s + ens.perModel[m.id][k], 0) / members.length;
      expect(ens.probs[k]).toBeCloseTo(mean, 6);
    }
    expect(ens.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('refuses a model whose bytes disagree with the manifest sha256', async () => {
    const { ModelStore } = await import('./modelStore');
    const tampered = new ModelStore(store.manifest, async () => new Uint8Array([1, 2, 3]), ['wasm']);
    await expect(tampered.session(models[0])).rejects.toThrow(/integrity check/);
  });
});
