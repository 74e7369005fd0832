// `analyze` (events + record verdict per recording, SPRSound JSON) and `classify --task 21|22`
// (record-level labels) with the respiratory-event detector.
import { Detector, type DetectionResult } from '../src/inference/detector';
import type { ModelStore } from '../src/inference/modelStore';
import { task21Label } from '../src/metrics/events';
import { listAudioFiles, openAudioSource } from './audioFiles';
import { safeOutputPath, writeJson } from './output';

export type RecordTask = '21' | '22';

export interface FileError {
  name: string;
  error: string;
}

/** One recording in the SPRSound annotation format (integer ms, SPRSound type names). */
export interface SprsoundAnnotation {
  record_annotation: string;
  /** The verdict's confidence (0..1); an addition to the SPRSound format. */
  record_confidence: number;
  event_annotation: { start: number; end: number; type: string; confidence: number }[];
}

export function toSprsound(result: DetectionResult): SprsoundAnnotation {
  return {
    record_annotation: result.verdict.label,
    record_confidence: round(result.verdict.confidence),
    event_annotation: result.events.map((e) => ({ start: e.start, end: e.end, type: e.type, confidence: round(e.confidence) })),
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export function baseNameOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/**
 * Runs the detector on every audio file of `dir`, each read from disk a chunk at a time (an hour-long
 * recording needs no more memory than a short one); calls `onResult` per readable file, collects errors.
 */
export async function forEachDetection(
  store: ModelStore,
  dir: string,
  onResult: (name: string, result: DetectionResult) => Promise<void>,
  detectorId?: string,
  maxDurationS = 4 * 3600,
): Promise<FileError[]> {
  const detector = new Detector(store, detectorId);
  const errors: FileError[] = [];
  for (const name of await listAudioFiles(dir)) {
    const r = await openAudioSource(dir, name, maxDurationS);
    if (!r.source) {
      errors.push({ name, error: r.error ?? 'unreadable' });
      continue;
    }
    try {
      await onResult(name, await detector.analyse(r.source));
    } catch (e) {
      errors.push({ name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return errors;
}

/** `analyze --wav <dir> --out <dir>`: writes <out>/<name>.json per recording. */
export async function analyzeFiles(store: ModelStore, dir: string, outDir: string, detectorId?: string): Promise<{ written: string[]; errors: FileError[] }> {
  const written: string[] = [];
  const errors = await forEachDetection(
    store,
    dir,
    async (name, result) => {
      const file = safeOutputPath(outDir, `${baseNameOf(name)}.json`);
      await writeJson(file, toSprsound(result));
      written.push(file);
    },
    detectorId,
  );
  return { written, errors };
}

/** Task 2-1: Normal / Adventitious / Poor Quality; Task 2-2: the record classes as they are. */
export function recordTaskLabel(task: RecordTask, label: string): string {
  return task === '21' ? task21Label(label) : label;
}

/** `classify --task 21|22 --wav <dir>`: {fileName: label}. */
export async function classifyRecordFiles(store: ModelStore, dir: string, task: RecordTask, detectorId?: string): Promise<{ labels: Record<string, string>; errors: FileError[] }> {
  const labels: Record<string, string> = {};
  const errors = await forEachDetection(
    store,
    dir,
    async (name, result) => {
      labels[name] = recordTaskLabel(task, result.verdict.label);
    },
    detectorId,
  );
  return { labels, errors };
}
