// The UI's calls into the analysis worker for the clinician's workflow. The samples are copied
// (structured clone), not transferred: the recording keeps its analysis-rate audio for later
// re-classification of edited events. A long recording sends its file instead (a Blob is passed by
// reference), which the worker reads a chunk at a time.
import * as Comlink from 'comlink';
import type { AnalysedEvent, AnalysisAudio, AnalysisProgress, BackendMeasurement, BackendSetting, EventDecisions, EventFeatureMap, HeartAnalysis, InferenceStatus, ModelBackend, ModelCatalog, RecordingAnalysis } from '../../core/types';
import type { CancellableJob } from '../../worker/api';
import { classificationOf } from '../../analysis/classes';
import { withAnalysisWorker, withAudioWorker } from '../../worker/client';
import type { LoadedRecording } from '../../core/recording';

function spansOf(events: readonly { start: number; end: number }[]) {
  return events.map((e) => ({ startMs: Math.round(e.start * 1000), endMs: Math.round(e.end * 1000) }));
}

/** Heart mode decodes the whole recording; longer ones are refused with this message. */
export const HEART_MAX_S = 10 * 60;

function audioOf(rec: LoadedRecording): AnalysisAudio {
  return rec.prepared.analysis ?? { file: rec.prepared.playback };
}

export function analyseRecording(rec: LoadedRecording, eventModel: string, onProgress: (p: AnalysisProgress) => void): Promise<RecordingAnalysis> {
  const referenceSpans = rec.reference ? spansOf(rec.reference.events) : undefined;
  return withAnalysisWorker((w) => w.analyzeRecording(audioOf(rec), { eventModel, referenceSpans }, Comlink.proxy(onProgress)));
}

/**
 * Classifies events again (edited boundaries, another model); returns what the editor stores per
 * event, and the decision rules the labels follow.
 */
export async function classifySpans(
  rec: LoadedRecording,
  events: readonly AnalysedEvent[],
  eventModel: string,
): Promise<{ items: ReturnType<typeof classificationOf>[]; decisions?: EventDecisions; modelBackends?: Record<string, ModelBackend> }> {
  if (!events.length) return { items: [] };
  const res = await withAnalysisWorker((w) => w.classifyEvents(audioOf(rec), spansOf(events), eventModel));
  return {
    items: res.predictions.map((p) => classificationOf(p, res.classes, eventModel, rec.analysis?.modelDecisions)),
    decisions: res.decisions,
    modelBackends: res.modelBackends,
  };
}

export function eventFeatureMap(rec: LoadedRecording, event: AnalysedEvent, model: string): Promise<EventFeatureMap> {
  return withAnalysisWorker((w) => w.eventFeatures(audioOf(rec), spansOf([event])[0], model));
}

/** Stops the running analysis, or the opening of a long recording, between two chunks (each on its own worker). */
export function cancelRunning(kind: CancellableJob): Promise<void> {
  return kind === 'opening' ? withAudioWorker((w) => w.cancel(kind)) : withAnalysisWorker((w) => w.cancel(kind));
}

export function analyseHeart(rec: LoadedRecording): Promise<HeartAnalysis> {
  if (rec.durationS > HEART_MAX_S) {
    return Promise.reject(new Error(`Heart mode analyses recordings up to ${HEART_MAX_S / 60} minutes; this one is ${Math.round(rec.durationS / 60)} minutes. Trim it, or use lung mode.`));
  }
  return withAnalysisWorker((w) => w.analyzeHeart(rec.prepared.playback));
}

export function fetchCatalog(): Promise<ModelCatalog> {
  return withAnalysisWorker((w) => w.modelCatalog());
}

export function fetchInferenceStatus(): Promise<InferenceStatus> {
  return withAnalysisWorker((w) => w.inferenceStatus());
}

export function configureInference(setting: BackendSetting, measurement: BackendMeasurement | null): Promise<void> {
  return withAnalysisWorker((w) => w.configureInference({ setting, measurement }));
}

/** Loads the models while the page waits for a recording; a failure shows up in the analysis itself. */
export function warmUpModels(savedChoice: string | null): Promise<void> {
  return withAnalysisWorker((w) => w.warmUp(savedChoice));
}

export function fetchBackendMeasurement(): Promise<BackendMeasurement | null> {
  return withAnalysisWorker((w) => w.backendMeasurement());
}
