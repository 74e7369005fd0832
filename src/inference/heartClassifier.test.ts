// The heart ONNX model in onnxruntime-web (Node) through the app's own path (readWav → resample.ts →
// 3 s windows → ONNX → mean), against PyTorch's probabilities for the same real recordings
// (test-fixtures/golden/heart-model.json, written by training/auscult_train/heart_export.py).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNodeModelStore } from './nodeModels';
import { readWav } from '../audio/wav';
import { HEART_CLASSES } from '../core/labels';
import { circorAudio } from '../testing/circor';
import { DATA, MODELS_DIR, REPO_ROOT } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { HeartClassifier, heartModel, heartWindows, recordLabel } from './heartClassifier';

interface GoldenRecording {
  file: string;
  windows: number;
  probs: number[];
}

interface GoldenCirCor {
  recording: string;
  nativeRate: number;
  samplesAtModelRate: number;
  windows: number;
  probs: number[];
}

const golden = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test-fixtures/golden/heart-model.json'), 'utf8')) as {
  model: string;
  tolerance: number;
  recordings: GoldenRecording[];
  circor?: GoldenCirCor[];
};
const ORIGINAL_WAV = DATA.heartOriginalWav.path;

function load(file: string) {
  const bytes = readFileSync(path.join(ORIGINAL_WAV, file));
  return readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

describe('heartWindows (the input policy, twin of heart_data.window_spans)', () => {
  const policy = { windowSamples: 12000, hopSamples: 4000 };
  it('tiles a recording shorter than one window and reports it as 0..n', () => {
    const x = Float32Array.from({ length: 5000 }, (_, i) => i);
    const [w, ...rest] = heartWindows(x, policy);
    expect(rest).toHaveLength(0);
    expect([w.start, w.end]).toEqual([0, 5000]);
    expect(w.samples.length).toBe(12000);
    expect(w.samples[5000]).toBe(0);
    expect(w.samples[11999]).toBe(11999 % 5000);
  });
  it('cuts 0, hop, 2 hop, … and one window aligned to the end', () => {
    const spans = (n: number) => heartWindows(new Float32Array(n), policy).map((w) => [w.start, w.end]);
    expect(spans(12000)).toEqual([[0, 12000]]);
    expect(spans(18665)).toEqual([[0, 12000], [4000, 16000], [6665, 18665]]);
    expect(spans(40000)).toHaveLength(8);
    const x = Float32Array.from({ length: 18665 }, (_, i) => i);
    expect(heartWindows(x, policy)[2].samples[0]).toBe(6665);
  });
});

describeWithData('heart classifier (real ONNX in onnxruntime-web, Node)', [DATA.models, DATA.heartOriginalWav], async () => {
  const store = await openNodeModelStore(MODELS_DIR);
  const classifier = new HeartClassifier(store);

  it('the manifest has the heart model with the labels.json classes', () => {
    const model = heartModel(store.manifest, golden.model);
    expect(model.task).toBe('heart');
    expect(model.classes).toEqual(HEART_CLASSES.map((c) => c.name));
    expect(model.input.windowSamples).toBe(12000);
    expect(model.sizeBytes).toBeLessThanOrEqual(5_000_000);
  });

  it('matches PyTorch within 1e-4 on the 8 original WAVs (44.1 kHz and 4 kHz)', async () => {
    expect(golden.recordings).toHaveLength(8);
    for (const g of golden.recordings) {
      const result = await classifier.classify(load(g.file), golden.model);
      expect(result.windows).toHaveLength(g.windows);
      const probs = result.predictions.map((p) => p.confidence);
      const maxDiff = Math.max(...probs.map((p, i) => Math.abs(p - g.probs[i])));
      expect(maxDiff, g.file).toBeLessThan(1e-4);
    }
  });

  it('answers in the HBSC shape', async () => {
    const r = await classifier.classify(load('murmur__112_1306243000964_B.wav'));
    expect(r.predictions.map((p) => [p.label, p.className])).toEqual(HEART_CLASSES.map((c, i) => [i, c.name]));
    expect(r.predictions.reduce((s, p) => s + p.confidence, 0)).toBeCloseTo(1, 4);
    // The record label is the class most windows give, with its mean probability.
    const counts = HEART_CLASSES.map((c) => r.windows.filter((w) => w.className === c.name).length);
    expect(r.support).toEqual({ windows: Math.max(...counts), of: r.windows.length });
    expect(r.topPrediction).toEqual(r.predictions[recordLabel(r.windows.map((w) => w.label), r.predictions.map((p) => p.confidence))]);
    expect(counts[r.topPrediction.label]).toBe(Math.max(...counts));
    // 11.59 s at 4 kHz = 46357 samples: windows at 0..8 s plus one ending at 11.59 s.
    expect(r.windows).toHaveLength(10);
    expect(r.windows[0]).toMatchObject({ start: 0, end: 3 });
    expect(r.windows[9].end).toBeCloseTo(46357 / 4000, 6);
    for (const w of r.windows) expect(w.className).toBe(HEART_CLASSES[w.label].name);
  });

  it('labels the record by its windows: the most windows win, a tie goes to the higher mean probability', () => {
    // seven murmur windows of ten, but normal has the higher mean probability: murmur, not normal
    expect(recordLabel([2, 2, 2, 2, 2, 2, 2, 3, 3, 3], [0.01, 0.01, 0.47, 0.51])).toBe(2);
    expect(recordLabel([2, 3], [0.1, 0.1, 0.35, 0.45])).toBe(3);
    expect(recordLabel([0], [0.9, 0.05, 0.03, 0.02])).toBe(0);
  });

  it('refuses an empty recording and an unknown model id', async () => {
    await expect(classifier.classify({ samples: new Float32Array(0), sampleRate: 4000 })).rejects.toThrow(/empty/);
    await expect(classifier.classify({ samples: new Float32Array(100), sampleRate: 4000 }, 'nope')).rejects.toThrow(/Unknown heart model/);
  });
});

describeWithData('heart classifier on 2 kHz input (CirCor, the PhysioNet rate)', [DATA.models, DATA.circor], async () => {
  const classifier = new HeartClassifier(await openNodeModelStore(MODELS_DIR));

  it('matches PyTorch within 1e-4: read at 2 kHz, resampled to 4 kHz by the app', async () => {
    const entries = golden.circor ?? [];
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const g of entries) {
      const audio = circorAudio(g.recording);
      expect(audio.sampleRate).toBe(g.nativeRate);
      const result = await classifier.classify({ samples: audio.samples, sampleRate: audio.sampleRate }, golden.model);
      expect(result.windows).toHaveLength(g.windows);
      const probs = result.predictions.map((p) => p.confidence);
      const maxDiff = Math.max(...probs.map((p, i) => Math.abs(p - g.probs[i])));
      expect(maxDiff, g.recording).toBeLessThan(1e-4);
    }
  });
});
