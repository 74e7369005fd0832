// A long recording analysed from its file, chunk by chunk (the path the app takes for recordings
// too long to decode whole): the same events, probabilities and verdict as analysing the decoded
// audio in memory, never one read of more than a chunk, progress that only goes forward, and a
// cancel that stops it between chunks and leaves the models usable.
import { expect, it } from 'vitest';
import { openNodeModelStore } from '../inference/nodeModels';
import type { AnalysisProgress } from '../core/types';
import { MAX_READ_BYTES, openWavSource, resampledSource, type ByteSource } from '../audio/source';
import { readWav } from '../audio/wav';
import { MAX_DISPLAY_FRAMES, peaks, prepareLongRecording, run as prepare } from './prepare';
import { resample } from '../dsp/resample';
import { quantiseForDisplay, spectrogram } from '../dsp/spectrogram';
import { longWavBytes } from '../testing/longWav';
import { DATA, MODELS_DIR } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { isCancellation } from '../core/steps';
import { run as analyse, type LungOptions } from './lung';

/** A Blob that records the size of every read. */
function watched(blob: Blob): ByteSource & { reads: number[] } {
  const reads: number[] = [];
  return {
    size: blob.size,
    reads,
    slice(start?: number, end?: number) {
      reads.push((end ?? blob.size) - (start ?? 0));
      return blob.slice(start, end);
    },
  };
}

describeWithData('long recordings from the file, in chunks (real models, Node)', [DATA.models, DATA.sprsoundOriginalWav], async () => {
  const store = await openNodeModelStore(MODELS_DIR);
  const SECONDS = 75;
  const bytes = longWavBytes(SECONDS, 48000);
  const blob = new Blob([bytes]);
  const choice = store.manifest.ensembles?.[0]?.id ?? 'resnet18';
  const options: LungOptions = { eventModel: choice };

  it('reads a range exactly as resampling the whole file would give it', async () => {
    const whole = readWav(bytes.slice().buffer);
    const reference = resample(whole.samples, whole.sampleRate, 8000);
    const source = resampledSource(await openWavSource(blob), 8000);
    expect(source.length).toBe(reference.length);
    for (const [s, e] of [[0, 1000], [123_457, 163_457], [reference.length - 777, reference.length + 50]]) {
      expect(await source.read(s, e)).toEqual(reference.slice(s, Math.min(e, reference.length)));
    }
  });

  it('prepares the timeline from the file: the same peaks and display spectrogram as the decoded audio', async () => {
    const whole = readWav(bytes.slice().buffer);
    const file = watched(blob);
    const steps: number[] = [];
    const prepared = await prepareLongRecording(await openWavSource(file), blob, { analysisRate: 8000, peakBuckets: 5000 }, { onStep: (d, t) => steps.push(d / t) });
    expect(prepared.durationS).toBe(SECONDS);
    expect(prepared.playback).toBe(blob);
    expect(prepared.analysis).toBeUndefined();
    expect(prepared.peaks).toEqual(peaks(whole.samples, 5000));
    // 75 s is under MAX_DISPLAY_FRAMES 8 ms frames, so nothing is pooled: exactly the in-memory display.
    const spec = spectrogram(resample(whole.samples, whole.sampleRate, 8000), 8000, { kind: 'logstft', nFft: 256, hop: 64 });
    expect(prepared.display.nFrames).toBe(spec.nFrames);
    expect(prepared.display.nFrames).toBeLessThanOrEqual(MAX_DISPLAY_FRAMES);
    expect(prepared.display.data).toEqual(quantiseForDisplay(spec));
    expect(Math.max(...file.reads)).toBeLessThan(bytes.byteLength / 2);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(1);
  });

  it('prepare.run: a { file } is prepared from the file, a clip in memory; a cancel stops it', async () => {
    const whole = readWav(bytes.slice().buffer);
    const opts = { analysisRate: 8000, peakBuckets: 5000 };
    const fromFile = await prepare({ file: blob }, opts);
    expect(fromFile.playback).toBe(blob);
    expect(fromFile.analysis).toBeUndefined();
    expect(fromFile.longRecording).toBeDefined();
    expect(fromFile.peaks).toEqual(peaks(whole.samples, 5000));
    const clip = { samples: whole.samples.subarray(0, 48000 * 5), sampleRate: 48000 };
    const inMemory = await prepare(clip, opts);
    expect(inMemory.durationS).toBe(5);
    expect(inMemory.analysis).toMatchObject({ sampleRate: 8000 });
    expect(inMemory.analysis!.samples).toEqual(resample(clip.samples, 48000, 8000));
    expect(inMemory.longRecording).toBeUndefined();
    const controller = new AbortController();
    controller.abort();
    expect(isCancellation(await prepare({ file: blob }, opts, { signal: controller.signal }).catch((e: unknown) => e))).toBe(true);
  });

  it('gives the same analysis as the decoded audio, reading at most a chunk at a time', { timeout: 120_000 }, async () => {
    const whole = readWav(bytes.slice().buffer);
    const inMemory = await analyse(store, { samples: whole.samples, sampleRate: whole.sampleRate }, options);

    const file = watched(blob);
    const progress: AnalysisProgress[] = [];
    const streamed = await analyse(store, await openWavSource(file), options, { onProgress: (p) => progress.push(p) });

    expect(streamed.durationMs).toBe(SECONDS * 1000);
    expect(streamed.events.length).toBeGreaterThan(10);
    expect(streamed.events.map((e) => [e.start, e.end, e.label])).toEqual(inMemory.events.map((e) => [e.start, e.end, e.label]));
    streamed.events.forEach((e, i) => e.probs!.forEach((p, k) => expect(p).toBeCloseTo(inMemory.events[i].probs![k], 5)));
    expect(streamed.verdict?.label).toBe(inMemory.verdict?.label);
    expect(streamed.verdict!.confidence).toBeCloseTo(inMemory.verdict!.confidence, 5);

    // Never the whole 7 MB file at once: the largest read is one detector chunk (30 s + resampling margin).
    expect(Math.max(...file.reads)).toBeLessThanOrEqual(Math.min(MAX_READ_BYTES, 31 * 48000 * 2));
    expect(Math.max(...file.reads)).toBeLessThan(bytes.byteLength / 2);

    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.filter((p) => p.stage === 'detecting').length).toBeGreaterThan(2);
    expect(progress.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
  });

  it('stops when cancelled, and the next analysis runs normally', { timeout: 120_000 }, async () => {
    const controller = new AbortController();
    const seen: AnalysisProgress[] = [];
    const run = analyse(store, await openWavSource(blob), options, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.stage === 'detecting' && p.fraction > 0.1) controller.abort();
      },
    });
    const error = await run.then(() => null, (e: unknown) => e);
    expect(isCancellation(error)).toBe(true);
    expect(seen.some((p) => p.stage === 'classifying' || p.stage === 'done')).toBe(false);

    const again = await analyse(store, await openWavSource(blob), options);
    expect(again.events.length).toBeGreaterThan(10);
  });
});
