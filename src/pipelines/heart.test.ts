// The heart pipeline, one function for the worker's heart mode and `auscult heart`: the heart
// classifier and the heart rate of a real recording at its native rate, as one HeartAnalysis.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { isCancellation } from '../core/steps';
import { HEART_CLASSES } from '../core/labels';
import { estimateHeartRate } from '../dsp/heartRate';
import { HeartClassifier } from '../inference/heartClassifier';
import { openNodeModelStore } from '../inference/nodeModels';
import { DATA, MODELS_DIR } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { run } from './heart';

const ORIGINAL_WAV = DATA.heartOriginalWav.path;

describeWithData('the heart pipeline (real model, Node)', [DATA.models, DATA.heartOriginalWav], async () => {
  const store = await openNodeModelStore(MODELS_DIR);
  const name = readdirSync(ORIGINAL_WAV).filter((n) => n.endsWith('.wav')).sort()[0];
  const bytes = readFileSync(path.join(ORIGINAL_WAV, name));
  const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const clip = { samples: wav.samples, sampleRate: wav.sampleRate };

  it('gives the classifier\'s classes and windows and the heart rate of the native-rate audio', async () => {
    const steps: number[] = [];
    const a = await run(store, clip, {}, { onStep: (done, total) => steps.push(done / total) });
    const c = await new HeartClassifier(store).classify(clip);
    expect(a.modelId).toBe(c.modelId);
    expect(a.predictions.map((p) => p.className)).toEqual(HEART_CLASSES.map((k) => k.name));
    expect(a.predictions).toEqual(c.predictions.map(({ className, confidence }) => ({ className, confidence })));
    expect(a.top).toEqual({ className: c.topPrediction.className, confidence: c.topPrediction.confidence });
    expect(a.windows).toEqual(c.windows.map(({ start, end, className, confidence }) => ({ start, end, className, confidence })));
    expect(a.heartRate).toEqual(estimateHeartRate(clip.samples, clip.sampleRate));
    expect(steps).toEqual([0.5, 1]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(isCancellation(await run(store, clip, {}, { signal: controller.signal }).catch((e: unknown) => e))).toBe(true);
  });

  it('names an unknown heart model', async () => {
    await expect(run(store, clip, { modelId: 'no-such-model' })).rejects.toThrow(/Unknown heart model "no-such-model"/);
  });
});
