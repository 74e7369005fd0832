// `analyze` and `classify --task 21|22` as a user runs them: a child process on a temp folder with
// three real recordings (original-wav/, malformed headers included) and one garbage file.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CLASSES, RECORD_CLASSES } from '../src/core/labels';
import { DATA, MODELS_DIR, REPO_ROOT, SPRSOUND_DIR } from '../src/testing/data';
import { describeWithData } from '../src/testing/withData';
import { cliAnalysisOptions, sprsoundOf } from './analyze';
import { openNodeModelStore } from '../src/inference/nodeModels';
import * as lung from '../src/pipelines/lung';
import { readWav } from '../src/audio/wav';
import { parseSprsoundAnnotation } from '../src/audio/annotations';
import { toScored } from '../src/analysis/agreement';
import { eventScores, familyScores } from '../src/metrics/events';
import { recordTaskLabel } from './classify';

const WAVS = ['41251473_2.7_1_p1_2489.wav', '41186340_6.6_0_p2_2106.wav', '40069321_15.3_0_p1_981.wav'];
const NEEDS = [DATA.models, ...WAVS.map((w) => ({ ...DATA.sprsoundOriginalWav, path: path.join(SPRSOUND_DIR, 'original-wav', w), what: `SPRSound original WAV ${w}` }))];

function runCli(args: string[]) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(REPO_ROOT, 'cli/main.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
}

function makeFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auscult-analyze-'));
  for (const w of WAVS) copyFileSync(path.join(SPRSOUND_DIR, 'original-wav', w), path.join(dir, w));
  writeFileSync(path.join(dir, 'garbage.wav'), 'RIFF....definitely not a wave file');
  return dir;
}

describe('record task labels and the SPRSound output shape', () => {
  it('maps the verdict to Task 2-1 / 2-2 labels', () => {
    expect(recordTaskLabel('21', 'CAS & DAS')).toBe('Adventitious');
    expect(recordTaskLabel('21', 'Poor Quality')).toBe('Poor Quality');
    expect(recordTaskLabel('22', 'DAS')).toBe('DAS');
  });

  it('writes integer ms and rounded confidences (the app\'s SPRSound writer)', () => {
    const out = sprsoundOf({
      detectorId: 'det',
      eventModel: 'ensemble',
      eventModels: [],
      backend: 'wasm',
      durationMs: 1000,
      verdict: { label: 'CAS', confidence: 0.123456789 },
      events: [{ id: 'ev-1', start: 0.012, end: 0.46, label: 'Wheeze', confidence: 0.87654321 }],
      notes: [],
      analysedAt: 0,
      elapsedMs: 0,
    });
    expect(out).toEqual({
      record_annotation: 'CAS',
      record_confidence: 0.1235,
      event_annotation: [{ start: 12, end: 460, type: 'Wheeze', confidence: 0.8765 }],
    });
  });
});

describeWithData('cli analyze / classify --task 21|22', NEEDS, () => {
  it('the manifest ships a detector model', () => {
    const models = JSON.parse(readFileSync(DATA.models.path, 'utf8')).models as { task: string }[];
    expect(models.map((m) => m.task)).toContain('respiratory-detector');
  });

  const dir = makeFolder();
  const eventNames = EVENT_CLASSES.map((c) => c.name);
  const recordNames = RECORD_CLASSES.map((c) => c.name);

  it('analyze writes one SPRSound JSON per readable recording, reports the garbage file and exits 2', () => {
    const out = path.join(dir, 'analysis');
    const r = runCli(['analyze', '--wav', dir, '--out', out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^garbage\.wav: .+/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(out).sort()).toEqual(WAVS.map((w) => w.replace('.wav', '.json')).sort());
    for (const w of WAVS) {
      const j = JSON.parse(readFileSync(path.join(out, w.replace('.wav', '.json')), 'utf8'));
      expect(Object.keys(j).sort()).toEqual(['event_annotation', 'record_annotation', 'record_confidence']);
      expect(recordNames).toContain(j.record_annotation);
      expect(j.record_confidence).toBeGreaterThanOrEqual(0);
      expect(j.record_confidence).toBeLessThanOrEqual(1);
      expect(Array.isArray(j.event_annotation)).toBe(true);
      let prevEnd = -1;
      for (const e of j.event_annotation) {
        expect(Object.keys(e).sort()).toEqual(['confidence', 'end', 'start', 'type']);
        expect(Number.isInteger(e.start) && Number.isInteger(e.end)).toBe(true);
        expect(e.start).toBeGreaterThan(prevEnd);
        expect(e.end).toBeGreaterThan(e.start);
        expect(e.end).toBeLessThanOrEqual(15360);
        expect(eventNames).toContain(e.type);
        expect(e.confidence).toBeGreaterThanOrEqual(0);
        expect(e.confidence).toBeLessThanOrEqual(1);
        prevEnd = e.end;
      }
    }
  });

  it('score --task events scores the analyze output against the SPRSound annotations (the panel\'s metrics)', () => {
    const out = path.join(dir, 'analysis-scored');
    runCli(['analyze', '--wav', dir, '--out', out]);
    const r = runCli(['score', '--task', 'events', '--truth', path.join(SPRSOUND_DIR, 'json'), '--pred', out]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const recordings = WAVS.map((w) => w.replace('.wav', '.json'))
      .map((f) => ({ truth: parseSprsoundAnnotation(readFileSync(path.join(SPRSOUND_DIR, 'json', f), 'utf8')), pred: parseSprsoundAnnotation(readFileSync(path.join(out, f), 'utf8')) }))
      .filter((x) => x.truth.recordLabel !== 'Poor Quality')
      .map((x) => ({ reference: x.truth.events.map(toScored), estimated: x.pred.events.map(toScored) }));
    expect(report.recordings).toBe(recordings.length);
    expect(report.unmatched).toEqual([]);
    expect(report.families).toEqual(familyScores(recordings));
    expect(report.events.agnostic).toEqual(eventScores(recordings, EVENT_CLASSES.map((c) => c.name)).agnostic);
  });

  it("analyze writes exactly what the app's pipeline gives (same options, same models)", async () => {
    const out = path.join(dir, 'analysis-app');
    runCli(['analyze', '--wav', dir, '--out', out]);
    const store = await openNodeModelStore(MODELS_DIR);
    expect(cliAnalysisOptions(store)).toEqual(lung.defaultLungOptions(store.manifest));
    for (const w of WAVS) {
      const bytes = readFileSync(path.join(dir, w));
      const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const app = await lung.run(store, { samples: wav.samples, sampleRate: wav.sampleRate }, lung.defaultLungOptions(store.manifest));
      expect(JSON.parse(readFileSync(path.join(out, w.replace('.wav', '.json')), 'utf8')), w).toEqual(sprsoundOf(app));
    }
  });

  it('classify --task 22 and --task 21 label every readable recording and agree with each other', () => {
    const out22 = path.join(dir, 'task22.json');
    const out21 = path.join(dir, 'task21.json');
    const r22 = runCli(['classify', '--task', '22', '--wav', dir, '--out', out22]);
    const r21 = runCli(['classify', '--task', '21', '--wav', dir, '--out', out21]);
    expect(r22.status, r22.stderr).toBe(2);
    expect(r21.status, r21.stderr).toBe(2);
    expect(r22.stderr).toMatch(/garbage\.wav/);
    const l22 = JSON.parse(readFileSync(out22, 'utf8')) as Record<string, string>;
    const l21 = JSON.parse(readFileSync(out21, 'utf8')) as Record<string, string>;
    expect(Object.keys(l22).sort()).toEqual([...WAVS].sort());
    expect(Object.keys(l21).sort()).toEqual([...WAVS].sort());
    for (const w of WAVS) {
      expect(recordNames).toContain(l22[w]);
      expect(['Normal', 'Adventitious', 'Poor Quality']).toContain(l21[w]);
      expect(l21[w]).toBe(recordTaskLabel('21', l22[w]));
    }
  });
});

describeWithData('analyze on a long recording, read from disk in chunks', NEEDS, () => {
  it("gives the in-memory analysis's events and verdict, through a symbolic link too", { timeout: 240_000 }, async () => {
    const { longWavBytes } = await import('../src/testing/longWav');
    const { symlinkSync } = await import('node:fs');
    const bytes = longWavBytes(75, 48000);
    const data = mkdtempSync(path.join(tmpdir(), 'auscult-long-'));
    writeFileSync(path.join(data, 'long.wav'), bytes);
    const linked = mkdtempSync(path.join(tmpdir(), 'auscult-linked-'));
    symlinkSync(path.join(data, 'long.wav'), path.join(linked, 'long.wav'));
    const out = mkdtempSync(path.join(tmpdir(), 'auscult-long-out-'));

    const r = runCli(['analyze', '--wav', linked, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const written = JSON.parse(readFileSync(path.join(out, 'long.json'), 'utf8')) as ReturnType<typeof sprsoundOf>;

    const store = await openNodeModelStore(MODELS_DIR);
    const whole = readWav(bytes.slice().buffer);
    // The same pipeline on the decoded audio, in memory.
    const expected = sprsoundOf(await lung.run(store, { samples: whole.samples, sampleRate: whole.sampleRate }, lung.defaultLungOptions(store.manifest)));
    expect(written.event_annotation.length).toBeGreaterThan(10);
    expect(written).toEqual(expected);
  });
});
