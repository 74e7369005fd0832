// "What the model heard": the event model's own input spectrogram (its ONNX `features` output for
// the event's first window, src/inference/eventFeatures.ts) against PyTorch's for the same real
// events. test-fixtures/golden/event-models.json holds, per event, the checksum export.py takes of
// features[0] of the first window in float64: mean, population std, sum, absSum, min, max, shape
// [1, F, T] (training/auscult_train/export.py `checksum`). Same input as the golden: int16/32768
// samples of the original WAV from floor(startMs·8) to floor(endMs·8), tiled or cut to the window.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { DATA, MODELS_DIR, REPO_ROOT } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { eventFeatures } from './eventFeatures';
import { openNodeModelStore } from './nodeModels';

interface Checksum {
  mean: number;
  std: number;
  sum: number;
  absSum: number;
  min: number;
  max: number;
  shape: number[];
}

interface GoldenEvent {
  model: string;
  recording: string;
  startMs: number;
  endMs: number;
  firstWindowFeatureChecksum: Checksum;
}

const GOLDEN = {
  path: path.join(REPO_ROOT, 'test-fixtures', 'golden', 'event-models.json'),
  what: 'the event-model golden file',
  source: 'committed in this repository; written by training/auscult_train/export.py',
  committed: true,
};

/** export.py's checksum, in float64 like `feats.double()`. */
function featureChecksum(data: Float32Array, nFreq: number, nTime: number): Checksum {
  let sum = 0;
  let absSum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    sum += v;
    absSum += Math.abs(v);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / data.length), sum, absSum, min, max, shape: [1, nFreq, nTime] };
}

/**
 * Float32 ONNX vs PyTorch. The per-clip normalisation makes the mean ~0 in both, up to float32
 * rounding of a mean over F·T ≈ 12,000 values: measured up to 1.1e-5 (a 424 ms event, tiled), so
 * mean and sum (= n · mean) allow 5e-5 per value. The informative parts are tighter: std within
 * 1e-5, min / max within 1e-4, absSum within 1e-5 per value (measured ≤ 2e-6).
 */
const TOL = { mean: 5e-5, std: 1e-5, extreme: 1e-4, absPerValue: 1e-5 };

describeWithData('event model input spectrogram ("What the model heard") against PyTorch', [GOLDEN, DATA.models, DATA.sprsoundOriginalWav], async () => {
  const golden = (JSON.parse(readFileSync(GOLDEN.path, 'utf8')) as { events: GoldenEvent[] }).events;
  const store = await openNodeModelStore(MODELS_DIR);

  it('the golden file covers both event models', () => {
    expect(new Set(golden.map((g) => g.model.replace(/-.*/, '')))).toEqual(new Set(['resnet18', 'vgg16']));
  });

  for (const g of golden) {
    it(`${g.model}, ${g.recording} ${g.startMs}-${g.endMs} ms: first-window features match`, async () => {
      const bytes = readFileSync(path.join(DATA.sprsoundOriginalWav.path, `${g.recording}.wav`));
      const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const map = await eventFeatures(store, { samples: wav.samples, sampleRate: wav.sampleRate }, { startMs: g.startMs, endMs: g.endMs }, g.model);
      expect(map.modelId).toBe(g.model);
      const got = featureChecksum(map.data, map.nFreq, map.nTime);
      const want = g.firstWindowFeatureChecksum;
      const n = map.data.length;
      const report = JSON.stringify({ got, want });
      expect(got.shape, report).toEqual(want.shape);
      expect(Math.abs(got.mean - want.mean), `mean ${report}`).toBeLessThan(TOL.mean);
      expect(Math.abs(got.std - want.std), `std ${report}`).toBeLessThan(TOL.std);
      expect(Math.abs(got.min - want.min), `min ${report}`).toBeLessThan(TOL.extreme);
      expect(Math.abs(got.max - want.max), `max ${report}`).toBeLessThan(TOL.extreme);
      expect(Math.abs(got.sum - want.sum), `sum ${report}`).toBeLessThan(TOL.mean * n);
      expect(Math.abs(got.absSum - want.absSum), `absSum ${report}`).toBeLessThan(TOL.absPerValue * n);
    });
  }
});
