// The heart pipeline: one heart-sound recording → the heart-sound classifier (per window and for
// the whole record) and the heart rate, as one HeartAnalysis. The worker (heart mode) and the CLI
// (`auscult heart`) both call `run`.
import type { AudioClip, HeartAnalysis } from '../core/types';
import { throwIfCancelled, type StepHooks } from '../core/steps';
import { estimateHeartRate } from '../dsp/heartRate';
import { HeartClassifier } from '../inference/heartClassifier';
import type { ModelStore } from '../inference/modelStore';

export interface HeartOptions {
  /** A heart model id from the manifest; default its first model of task "heart". */
  modelId?: string;
}

/**
 * Analyses one heart-sound recording.
 * - `audio`: mono samples at the recording's native rate (the classifier resamples them to the
 *   model's rate, as it was validated; the heart rate is measured at the native rate).
 * - `hooks`: `onStep(done, 2)` after the classifier and after the heart rate; `signal` cancels
 *   between the two (AnalysisCancelled).
 * Returns the record label (the class most windows give, heartClassifier.recordLabel), every heart
 * class's probability (label-table order; the mean over the model's windows), each
 * window's class (start/end in seconds), the heart rate in bpm (or why it is not measurable), the
 * model and the backend it ran on.
 */
export async function run(store: ModelStore, audio: AudioClip, options: HeartOptions = {}, hooks: StepHooks = {}): Promise<HeartAnalysis> {
  throwIfCancelled(hooks.signal);
  const result = await new HeartClassifier(store).classify(audio, options.modelId);
  hooks.onStep?.(1, 2);
  throwIfCancelled(hooks.signal);
  const hr = estimateHeartRate(audio.samples, audio.sampleRate);
  hooks.onStep?.(2, 2);
  return {
    modelId: result.modelId,
    backend: result.backend,
    ...(store.backendOf(result.modelId)?.reason ? { backendReason: store.backendOf(result.modelId)?.reason } : {}),
    top: { className: result.topPrediction.className, confidence: result.topPrediction.confidence },
    support: result.support,
    predictions: result.predictions.map((p) => ({ className: p.className, confidence: p.confidence })),
    windows: result.windows.map((w) => ({ start: w.start, end: w.end, className: w.className, confidence: w.confidence })),
    heartRate: hr.bpm === null ? { bpm: null, reason: hr.reason } : { bpm: hr.bpm, confidence: hr.confidence },
    analysedAt: Date.now(),
  };
}
