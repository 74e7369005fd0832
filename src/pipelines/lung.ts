// The lung pipeline: the one analysis of a respiratory recording that the app's worker, the CLI
// (`analyze`, `classify --task 21|22`) and the bench all run. The detector finds the events and the
// record verdict; the chosen event classifier(s) type the events (each event carries every class's
// probability and each model's vote, the detector's own type as one more vote; without event models
// the detector's type stays), then the record verdict types them where the detector's manifest says so
// (postprocess.eventTyping: the timeline never names a family the verdict rules out; the event model's
// own label stays in `ownLabel`); then (optionally) the annotated reference events are classified for
// the challenge metrics. Everything comes back in label-table order so the UI never re-maps classes.
import type { AnalysedEvent, AnalysisProgress, AnalyzeOptions, AudioClip, Backend, ClassifyResult, EventDecisions, EventSpan, FamilyActivity, ModelVote, RecordingAnalysis, ReferenceClassification, VerdictResult } from '../core/types';
import { sourceAt, type AudioSource, isAudioSource } from '../audio/source';
import { toTableOrder, vote } from '../analysis/classes';
import { Detector, groupTable, type DetectionResult } from '../inference/detector';
import { familyActivity } from '../inference/postprocess';
import { withRecordTyping } from '../analysis/events';
import { EventClassifier } from '../inference/eventClassifier';
import { modelCatalog } from '../inference/catalog';
import { decisionsFor, DETECTOR_TASK, EVENT_TASK, modelsForTask, resolveModelChoice, type Manifest } from '../inference/manifest';
import type { ModelStore } from '../inference/modelStore';
import type { StepHooks } from '../core/steps';
import { EVENT_NAMES as TABLE } from '../core/labels';

export type LungOptions = AnalyzeOptions;

/** The analysis a recording gets unless the user chose otherwise: the catalog's default event models. */
export function defaultLungOptions(manifest: Manifest, detectorId?: string): LungOptions {
  return { eventModel: modelCatalog(manifest).defaultEventChoice, detectorId };
}

export interface LungHooks extends StepHooks {
  /** Progress over the whole analysis (0..1), with its stage and a message to show. */
  onProgress?: (p: AnalysisProgress) => void;
}

/** The detector's record verdict as the analysis reports it (with how it types the events). */
export function verdictOf(detection: Pick<DetectionResult, 'verdict' | 'frames' | 'recordClasses' | 'verdictMethod' | 'adventitiousThreshold' | 'eventTyping'>): VerdictResult {
  return {
    label: detection.verdict.label,
    confidence: detection.verdict.confidence,
    recordProbs: Array.from(detection.frames.recordProbs),
    recordClasses: detection.recordClasses,
    method: detection.verdictMethod,
    ...(detection.verdict.adventitiousProbability !== undefined && {
      adventitiousProbability: detection.verdict.adventitiousProbability,
      adventitiousThreshold: detection.adventitiousThreshold,
    }),
    ...(detection.eventTyping && { eventTyping: detection.eventTyping }),
  };
}

/**
 * The detector's events as analysed events (times in seconds), labelled by the classifiers'
 * predictions (`classified`, one per event) or, when null, by the detector's own frame classes;
 * then typed with the record when `verdict` says so (analysis/events.ts withRecordTyping: the
 * event's own label stays in `ownLabel` where it differs).
 */
export function mergeEvents(
  detection: Pick<DetectionResult, 'events' | 'classes' | 'modelId'>,
  classified: ClassifyResult | null,
  eventModel: string,
  modelDecisions: Record<string, EventDecisions> = {},
  verdict: VerdictResult | null = null,
): AnalysedEvent[] {
  return detection.events.map((e, i) => {
    const detectorProbs = toTableOrder(e.probs, detection.classes);
    const detectorVote: ModelVote = { ...vote(`${detection.modelId} (detector)`, detectorProbs), label: e.type };
    const start = e.start / 1000;
    const end = e.end / 1000;
    const id = `ev-${i + 1}`;
    if (!classified) {
      const typed = withRecordTyping(detectorProbs, e.type, verdict);
      const confidence = typed.label === e.type ? e.confidence : e.activity * detectorProbs[TABLE.indexOf(typed.label)];
      return { id, start, end, ...typed, confidence, probs: detectorProbs, votes: [detectorVote], activity: e.activity, model: detection.modelId };
    }
    const p = classified.predictions[i];
    const probs = toTableOrder(p.probs, classified.classes);
    const votes = [...Object.entries(p.perModel).map(([id, pm]) => vote(id, toTableOrder(pm, classified.classes), modelDecisions[id])), detectorVote];
    // The classifier applied the choice's decision rule; the record may type the event otherwise.
    const typed = withRecordTyping(probs, p.label, verdict);
    return { id, start, end, ...typed, confidence: probs[TABLE.indexOf(typed.label)], probs, votes, activity: e.activity, model: eventModel };
  });
}

export function referenceFrom(classified: ClassifyResult): ReferenceClassification[] {
  return classified.predictions.map((p) => {
    const probs = toTableOrder(p.probs, classified.classes);
    return { label: p.label, confidence: probs[TABLE.indexOf(p.label)], probs };
  });
}

/** Every event model's own decision rules, by model id. */
export function modelDecisionsOf(manifest: Manifest): Record<string, EventDecisions> {
  return Object.fromEntries(modelsForTask(manifest, EVENT_TASK).map((m) => [m.id, decisionsFor(manifest, m.id, [m])]));
}

/** Detector frames (32 ms) pooled into one activity-lane bin: 128 ms, ~28,000 bins an hour. */
const ACTIVITY_POOL_FRAMES = 4;

/** The detector's CAS / DAS activity in bins of ACTIVITY_POOL_FRAMES frames, to 3 decimals. */
export function familyActivityOf(detection: Pick<DetectionResult, 'frames' | 'classes' | 'timing'>): FamilyActivity {
  const fa = familyActivity(detection.frames.activity, detection.frames.classProbs, detection.classes, groupTable(), ACTIVITY_POOL_FRAMES);
  const round = (v: Float32Array) => Array.from(v, (x) => Math.round(x * 1000) / 1000);
  return {
    binS: (ACTIVITY_POOL_FRAMES * detection.timing.frameHopMs) / 1000,
    offsetS: detection.timing.frameOffsetMs / 1000,
    CAS: round(fa.CAS),
    DAS: round(fa.DAS),
  };
}

/** Fractions of the progress bar: detection, then the detected events, then the annotated ones. */
const PROGRESS = { detect: [0.1, 0.55], classify: [0.55, 0.85], reference: [0.85, 0.98] } as const;

/**
 * Analyses one respiratory recording.
 * - `store`: the models (loaded on first use, WebGPU or WASM).
 * - `audio`: mono samples in memory at any rate, or a source read chunk by chunk (a long file:
 *   memory stays bounded by the chunk size); resampled once to the models' rate.
 * - `options`: the event model choice ('resnet18', 'vgg16', an ensemble or a model id), the
 *   detector (default the manifest's first) and annotated spans to classify too (ms).
 * - `hooks`: `onProgress` (stage, 0..1 over the whole analysis, with a message), the same as
 *   `onStep(thousandths, 1000)`; `signal` cancels between chunks and batches (AnalysisCancelled).
 * Returns events in seconds with label-table probabilities, the record verdict, and the reference
 * classifications when spans were given; `durationMs` is the native length in whole ms.
 */
export async function run(store: ModelStore, audio: AudioClip | AudioSource, options: LungOptions, hooks: LungHooks = {}): Promise<RecordingAnalysis> {
  const t0 = performance.now();
  const onProgress = (p: AnalysisProgress) => {
    hooks.onProgress?.(p);
    hooks.onStep?.(Math.round(p.fraction * 1000), 1000);
  };
  const notes: string[] = [];
  const stageMs: NonNullable<RecordingAnalysis['stageMs']> = {};
  const timed = async <T>(stage: keyof typeof stageMs, job: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await job();
    } finally {
      stageMs[stage] = Math.round(performance.now() - start);
    }
  };
  const classifier = new EventClassifier(store);
  const members = modelsForTask(store.manifest, EVENT_TASK).length ? resolveModelChoice(store.manifest, options.eventModel) : [];
  const hasDetector = modelsForTask(store.manifest, DETECTOR_TASK).length > 0;
  const modelDecisions = modelDecisionsOf(store.manifest);
  let backend: Backend = 'wasm';
  let detection: DetectionResult | null = null;
  const nativeRate = audio.sampleRate;
  const nativeLength = isAudioSource(audio) ? audio.length : audio.samples.length;
  const stepHooks = (stage: AnalysisProgress['stage'], [from, to]: readonly [number, number], what: string): StepHooks => ({
    signal: hooks.signal,
    onStep: (done, total) => onProgress({ stage, fraction: from + ((to - from) * done) / total, message: `${what} (${done} of ${total})` }),
  });

  onProgress({ stage: 'models', fraction: 0.05, message: 'Loading the models' });
  // One resampling to the event models' rate, shared by the detector (same rate) and both classification passes.
  const detector = hasDetector ? new Detector(store, options.detectorId) : null;
  const rate = members[0]?.sampleRate ?? detector?.entry.sampleRate ?? nativeRate;
  const atRate = sourceAt(audio, rate);
  if (detector) {
    onProgress({ stage: 'detecting', fraction: PROGRESS.detect[0], message: 'Finding respiratory events' });
    const input = detector.entry.sampleRate === rate ? atRate : audio;
    detection = await timed('detect', () => detector.analyse(input, stepHooks('detecting', PROGRESS.detect, 'Finding respiratory events')));
    backend = detection.backend;
  } else {
    notes.push('This version of Auscult has no event detector model, so no events were detected; annotated events are still classified.');
  }

  let events: AnalysedEvent[] = [];
  if (detection) {
    let classified: ClassifyResult | null = null;
    if (detection.events.length && members.length) {
      const what = `Classifying ${detection.events.length} events`;
      onProgress({ stage: 'classifying', fraction: PROGRESS.classify[0], message: what });
      const spans = detection.events.map((e) => ({ startMs: e.start, endMs: e.end }));
      classified = await timed('classify', () => classifier.classify(atRate, spans, options.eventModel, stepHooks('classifying', PROGRESS.classify, what)));
      backend = classified.backend;
    }
    events = mergeEvents(detection, classified, options.eventModel, modelDecisions, verdictOf(detection));
  }

  let reference: ReferenceClassification[] | undefined;
  const spans: EventSpan[] = (options.referenceSpans ?? []).filter((s) => s.endMs > s.startMs);
  if (spans.length && members.length) {
    const what = `Classifying ${spans.length} annotated events`;
    onProgress({ stage: 'reference', fraction: PROGRESS.reference[0], message: what });
    const res = await timed('reference', () => classifier.classify(atRate, spans, options.eventModel, stepHooks('reference', PROGRESS.reference, what)));
    backend = res.backend;
    reference = referenceFrom(res);
  } else if (options.referenceSpans?.length) {
    reference = [];
  }
  onProgress({ stage: 'done', fraction: 1, message: 'Done' });

  return {
    detectorId: detection?.modelId ?? null,
    eventModel: options.eventModel,
    eventModels: members.map((m) => m.id),
    backend,
    modelBackends: store.backendsOf([...(detection ? [detection.modelId] : []), ...members.map((m) => m.id)]),
    durationMs: Math.floor((nativeLength * 1000) / nativeRate),
    events,
    verdict: detection ? verdictOf(detection) : null,
    ...(detection && { familyActivity: familyActivityOf(detection) }),
    reference,
    decisions: members.length ? decisionsFor(store.manifest, options.eventModel, members) : undefined,
    modelDecisions,
    notes,
    analysedAt: Date.now(),
    elapsedMs: Math.round(performance.now() - t0),
    stageMs,
  };
}
