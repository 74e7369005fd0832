// The analyses of the open recordings: queued → running → done (or cancelled / failed) per
// recording, one at a time in the order asked for (the worker is single, and a drop of fifty files
// must not starve the recording being looked at), and the re-classification of the events when
// another event model is chosen or an annotation arrives. The worker calls come in as `jobs`.
import type { EventDecisions, HeartAnalysis, ModelBackend, ModelVote, RecordingAnalysis, AnalysedEvent, AnalysisProgress, ReferenceClassification } from '../../core/types';
import type { AnalysisState, LoadedRecording } from '../../core/recording';
import { EVENT_NAMES } from '../../core/labels';
import { isCancellation } from '../../core/steps';
import { applyClassification, withIds } from '../../analysis/events';
import { SerialQueue } from '../../analysis/queue';
import type { OpenRecordings } from './list';
import { messageOf, type Notify } from './notices';

/** One event's classification as the editor stores it (see analysis/classes.ts). */
export interface Classification {
  probs: number[];
  label: string;
  votes: ModelVote[];
  model: string;
}

/** The worker calls the queue makes (ui/analysis/jobs.ts in the app, fakes in tests). */
export interface AnalysisJobs {
  analyseRecording: (rec: LoadedRecording, eventModel: string, onProgress: (p: AnalysisProgress) => void) => Promise<RecordingAnalysis>;
  analyseHeart: (rec: LoadedRecording) => Promise<HeartAnalysis>;
  classifySpans: (rec: LoadedRecording, events: readonly AnalysedEvent[], eventModel: string) => Promise<{ items: Classification[]; decisions?: EventDecisions; modelBackends?: Record<string, ModelBackend> }>;
  /** Stops the running analysis between two chunks. */
  cancelRunning: () => Promise<void>;
}

export interface AnalysisModels {
  /** The event model to analyse with, once the catalog is known. */
  resolveChoice: () => Promise<string>;
  /** The backend in use may have changed (e.g. a fallback after a failure). */
  refreshStatus: () => void;
}

export interface AnalysisQueueDeps {
  recordings: OpenRecordings;
  jobs: AnalysisJobs;
  /** The models as they are now (the hook's props change; the queue lives on). */
  models: () => AnalysisModels;
  notify: Notify;
  /** Runs a non-urgent state change (progress); the hook passes React's startTransition. */
  deferred?: (change: () => void) => void;
  now?: () => number;
}

/** Progress is never worth more than ~10 renders a second. */
export const PROGRESS_INTERVAL_MS = 100;

/** A classified annotated event, as the dataset metrics keep it. */
export function asReference(c: { probs: number[]; label: string }): ReferenceClassification {
  return { label: c.label, confidence: c.probs[EVENT_NAMES.indexOf(c.label)] ?? 0, probs: c.probs };
}

/** Whether a recording in `mode` still needs its analysis asked for (not done, not already waiting). */
export function needsAnalysis(rec: LoadedRecording): boolean {
  return rec.mode === 'heart' ? !rec.heart && rec.heartState?.status !== 'queued' : !rec.analysis && rec.analysisState?.status !== 'queued';
}

/**
 * The recording after another event model classified its events (`results`, in the order of
 * `classified`) and its annotated events (`refs`). Unedited, the model's output is exactly the
 * re-classified events; edited, the model's own output is kept for "undo all".
 */
export function withReclassification(
  r: LoadedRecording,
  model: string,
  classified: readonly AnalysedEvent[],
  results: readonly Classification[],
  refs: readonly Classification[] | undefined,
  decisions: EventDecisions | undefined,
  modelBackends?: Record<string, ModelBackend>,
): LoadedRecording {
  if (!r.analysis) return r;
  let events = r.events;
  classified.forEach((e, i) => {
    events = applyClassification(events, e.id, results[i], true, r.analysis?.verdict);
  });
  const eventModels = [...new Set(results.flatMap((x) => x.votes.map((v) => v.modelId)))];
  const analysis: RecordingAnalysis = {
    ...r.analysis,
    eventModel: model,
    eventModels: eventModels.length ? eventModels : r.analysis.eventModels,
    events: r.edited ? r.analysis.events : events,
    reference: refs ? refs.map(asReference) : r.analysis.reference,
    decisions: decisions ?? r.analysis.decisions,
    // The detector's backend stays; the event models' are those that just ran.
    modelBackends: modelBackends
      ? { ...Object.fromEntries(Object.entries(r.analysis.modelBackends ?? {}).filter(([k]) => k === r.analysis?.detectorId)), ...modelBackends }
      : r.analysis.modelBackends,
  };
  return { ...r, events, analysis, analysisState: { status: 'done' } };
}

export class AnalysisQueue {
  private readonly serial = new SerialQueue();
  private readonly deferred: (change: () => void) => void;
  private readonly now: () => number;

  constructor(private readonly deps: AnalysisQueueDeps) {
    this.deferred = deps.deferred ?? ((change) => change());
    this.now = deps.now ?? (() => performance.now());
  }

  /** Analyses asked for and not started yet. */
  get pending(): number {
    return this.serial.pending;
  }

  /**
   * Queues the analysis the recording's mode needs (lung: detector + events; heart: classifier +
   * rate), unless it has it or waits for it already; `force` analyses it again.
   */
  request(id: string, force = false): void {
    const rec = this.deps.recordings.find(id);
    if (!rec || (!force && !needsAnalysis(rec))) return;
    const heart = rec.mode === 'heart';
    const queued: AnalysisState = { status: 'queued' };
    this.deps.recordings.update(id, (r) => (heart ? { ...r, heartState: queued } : { ...r, analysisState: queued }));
    void this.serial.push(
      id,
      () => (heart ? this.runHeart(id) : this.runLung(id)),
      (e) => this.deps.notify('error', `Analysis failed: ${messageOf(e)}`),
    );
  }

  /** Stops a recording's analysis: skipped if still queued, stopped between two chunks if running. */
  cancel(id: string): void {
    const state = this.deps.recordings.find(id)?.analysisState;
    if (state?.status === 'queued') {
      this.serial.cancel(id);
      this.deps.recordings.update(id, (r) => ({ ...r, analysisState: { status: 'cancelled' } }));
    } else if (state?.status === 'running') {
      this.deps.jobs.cancelRunning().catch((e: unknown) => this.deps.notify('warning', `The analysis could not be cancelled: ${messageOf(e)}`));
    }
  }

  /** The recording was closed: a queued analysis of it is skipped. */
  forget(id: string): void {
    this.serial.cancel(id);
  }

  /** The annotated events, classified by the event models (for Tasks 1-1 / 1-2), when still missing. */
  async classifyReference(id: string): Promise<void> {
    const rec = this.deps.recordings.find(id);
    if (!rec?.reference || !rec.analysis || rec.analysis.reference?.length === rec.reference.events.length) return;
    try {
      const refs = withIds(rec.reference.events, 'ref');
      const { items } = await this.deps.jobs.classifySpans(rec, refs, rec.analysis.eventModel);
      this.deps.recordings.update(id, (r) => (r.analysis ? { ...r, analysis: { ...r.analysis, reference: items.map(asReference) } } : r), true);
    } catch (e) {
      this.deps.notify('warning', `The annotated events of “${rec.name}” could not be classified: ${messageOf(e)}`);
    }
  }

  /** Another event model: the current events (edited or not) and the annotated ones are classified again. */
  async reclassifyAll(id: string, model: string): Promise<void> {
    const { recordings, jobs } = this.deps;
    const rec = recordings.find(id);
    if (!rec?.analysis) return;
    recordings.update(id, (r) => ({
      ...r,
      analysisState: { status: 'running', progress: { stage: 'classifying', fraction: 0.5, message: `Classifying the events with ${model}` } },
    }));
    try {
      const { items, decisions, modelBackends } = await jobs.classifySpans(rec, rec.events, model);
      const refs = rec.reference ? (await jobs.classifySpans(rec, withIds(rec.reference.events, 'ref'), model)).items : undefined;
      recordings.update(id, (r) => withReclassification(r, model, rec.events, items, refs, decisions, modelBackends), true);
    } catch (e) {
      recordings.update(id, (r) => ({ ...r, analysisState: { status: 'done' } }));
      this.deps.notify('warning', `The events could not be classified with ${model}: ${messageOf(e)}`);
    }
    this.deps.models().refreshStatus();
  }

  private async runLung(id: string): Promise<void> {
    const { recordings, jobs } = this.deps;
    const rec = recordings.find(id);
    if (!rec) return;
    const model = await this.deps.models().resolveChoice();
    let last = -Infinity;
    // Progress comes through its own message port, so a late message may arrive after the result.
    let finished = false;
    const onProgress = (progress: AnalysisProgress) => {
      const now = this.now();
      if (finished || (now - last < PROGRESS_INTERVAL_MS && progress.stage !== 'done')) return;
      last = now;
      this.deferred(() =>
        recordings.update(id, (r) =>
          r.analysisState?.status === 'running' || r.analysisState?.status === 'queued' ? { ...r, analysisState: { status: 'running', progress } } : r,
        ),
      );
    };
    onProgress({ stage: 'models', fraction: 0, message: 'Starting' });
    let analysis: RecordingAnalysis;
    try {
      analysis = await jobs.analyseRecording(rec, model, onProgress);
    } catch (e) {
      finished = true;
      recordings.update(id, (r) => ({ ...r, analysisState: isCancellation(e) ? { status: 'cancelled' } : { status: 'error', message: messageOf(e) } }));
      this.deps.models().refreshStatus();
      return;
    }
    finished = true;
    recordings.update(id, (r) => ({ ...r, analysis, events: analysis.events, edited: false, analysisState: { status: 'done' } }), true);
    this.deps.models().refreshStatus();
    // An annotation dropped while the analysis ran is classified now.
    await this.classifyReference(id);
  }

  private async runHeart(id: string): Promise<void> {
    const { recordings, jobs } = this.deps;
    const rec = recordings.find(id);
    if (!rec) return;
    recordings.update(id, (r) => ({ ...r, heartState: { status: 'running', progress: { stage: 'classifying', fraction: 0.3, message: 'Classifying heart sounds' } } }));
    try {
      const heart = await jobs.analyseHeart(rec);
      recordings.update(id, (r) => ({ ...r, heart, heartState: { status: 'done' } }), true);
    } catch (e) {
      recordings.update(id, (r) => ({ ...r, heartState: { status: 'error', message: messageOf(e) } }));
    }
    this.deps.models().refreshStatus();
  }
}
