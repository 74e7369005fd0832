// `auscult heart` as a user runs it: a child process on the 8 original heart-sound WAVs (with LIST
// chunks, 44.1 kHz and 4 kHz) plus one garbage file.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { HEART_CLASSES } from '../src/core/labels';
import { DATA, REPO_ROOT } from '../src/testing/data';
import { describeWithData } from '../src/testing/withData';

const ORIGINAL_WAV = DATA.heartOriginalWav.path;

function runCli(args: string[]) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(REPO_ROOT, 'cli/main.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
}

describeWithData('cli heart', [DATA.models, DATA.heartOriginalWav], () => {
  it('classifies every readable recording, reports the garbage file and exits 2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'auscult-heart-'));
    const names = readdirSync(ORIGINAL_WAV).filter((n) => n.endsWith('.wav')).sort();
    expect(names).toHaveLength(8);
    for (const n of names) copyFileSync(path.join(ORIGINAL_WAV, n), path.join(dir, n));
    writeFileSync(path.join(dir, 'garbage.wav'), 'RIFF but not really a wave file');
    const out = path.join(dir, 'out', 'heart.json');

    const r = runCli(['heart', '--wav', dir, '--out', out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^garbage\.wav: \S.*/m);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(result).sort()).toEqual(names);
    for (const name of names) {
      const v = result[name];
      expect(Object.keys(v).sort()).toEqual(['heartRate', 'predictions', 'topPrediction']);
      expect(v.predictions).toHaveLength(4);
      v.predictions.forEach((p: { label: number; className: string; confidence: number }, i: number) => {
        expect(p).toEqual({ label: i, className: HEART_CLASSES[i].name, confidence: expect.any(Number) });
      });
      const sum = v.predictions.reduce((s: number, p: { confidence: number }) => s + p.confidence, 0);
      expect(sum).toBeCloseTo(1, 4);
      expect(v.topPrediction).toEqual(v.predictions[v.topPrediction.label]);
      // The top class is the one most windows give (heartClassifier.recordLabel), not always the highest mean.
      if (v.heartRate.bpm === null) {
        expect(v.heartRate.reason).toMatch(/^not measurable: /);
      } else {
        expect(v.heartRate.bpm).toBeGreaterThanOrEqual(30);
        expect(v.heartRate.bpm).toBeLessThanOrEqual(250);
        expect(v.heartRate.confidence).toBeGreaterThan(0);
      }
    }
    // The clean child recording: 122 bpm by hand (src/dsp/heartRate.test.ts).
    expect(Math.abs(result['normal__103_1305031931979_B.wav'].heartRate.bpm - 122)).toBeLessThanOrEqual(4);
  });

  it('names a missing --wav as a usage error', () => {
    const r = runCli(['heart', '--out', path.join(tmpdir(), 'x.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Missing --wav/);
  });
});
