// `heart`: every audio file in a folder is one heart-sound recording → class (HBSC shape) + heart rate.
import { estimateHeartRate, type HeartRateResult } from '../src/dsp/heartRate';
import { HeartClassifier, heartModel, type HeartPrediction } from '../src/inference/heartClassifier';
import type { ModelStore } from '../src/inference/modelStore';
import { listAudioFiles, readAudioFile } from './audioFiles';

export interface HeartFileResult {
  topPrediction: HeartPrediction;
  predictions: HeartPrediction[];
  heartRate: HeartRateResult;
}

export interface HeartFilesResult {
  results: Record<string, HeartFileResult>;
  errors: { name: string; error: string }[];
}

export async function heartFiles(store: ModelStore, dir: string, modelId?: string, maxDurationS = 600): Promise<HeartFilesResult> {
  heartModel(store.manifest, modelId); // fail early (usage) when there is no such model
  const classifier = new HeartClassifier(store);
  const results: Record<string, HeartFileResult> = {};
  const errors: { name: string; error: string }[] = [];
  for (const name of await listAudioFiles(dir)) {
    const r = await readAudioFile(dir, name, maxDurationS);
    if (!r.audio) {
      errors.push({ name, error: r.error ?? 'unreadable' });
      continue;
    }
    try {
      const c = await classifier.classify(r.audio, modelId);
      results[name] = {
        topPrediction: c.topPrediction,
        predictions: c.predictions,
        heartRate: estimateHeartRate(r.audio.samples, r.audio.sampleRate),
      };
    } catch (e) {
      errors.push({ name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { results, errors };
}
