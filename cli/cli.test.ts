// The CLI as a user runs it: a child process on a folder of real event clips plus a bad file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav, readWav } from '../src/audio/wav';
import { resample } from '../src/dsp/resample';
import { EVENT_CLASSES } from '../src/core/labels';
import { DATA, REPO_ROOT, SPRSOUND_DIR } from '../src/testing/data';
import { describeWithData } from '../src/testing/withData';
import { safeOutputPath } from './output';

function runCli(args: string[]) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(REPO_ROOT, 'cli/main.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
}

/** Event clips cut from a real recording, named the way the challenge names them. */
function makeEventFolder(): { dir: string; names: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'auscult-cli-'));
  const annotationOf = (wavName: string) =>
    JSON.parse(readFileSync(path.join(SPRSOUND_DIR, 'json', wavName.replace('.wav', '.json')), 'utf8'));
  // The first published recording with at least three annotated events (Poor Quality ones have none).
  const src = readdirSync(path.join(SPRSOUND_DIR, 'original-wav'))
    .sort()
    .find((f) => annotationOf(f).event_annotation.length >= 3)!;
  const bytes = readFileSync(path.join(SPRSOUND_DIR, 'original-wav', src));
  const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const ann = annotationOf(src);
  const names: string[] = [];
  ann.event_annotation.slice(0, 3).forEach((e: { start: string; end: string }, i: number) => {
    const clip = wav.samples.subarray(Math.floor(Number(e.start) * 8), Math.floor(Number(e.end) * 8));
    const name = `${src.replace('.wav', '')}_${i}.wav`;
    writeFileSync(path.join(dir, name), new Uint8Array(encodeWav(clip, 8000)));
    names.push(name);
  });
  // The same clip at 44.1 kHz: the CLI must resample it to the models' 8 kHz.
  const first = readWav(readFileSync(path.join(dir, names[0])).buffer as ArrayBuffer);
  const hi = `${names[0].replace('.wav', '')}_44k.wav`;
  writeFileSync(path.join(dir, hi), new Uint8Array(encodeWav(resample(first.samples, 8000, 44100), 44100)));
  names.push(hi);
  writeFileSync(path.join(dir, 'broken.wav'), 'this is not audio at all');
  return { dir, names };
}

describeWithData('cli classify --task 11|12', [DATA.models, DATA.sprsoundOriginalWav, DATA.sprsoundJson], () => {
  const { dir, names } = makeEventFolder();

  it('labels every readable clip, reports the bad one and exits 2', () => {
    const out12 = path.join(dir, 'out', 'task12.json');
    const r = runCli(['classify', '--task', '12', '--wav', dir, '--out', out12, '--model', 'resnet18']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/broken\.wav: .*not a WAV/);
    const labels = JSON.parse(readFileSync(out12, 'utf8')) as Record<string, string>;
    expect(Object.keys(labels).sort()).toEqual([...names].sort());
    const allowed = EVENT_CLASSES.map((c) => c.challenge);
    for (const v of Object.values(labels)) expect(allowed).toContain(v);
    // Resampling 8 → 44.1 → 8 kHz must not change the decision.
    expect(labels[names[3]]).toBe(labels[names[0]]);
  });

  it('answers Normal or Adventitious for task 11 with the ensemble', () => {
    const out11 = path.join(dir, 'out', 'task11.json');
    const r = runCli(['classify', '--task', '11', '--wav', dir, '--out', out11]);
    expect(r.status).toBe(2);
    const labels = JSON.parse(readFileSync(out11, 'utf8')) as Record<string, string>;
    for (const v of Object.values(labels)) expect(['Normal', 'Adventitious']).toContain(v);
  });

  it('rejects a bad task with a usage error', () => {
    const r = runCli(['classify', '--task', '13', '--wav', dir, '--out', path.join(dir, 'x.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--task must be/);
  });
});

describe('output paths', () => {
  it('refuses names that escape the output directory', () => {
    expect(() => safeOutputPath('/tmp/out', '../etc/passwd')).toThrow(/outside the output directory/);
    expect(() => safeOutputPath('/tmp/out', '/etc/passwd')).toThrow(/outside/);
    expect(safeOutputPath('/tmp/out', 'a.json')).toBe('/tmp/out/a.json');
  });
});
