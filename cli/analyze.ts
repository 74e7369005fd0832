// `analyze`: events + record verdict per recording, by the app's lung pipeline with the app's
// default models, written as SPRSound JSON by the app's own writer. `forEachAnalysis` is shared with
// `classify --task 21|22` (classify.ts).
import type { RecordingAnalysis } from '../src/core/types';
import { toSprsound } from '../src/analysis/exporters';
import { detectorEntry } from '../src/inference/detector';
import type { ModelStore } from '../src/inference/modelStore';
import * as lung from '../src/pipelines/lung';
import { listAudioFiles, openAudioSource } from './audioFiles';
import { safeOutputPath, writeJson } from './output';

export interface FileError {
  name: string;
  error: string;
}

export function baseNameOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/** The analysis the CLI runs: exactly the app's (the same pipeline and default models). */
export function cliAnalysisOptions(store: ModelStore, detectorId?: string): lung.LungOptions {
  detectorEntry(store.manifest, detectorId); // fail early (usage) when there is no such detector
  return lung.defaultLungOptions(store.manifest, detectorId);
}

/** The SPRSound JSON of one analysis: integer ms, rounded confidences, the verdict's confidence. */
export function sprsoundOf(result: RecordingAnalysis): ReturnType<typeof toSprsound> {
  if (!result.verdict) throw new Error('The manifest has no respiratory-detector model.');
  return toSprsound(result.verdict.label, result.verdict.confidence, result.events);
}

/**
 * Runs the lung pipeline on every audio file of `dir`, each read from disk a chunk at a time (an
 * hour-long recording needs no more memory than a short one); calls `onResult` per readable file,
 * collects errors.
 */
export async function forEachAnalysis(
  store: ModelStore,
  dir: string,
  onResult: (name: string, result: RecordingAnalysis) => Promise<void>,
  detectorId?: string,
  maxDurationS = 4 * 3600,
): Promise<FileError[]> {
  const options = cliAnalysisOptions(store, detectorId);
  const errors: FileError[] = [];
  for (const name of await listAudioFiles(dir)) {
    const r = await openAudioSource(dir, name, maxDurationS);
    if (!r.source) {
      errors.push({ name, error: r.error ?? 'unreadable' });
      continue;
    }
    try {
      await onResult(name, await lung.run(store, r.source, options));
    } catch (e) {
      errors.push({ name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return errors;
}

/** `analyze --wav <dir> --out <dir>`: writes <out>/<name>.json per recording. */
export async function analyzeFiles(store: ModelStore, dir: string, outDir: string, detectorId?: string): Promise<{ written: string[]; errors: FileError[] }> {
  const written: string[] = [];
  const errors = await forEachAnalysis(
    store,
    dir,
    async (name, result) => {
      const file = safeOutputPath(outDir, `${baseNameOf(name)}.json`);
      await writeJson(file, sprsoundOf(result));
      written.push(file);
    },
    detectorId,
  );
  return { written, errors };
}
