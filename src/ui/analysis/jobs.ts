// The UI's calls into the analysis worker for the clinician's workflow. The samples are copied
// (structured clone), not transferred: the recording keeps its analysis-rate audio for later
// re-classification of edited events.
import * as Comlink from 'comlink';
import type { AnalysedEvent, AnalysisProgress, EventDecisions, EventFeatureMap, HeartAnalysis, InferenceStatus, ModelCatalog, RecordingAnalysis } from '../../../workers/api';
import { classificationOf } from '../../analysis/classes';
import { withAnalysisWorker } from '../../audio/analysisClient';
import type { LoadedRecording } from '../../audio/recording';

function spansOf(events: readonly { start: number; end: number }[]) {
  return events.map((e) => ({ startMs: Math.round(e.start * 1000), endMs: Math.round(e.end * 1000) }));
}

export function analyseRecording(rec: LoadedRecording, eventModel: string, onProgress: (p: AnalysisProgress) => void): Promise<RecordingAnalysis> {
  const referenceSpans = rec.reference ? spansOf(rec.reference.events) : undefined;
  return withAnalysisWorker((w) => w.analyzeRecording(rec.prepared.analysis, { eventModel, referenceSpans }, Comlink.proxy(onProgress)));
}

/**
 * Classifies events again (edited boundaries, another model); returns what the editor stores per
 * event, and the decision rules the labels follow.
 */
export async function classifySpans(rec: LoadedRecording, events: readonly AnalysedEvent[], eventModel: string): Promise<{ items: ReturnType<typeof classificationOf>[]; decisions?: EventDecisions }> {
  if (!events.length) return { items: [] };
  const res = await withAnalysisWorker((w) => w.classifyEvents(rec.prepared.analysis, spansOf(events), eventModel));
  return { items: res.predictions.map((p) => classificationOf(p, res.classes, eventModel, rec.analysis?.modelDecisions)), decisions: res.decisions };
}

export function eventFeatureMap(rec: LoadedRecording, event: AnalysedEvent, model: string): Promise<EventFeatureMap> {
  return withAnalysisWorker((w) => w.eventFeatures(rec.prepared.analysis, spansOf([event])[0], model));
}

export function analyseHeart(rec: LoadedRecording): Promise<HeartAnalysis> {
  // A copy: the recording keeps its playback WAV.
  const wav = rec.prepared.playbackWav.slice(0);
  return withAnalysisWorker((w) => w.analyzeHeart(Comlink.transfer(wav, [wav])));
}

export function fetchCatalog(): Promise<ModelCatalog> {
  return withAnalysisWorker((w) => w.modelCatalog());
}

export function fetchInferenceStatus(): Promise<InferenceStatus> {
  return withAnalysisWorker((w) => w.inferenceStatus());
}
