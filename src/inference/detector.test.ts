// Chunked detection of long recordings: the chunk plan is the Python one (detector.chunk_plan), every
// output frame comes from exactly one chunk, and a 70 s recording runs through the real ONNX model.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { DATA, MODELS_DIR, requireData } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { chunkPlan, Detector, frameGeometry, numOutputFrames } from './detector';
import { DETECTOR_TASK, parseManifest } from './manifest';
import { ModelStore } from './modelStore';
import { configureRuntime } from './runtime';

const WAV_DIR = DATA.sprsoundOriginalWav.path;

/** The shipped detector's geometry (manifest: feature.nFft 256, feature.hop 64, frameHopSamples 256, chunk 30 s / 4 s at 8 kHz). */
const G = { nFft: 256, hop: 64, frameHopSamples: 256 };
const CHUNK = { samples: 240000, overlapSamples: 32000 };

describe('chunk plan', () => {
  it('is the Python plan (training/auscult_train/detector.py chunk_plan)', () => {
    const plan = (n: number) => chunkPlan(n, CHUNK, G).map((c) => [c.start, c.end, c.keepFrom, c.keepTo]);
    expect(plan(240000)).toEqual([[0, 240000, 0, 936]]);
    expect(plan(240001)).toEqual([[0, 240001, 0, 936]]);
    expect(plan(300000)).toEqual([
      [0, 240000, 0, 585],
      [59904, 300000, 585, 1171],
    ]);
    expect(plan(1234567)).toEqual([
      [0, 240000, 0, 874],
      [207872, 447872, 874, 1686],
      [415744, 655744, 1686, 2498],
      [623616, 863616, 2498, 3310],
      [831488, 1071488, 3310, 4034],
      [994560, 1234567, 4034, 4821],
    ]);
  });

  it('takes every output frame from exactly one chunk, on the global frame grid', () => {
    for (const n of [448, 80000, 240000, 300000, 777777, 1234567]) {
      const covered: number[] = [];
      for (const c of chunkPlan(n, CHUNK, G)) {
        expect(c.start % 256).toBe(0);
        expect(c.end - c.start).toBeLessThan(240000 + 256);
        const f0 = c.start / 256;
        expect(c.keepFrom).toBeGreaterThanOrEqual(f0);
        expect(c.keepTo).toBeLessThanOrEqual(f0 + numOutputFrames(c.end - c.start, G));
        for (let f = c.keepFrom; f < c.keepTo; f++) covered.push(f);
      }
      expect(covered).toEqual(Array.from({ length: numOutputFrames(n, G) }, (_, i) => i));
    }
  });

  it('takes its geometry from the manifest: pooling = frameHopSamples / feature.hop', () => {
    // The models are committed: a missing manifest or detector fails here (requireData names it).
    const manifest = parseManifest(JSON.parse(readFileSync(requireData(DATA.models), 'utf8')));
    const entry = manifest.models.find((m) => m.task === DETECTOR_TASK);
    expect(entry?.task, 'a respiratory-detector model in the manifest').toBe(DETECTOR_TASK);
    if (entry?.task !== DETECTOR_TASK) return;
    const g = frameGeometry(entry);
    expect(g).toEqual({ nFft: entry.feature.nFft, hop: entry.feature.hop, frameHopSamples: entry.frameHopSamples });
    // The smallest input the model accepts gives exactly one output frame.
    expect(numOutputFrames(entry.input.minSamples, g)).toBe(1);
    expect(numOutputFrames(entry.input.minSamples - 1, g)).toBe(0);
    // A model with twice the pooling gives half the frames.
    expect(numOutputFrames(80000, { ...g, frameHopSamples: 2 * g.frameHopSamples })).toBe(Math.floor(numOutputFrames(80000, g) / 2));
  });
});

describeWithData('detector on a long recording', [DATA.models, DATA.sprsoundOriginalWav], () => {
  const manifest = parseManifest(JSON.parse(readFileSync(DATA.models.path, 'utf8')));

  it('the manifest ships a detector model', () => {
    expect(manifest.models.map((m) => m.task)).toContain(DETECTOR_TASK);
  });

  it('runs a 70 s recording in chunks; frames of the first chunk equal a direct run on it', async () => {
    configureRuntime({ backends: ['wasm'], wasmThreads: 1 });
    const store = new ModelStore(manifest, async (file) => new Uint8Array(readFileSync(path.join(MODELS_DIR, file))), ['wasm']);
    const detector = new Detector(store);
    const parts: Float32Array[] = [];
    let total = 0;
    for (const f of readdirSync(WAV_DIR).sort()) {
      const bytes = readFileSync(path.join(WAV_DIR, f));
      const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      parts.push(wav.samples);
      total += wav.samples.length;
      if (total >= 70 * 8000) break;
    }
    const long = new Float32Array(70 * 8000);
    let o = 0;
    for (const p of parts) {
      long.set(p.subarray(0, Math.min(p.length, long.length - o)), o);
      o += p.length;
      if (o >= long.length) break;
    }
    const res = await detector.analyse({ samples: long, sampleRate: 8000 });
    const nFrames = numOutputFrames(long.length, frameGeometry(detector.entry));
    expect(res.frames.nFrames).toBe(nFrames);
    expect(res.durationMs).toBe(70000);
    const plan = chunkPlan(long.length, detector.entry.chunk, frameGeometry(detector.entry));
    expect(plan.length).toBeGreaterThan(2);
    const first = await detector.frameOutputs(long.subarray(plan[0].start, plan[0].end));
    for (let i = 0; i < plan[0].keepTo; i++) expect(res.frames.activity[i]).toBe(first.frames.activity[i]);
    for (const e of res.events) {
      expect(e.end).toBeGreaterThan(e.start);
      expect(e.end).toBeLessThanOrEqual(70000);
    }
    const sum = res.frames.recordProbs.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    expect(detector.entry.recordClasses).toContain(res.verdict.label);
  });
});
