// `heart`: every audio file in a folder is one heart-sound recording → class (HBSC shape) + heart rate,
// by the heart pipeline (the app's heart mode).
import type { HeartAnalysis } from '../src/core/types';
import { heartModel, type HeartPrediction } from '../src/inference/heartClassifier';
import type { ModelStore } from '../src/inference/modelStore';
import * as heart from '../src/pipelines/heart';
import { listAudioFiles, readAudioFile } from './audioFiles';

export interface HeartFileResult {
  topPrediction: HeartPrediction;
  predictions: HeartPrediction[];
  heartRate: HeartAnalysis['heartRate'];
}

export interface HeartFilesResult {
  results: Record<string, HeartFileResult>;
  errors: { name: string; error: string }[];
}

/** The CLI's HBSC-style answer for one recording's analysis (`label`: the class index, label-table order). */
export function toHbsc(a: HeartAnalysis): HeartFileResult {
  const predictions = a.predictions.map((p, label) => ({ label, className: p.className, confidence: p.confidence }));
  const top = predictions.find((p) => p.className === a.top.className);
  if (!top) throw new Error(`The top class "${a.top.className}" is not among the predictions.`);
  return { topPrediction: top, predictions, heartRate: a.heartRate };
}

export async function heartFiles(store: ModelStore, dir: string, modelId?: string, maxDurationS = 600): Promise<HeartFilesResult> {
  heartModel(store.manifest, modelId); // fail early (usage) when there is no such model
  const results: Record<string, HeartFileResult> = {};
  const errors: { name: string; error: string }[] = [];
  for (const name of await listAudioFiles(dir)) {
    const r = await readAudioFile(dir, name, maxDurationS);
    if (!r.audio) {
      errors.push({ name, error: r.error ?? 'unreadable' });
      continue;
    }
    try {
      results[name] = toHbsc(await heart.run(store, r.audio, { modelId }));
    } catch (e) {
      errors.push({ name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { results, errors };
}
