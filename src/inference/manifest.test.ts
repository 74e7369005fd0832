// The manifest is a union keyed on `task`, checked once by parseManifest: the shipped one parses
// with each entry typed by its task, and an entry missing what its task needs is refused by name.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/data';
import { DETECTOR_TASK, EVENT_TASK, HEART_TASK, modelsForTask, parseManifest } from './manifest';

const shipped = JSON.parse(readFileSync(path.join(REPO_ROOT, 'public', 'models', 'manifest.json'), 'utf8')) as { models: Record<string, unknown>[] };

/** The shipped manifest with one model's entry changed. */
function withModel(task: string, change: (m: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(shipped);
  const m = copy.models.find((e) => e.task === task)!;
  change(m);
  return copy;
}

describe('parseManifest', () => {
  it('parses the shipped manifest: every task has its own fields', () => {
    const m = parseManifest(shipped);
    const detector = modelsForTask(m, DETECTOR_TASK)[0];
    expect(detector.frameHopSamples % detector.feature.hop).toBe(0);
    expect(detector.recordClasses.length).toBeGreaterThan(0);
    expect(['head', 'rules', 'hierarchical']).toContain(detector.postprocess.verdict);
    const heart = modelsForTask(m, HEART_TASK)[0];
    expect(heart.feature.sampleRate).toBe(heart.sampleRate);
    expect(heart.input.windowSamples).toBeGreaterThan(0);
    for (const e of modelsForTask(m, EVENT_TASK)) expect(e.input.clipSamples).toBeGreaterThan(0);
  });

  it('refuses an entry missing what its task needs, naming the model and the field', () => {
    expect(() => parseManifest(withModel(DETECTOR_TASK, (m) => delete m.frameHopSamples))).toThrow(/model "detector-[^"]+"\.frameHopSamples is missing/);
    expect(() => parseManifest(withModel(DETECTOR_TASK, (m) => ((m.postprocess as Record<string, unknown>).verdict = 'vote')))).toThrow(/postprocess\.verdict/);
    expect(() => parseManifest(withModel(DETECTOR_TASK, (m) => ((m.postprocess as Record<string, unknown>).eventTyping = 'vote')))).toThrow(/postprocess\.eventTyping is "vote"/);
    const rulesTyped = (m: Record<string, unknown>) => Object.assign(m.postprocess as Record<string, unknown>, { verdict: 'rules', eventTyping: 'verdict-weighted' });
    expect(() => parseManifest(withModel(DETECTOR_TASK, rulesTyped))).toThrow(/eventTyping needs a verdict from the record head/);
    expect(() => parseManifest(withModel(HEART_TASK, (m) => delete (m.input as Record<string, unknown>).windowSamples))).toThrow(/input\.windowSamples/);
    expect(() => parseManifest(withModel(EVENT_TASK, (m) => delete (m.feature as Record<string, unknown>).hop))).toThrow(/feature\.hop/);
    expect(() => parseManifest(withModel(EVENT_TASK, (m) => (m.task = 'lung-sound')))).toThrow(/task is "lung-sound"/);
    expect(() => parseManifest({ version: 1 })).toThrow(/no "models" list/);
  });

  it('refuses a frame hop that is not a whole number of STFT hops, and a heart front end at another rate', () => {
    expect(() => parseManifest(withModel(DETECTOR_TASK, (m) => (m.frameHopSamples = 250)))).toThrow(/not a whole number of STFT hops/);
    expect(() => parseManifest(withModel(HEART_TASK, (m) => ((m.feature as Record<string, unknown>).sampleRate = 2000)))).toThrow(/feature\.sampleRate/);
  });

  it('checks selectionMetrics where given: a split, and a numeric Task 1-2 Score', () => {
    const ok = withModel(EVENT_TASK, (m) => (m.selectionMetrics = { split: 'validation patients (n=24)', task12: { Score: 0.8 } }));
    expect(modelsForTask(parseManifest(ok), EVENT_TASK)[0].selectionMetrics?.task12?.Score).toBe(0.8);
    expect(() => parseManifest(withModel(EVENT_TASK, (m) => (m.selectionMetrics = { task12: { Score: 0.8 } })))).toThrow(/selectionMetrics\.split/);
    expect(() => parseManifest(withModel(EVENT_TASK, (m) => (m.selectionMetrics = { split: 'val', task12: { Score: '0.8' } })))).toThrow(/task12\.Score/);
  });
});
