// Golden test of the detector path: test-fixtures/golden/detector.json holds, for 3 real
// recordings of original-wav/, the PyTorch frame outputs and the events / verdict the Python
// post-processing made of them. Here (1) the TypeScript post-processing must give identical events
// from the same frame outputs, and (2) the real ONNX detector, run in Node with onnxruntime-web on
// the WAV files read by readWav, must give frame outputs within 1e-4 and the same events.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { EVENT_CLASSES } from '../core/labels';
import { DATA, MODELS_DIR, REPO_ROOT } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { Detector } from './detector';
import { parseManifest } from './manifest';
import { ModelStore } from './modelStore';
import { activeRuns, detectEvents, medianBinary, recordVerdict, segments, typeWithRecord, type DetectedEvent, type GroupTable, type PostprocessParams } from './postprocess';
import { configureRuntime } from './runtime';

interface GoldenRecording {
  file: string;
  nSamples: number;
  durationMs: number;
  activity: number[];
  classProbs: number[];
  recordProbs: number[];
  thresholdMargin: number;
  events: { start: number; end: number; type: string; confidence: number; typedWithRecord?: string }[];
  verdict: { label: string; confidence: number };
}

interface Golden {
  model: string;
  tolerance: number;
  postprocess: PostprocessParams;
  timing: { frameHopMs: number; frameOffsetMs: number };
  classes: string[];
  recordClasses: string[];
  recordings: GoldenRecording[];
}

const GOLDEN_PATH = process.env.AUSCULT_DETECTOR_GOLDEN ?? path.join(REPO_ROOT, 'test-fixtures', 'golden', 'detector.json');
const GOLDEN = {
  path: GOLDEN_PATH,
  what: 'the detector golden file',
  source: 'committed in this repository; written by training/auscult_train/export_detector.py',
  committed: true,
};
const WAV_DIR = DATA.sprsoundOriginalWav.path;
const GROUPS = Object.fromEntries(EVENT_CLASSES.map((c) => [c.name, c.group])) as GroupTable;

const strip = (events: DetectedEvent[]) => events.map(({ start, end, type }) => ({ start, end, type }));

describe('post-processing rules', () => {
  it('median-filters a 0/1 sequence by majority with replicated edges', () => {
    expect(Array.from(medianBinary(Uint8Array.from([0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1]), 3))).toEqual([0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(medianBinary(Uint8Array.from([1, 0, 1]), 1))).toEqual([1, 0, 1]);
    expect(segments(Uint8Array.from([1, 1, 0, 1, 0, 0, 1]))).toEqual([
      [0, 1],
      [3, 3],
      [6, 6],
    ]);
  });

  it('matches the Python unit test (training/tests/test_detector_smoke.py)', () => {
    const p: PostprocessParams = { threshold: 0.5, medianFrames: 3, maxGapMs: 40, minDurationMs: 100, verdict: 'rules', poorQualityThreshold: 0.5 };
    const act = Float32Array.from([0, 0.9, 0.9, 0.9, 0.1, 0.9, 0.9, 0.2, 0.2, 0.2, 0.8, 0.2, 0.9, 0.9, 0.9, 0.9, 0, 0]);
    const classes = EVENT_CLASSES.map((c) => c.name);
    const probs = new Float32Array(act.length * 7);
    for (let i = 0; i < act.length; i++) {
      for (let k = 0; k < 7; k++) probs[i * 7 + k] = i >= 12 && i < 16 ? (k === 2 ? 0.9 : 0) + 0.1 / 7 : k === 0 ? 1 : 0;
    }
    const timing = { frameHopMs: 32, frameOffsetMs: 12 };
    const evs = detectEvents(act, probs, classes, 10000, p, timing);
    expect(strip(evs)).toEqual([
      { start: 44, end: 236, type: 'Normal' },
      { start: 364, end: 524, type: 'Wheeze' },
    ]);
    const records = ['Normal', 'CAS', 'DAS', 'CAS & DAS', 'Poor Quality'];
    expect(recordVerdict(evs, [0.5, 0.1, 0.1, 0.1, 0.2], records, classes, GROUPS, p).label).toBe('CAS');
    expect(recordVerdict(evs, [0.1, 0.1, 0.1, 0.1, 0.6], records, classes, GROUPS, p).label).toBe('Poor Quality');
    expect(recordVerdict(evs, [0.1, 0.1, 0.1, 0.6, 0.1], records, classes, GROUPS, { ...p, verdict: 'head' })).toEqual({ label: 'CAS & DAS', confidence: 0.6 });
    const merged = detectEvents(Float32Array.from([1, 1, 0, 1, 1]), new Float32Array(35).fill(1 / 7), classes, 1000, { ...p, medianFrames: 1, minDurationMs: 0 }, timing);
    expect(merged.map((e) => [e.start, e.end])).toEqual([[12, 172]]);
  });

  it('applies hysteresis: weak runs are kept only when they contain a strong frame', () => {
    const p: PostprocessParams = { threshold: 0.7, thresholdLow: 0.4, medianFrames: 1, maxGapMs: 0, minDurationMs: 0, verdict: 'rules', poorQualityThreshold: 0.5 };
    const act = Float32Array.from([0.3, 0.45, 0.8, 0.45, 0.3, 0.45, 0.45, 0.3]);
    expect(activeRuns(act, p)).toEqual([[1, 3]]);
    const evs = detectEvents(act, new Float32Array(56).fill(1 / 7), EVENT_CLASSES.map((c) => c.name), 1000, p, { frameHopMs: 32, frameOffsetMs: 12 });
    expect(evs.map((e) => [e.start, e.end])).toEqual([[44, 140]]);
    expect(activeRuns(act, { ...p, thresholdLow: 0.7 })).toEqual([[2, 2]]);
  });

  it('clips event times to the recording', () => {
    const p: PostprocessParams = { threshold: 0.5, medianFrames: 1, maxGapMs: 0, minDurationMs: 0, verdict: 'rules', poorQualityThreshold: 0.5 };
    const evs = detectEvents(Float32Array.from([0, 1, 1]), new Float32Array(21).fill(1 / 7), EVENT_CLASSES.map((c) => c.name), 90, p, { frameHopMs: 32, frameOffsetMs: 12 });
    expect(strip(evs)).toEqual([{ start: 44, end: 90, type: 'Normal' }]);
  });
});

describe('hierarchical record verdict', () => {
  interface VerdictFixture {
    recordClasses: string[];
    params: { poorQualityThreshold: number; adventitiousThreshold: number };
    cases: { name: string; recordProbs: number[]; label: string; confidence: number; adventitiousProbability: number }[];
  }
  const fx = JSON.parse(readFileSync(new URL('../../test-fixtures/golden/verdicts.json', import.meta.url), 'utf8')) as VerdictFixture;
  const p: PostprocessParams = { threshold: 0.5, medianFrames: 1, maxGapMs: 0, minDurationMs: 0, verdict: 'hierarchical', ...fx.params };
  const classes = EVENT_CLASSES.map((c) => c.name);

  it('gives the Python verdicts of the shared fixture (test_verdict.py checks the same file)', () => {
    for (const c of fx.cases) {
      const v = recordVerdict([], c.recordProbs, fx.recordClasses, classes, GROUPS, p);
      expect(v.label, c.name).toBe(c.label);
      expect(v.confidence, c.name).toBeCloseTo(c.confidence, 9);
      if (c.label !== 'Poor Quality') expect(v.adventitiousProbability, c.name).toBeCloseTo(c.adventitiousProbability, 9);
    }
  });

  it('calls a record adventitious when the families together outweigh Normal, where the argmax said Normal', () => {
    const probs = [0.33, 0.3, 0.17, 0.15, 0.05];
    expect(recordVerdict([], probs, fx.recordClasses, classes, GROUPS, { ...p, verdict: 'head' }).label).toBe('Normal');
    const v = recordVerdict([], probs, fx.recordClasses, classes, GROUPS, { ...p, adventitiousThreshold: 0.5 });
    expect(v.label).toBe('CAS');
    expect(v.adventitiousProbability).toBeCloseTo(0.62 / 0.95, 9);
  });
});

describe('event types with the record', () => {
  interface TypingFixture {
    classes: string[];
    recordClasses: string[];
    cases: { name: string; probs: number[]; recordProbs: number[]; verdict: string; type: string }[];
  }
  const fx = JSON.parse(readFileSync(new URL('../../test-fixtures/golden/record-typing.json', import.meta.url), 'utf8')) as TypingFixture;

  it('gives the Python types of the shared fixture (test_record_typing.py checks the same file)', () => {
    expect(fx.classes).toEqual(EVENT_CLASSES.map((c) => c.name));
    for (const c of fx.cases) {
      expect(fx.classes[typeWithRecord(c.probs, fx.classes, GROUPS, c.recordProbs, fx.recordClasses, c.verdict)], c.name).toBe(c.type);
    }
  });
});

describeWithData('detector golden file', [GOLDEN, DATA.models, DATA.sprsoundOriginalWav], () => {
  const g = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as Golden;

  it('TypeScript post-processing gives the Python events from the same frame outputs', () => {
    for (const r of g.recordings) {
      const events = detectEvents(Float32Array.from(r.activity), Float32Array.from(r.classProbs), g.classes, r.durationMs, g.postprocess, g.timing);
      expect(strip(events), r.file).toEqual(r.events.map(({ start, end, type }) => ({ start, end, type })));
      events.forEach((e, i) => expect(e.confidence).toBeCloseTo(r.events[i].confidence, 9));
      const v = recordVerdict(events, Float32Array.from(r.recordProbs), g.recordClasses, g.classes, GROUPS, g.postprocess);
      expect(v.label, r.file).toBe(r.verdict.label);
      expect(v.confidence).toBeCloseTo(r.verdict.confidence, 9);
      if (g.postprocess.eventTyping) {
        const typed = events.map((e) => g.classes[typeWithRecord(e.probs, g.classes, GROUPS, r.recordProbs, g.recordClasses, v.label)]);
        expect(typed, r.file).toEqual(r.events.map((e) => e.typedWithRecord));
      }
    }
  });

  it(
    'the ONNX detector in onnxruntime-web matches PyTorch on the original WAVs (frames within 1e-4, same events)',
    async () => {
      configureRuntime({ backends: ['wasm'], wasmThreads: 1 });
      const manifest = parseManifest(JSON.parse(readFileSync(path.join(MODELS_DIR, 'manifest.json'), 'utf8')));
      const store = new ModelStore(manifest, async (file) => new Uint8Array(readFileSync(path.join(MODELS_DIR, file))), ['wasm']);
      const detector = new Detector(store, g.model);
      expect(detector.entry.postprocess).toEqual(g.postprocess);
      for (const r of g.recordings) {
        const bytes = readFileSync(path.join(WAV_DIR, r.file));
        const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        expect(wav.sampleRate).toBe(8000);
        expect(wav.samples.length).toBe(r.nSamples);
        const res = await detector.analyse({ samples: wav.samples, sampleRate: wav.sampleRate });
        expect(res.frames.nFrames).toBe(r.activity.length);
        let maxDiff = 0;
        res.frames.activity.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - r.activity[i]))));
        res.frames.classProbs.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - r.classProbs[i]))));
        res.frames.recordProbs.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - r.recordProbs[i]))));
        expect(maxDiff, r.file).toBeLessThan(g.tolerance);
        expect(res.durationMs).toBe(r.durationMs);
        // The detector types its own events; in the lung pipeline the event classifiers retype them.
        expect(strip(res.events), r.file).toEqual(r.events.map(({ start, end, type }) => ({ start, end, type })));
        expect(res.verdict.label, r.file).toBe(r.verdict.label);
        res.events.forEach((e, i) => expect(Math.abs(e.confidence - r.events[i].confidence)).toBeLessThan(1e-4));
      }
    },
  );
});
