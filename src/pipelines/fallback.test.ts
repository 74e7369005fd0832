// The one WebGPU → WASM fallback (ModelStore.run) serves the detector as it serves the window
// models: a WebGPU device lost mid-detection does not fail the lung pipeline, the analysis is the
// WASM one, and the note says why. A cancellation is not mistaken for a WebGPU failure.
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { AnalysisCancelled, isCancellation } from '../core/steps';
import { DETECTOR_TASK, modelsForTask } from '../inference/manifest';
import { openNodeModelStore } from '../inference/nodeModels';
import { DATA, MODELS_DIR, SPRSOUND_DIR } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { run } from './lung';
import { FailingGpuStore } from '../testing/failingGpuStore';

const MODELS = MODELS_DIR;

describeWithData('WebGPU failures in the lung pipeline', [DATA.models, DATA.sprsoundOriginalWav], async () => {
  const base = await openNodeModelStore(MODELS);
  const load = async (file: string) => new Uint8Array(await readFile(path.join(MODELS, file)));
  const bytes = readFileSync(path.join(SPRSOUND_DIR, 'original-wav', '41251473_2.7_1_p1_2489.wav'));
  const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const clip = { samples: wav.samples, sampleRate: wav.sampleRate };
  const options = { eventModel: 'ensemble' };

  it('falls back to WASM when detection fails on WebGPU, says why, and gives the WASM analysis', async () => {
    const notes: string[] = [];
    const store = new FailingGpuStore(base.manifest, load, ['wasm'], { onFallback: (id, reason) => notes.push(`${id}: ${reason}`) });
    const failing = await run(store, clip, options);
    const reference = await run(base, clip, options);
    expect(store.failures).toBe(1);
    expect(failing.backend).toBe('wasm');
    expect(notes.join(' ')).toMatch(/WebGPU failed while detecting events \(GPUDevice was lost\); using WASM/);
    expect(failing.events.map((e) => [e.start, e.end, e.label, e.probs])).toEqual(reference.events.map((e) => [e.start, e.end, e.label, e.probs]));
    expect(failing.verdict).toEqual(reference.verdict);
    // Every model of the analysis says where it ran and why: the detector and the event models after it.
    expect(Object.keys(failing.modelBackends ?? {}).sort()).toEqual([failing.detectorId, ...failing.eventModels].sort());
    for (const b of Object.values(failing.modelBackends ?? {})) expect(b).toEqual({ backend: 'wasm', reason: expect.stringMatching(/^WebGPU failed while detecting events/) });
    expect(Object.values(reference.modelBackends ?? {}).map((b) => b.backend)).toEqual([reference.detectorId, ...reference.eventModels].map(() => 'wasm'));
  });

  it('passes a cancellation on without falling back', async () => {
    const store = new FailingGpuStore(base.manifest, load, ['wasm']);
    const detector = modelsForTask(store.manifest, DETECTOR_TASK)[0];
    const error = await store
      .run(detector, 'while testing', async () => {
        throw new AnalysisCancelled();
      })
      .catch((e: unknown) => e);
    expect(isCancellation(error)).toBe(true);
    expect((await store.session(detector)).backend).toBe('webgpu');
  });
});
