import { describe, expect, it, vi } from 'vitest';
import type { AnalysedEvent, AnalysisProgress, HeartAnalysis, RecordingAnalysis } from '../../core/types';
import type { LoadedRecording } from '../../core/recording';
import { AnalysisCancelled } from '../../core/steps';
import { AnalysisQueue, type AnalysisJobs } from './analysisQueue';
import { classified, deferred, event, fakeAnalysis, fakeRecording, recordingList, settle } from './fakes';
import type { Severity } from './notices';

/** A queue over fake worker calls: each analysis waits until the test finishes it. */
function setup(recs: LoadedRecording[] = []) {
  const { list, saved } = recordingList();
  for (const r of recs) list.add(r);
  const started: string[] = [];
  const running = new Map<string, { finish: (a: RecordingAnalysis) => void; fail: (e: unknown) => void; progress: (p: AnalysisProgress) => void }>();
  const notices: [Severity, string][] = [];
  let clock = 0;
  const classify = vi.fn<AnalysisJobs['classifySpans']>(async (_rec, events) => ({ items: events.map(() => classified('Wheeze')) }));
  const jobs: AnalysisJobs = {
    analyseRecording: (rec, _model, onProgress) => {
      started.push(rec.id);
      const d = deferred<RecordingAnalysis>();
      running.set(rec.id, { finish: d.resolve, fail: d.reject, progress: onProgress });
      return d.promise;
    },
    analyseHeart: async (rec) => {
      started.push(`heart:${rec.id}`);
      const heart: HeartAnalysis = {
        modelId: 'heart-test',
        backend: 'wasm',
        top: { className: 'normal', confidence: 1 },
        predictions: [{ className: 'normal', confidence: 1 }],
        windows: [],
        heartRate: { bpm: null, reason: 'not measured in this test' },
        analysedAt: 0,
      };
      return heart;
    },
    classifySpans: classify,
    cancelRunning: vi.fn(async () => undefined),
  };
  const models = { resolveChoice: async () => 'ensemble', refreshStatus: vi.fn() };
  const queue = new AnalysisQueue({
    recordings: list,
    jobs,
    models: () => models,
    notify: (s, m) => notices.push([s, m]),
    now: () => clock,
  });
  return { list, saved, queue, started, running, notices, jobs, classify, models, tick: (ms: number) => (clock += ms) };
}

const state = (list: { find: (id: string) => LoadedRecording | undefined }, id: string) => list.find(id)?.analysisState?.status;

describe('AnalysisQueue', () => {
  it('runs the analyses one at a time, in the order they were asked for', async () => {
    const t = setup([fakeRecording('a'), fakeRecording('b'), fakeRecording('c')]);
    t.queue.request('a');
    t.queue.request('b');
    t.queue.request('c');
    await settle();
    expect(t.started).toEqual(['a']);
    expect([state(t.list, 'a'), state(t.list, 'b'), state(t.list, 'c')]).toEqual(['running', 'queued', 'queued']);
    expect(t.queue.pending).toBe(2);

    t.running.get('a')!.finish(fakeAnalysis([event('ev-1', 1, 2, 'Wheeze')]));
    await settle();
    expect(t.started).toEqual(['a', 'b']);
    expect(state(t.list, 'a')).toBe('done');
    expect(t.list.find('a')?.events.map((e) => e.id)).toEqual(['ev-1']);
    // The result is saved to History.
    expect(t.saved.at(-1)?.id).toBe('a');

    t.running.get('b')!.finish(fakeAnalysis([]));
    await settle();
    t.running.get('c')!.finish(fakeAnalysis([]));
    await settle();
    expect(t.started).toEqual(['a', 'b', 'c']);
    expect(t.queue.pending).toBe(0);
  });

  it('skips a cancelled queued analysis and stops a running one in the worker', async () => {
    const t = setup([fakeRecording('a'), fakeRecording('b'), fakeRecording('c')]);
    t.queue.request('a');
    t.queue.request('b');
    t.queue.request('c');
    await settle();
    t.queue.cancel('b');
    expect(state(t.list, 'b')).toBe('cancelled');

    t.queue.cancel('a');
    expect(t.jobs.cancelRunning).toHaveBeenCalledTimes(1);
    t.running.get('a')!.fail(new AnalysisCancelled());
    await settle();
    expect(state(t.list, 'a')).toBe('cancelled');
    // b never ran; c did.
    expect(t.started).toEqual(['a', 'c']);
  });

  it('asks only for what is missing, unless forced', async () => {
    const t = setup([fakeRecording('a'), fakeRecording('done', { analysis: fakeAnalysis([]), analysisState: { status: 'done' } })]);
    t.queue.request('a');
    t.queue.request('a');
    t.queue.request('done');
    await settle();
    expect(t.started).toEqual(['a']);
    t.queue.request('done', true);
    t.running.get('a')!.finish(fakeAnalysis([]));
    await settle();
    expect(t.started).toEqual(['a', 'done']);
  });

  it('analyses a heart-mode recording with the heart classifier', async () => {
    const t = setup([fakeRecording('h', { mode: 'heart' })]);
    t.queue.request('h');
    await settle();
    expect(t.started).toEqual(['heart:h']);
    expect(t.list.find('h')?.heartState?.status).toBe('done');
    expect(t.list.find('h')?.analysisState).toBeUndefined();
    expect(t.models.refreshStatus).toHaveBeenCalled();
  });

  it('keeps the message of a failed analysis and goes on with the next one', async () => {
    const t = setup([fakeRecording('a'), fakeRecording('b')]);
    t.queue.request('a');
    t.queue.request('b');
    await settle();
    t.running.get('a')!.fail(new Error('The model file is missing'));
    await settle();
    expect(t.list.find('a')?.analysisState).toEqual({ status: 'error', message: 'The model file is missing' });
    expect(t.started).toEqual(['a', 'b']);
  });

  it('skips a queued analysis of a recording that was closed', async () => {
    const t = setup([fakeRecording('a'), fakeRecording('b')]);
    t.queue.request('a');
    t.queue.request('b');
    await settle();
    t.list.remove('b');
    t.queue.forget('b');
    t.running.get('a')!.finish(fakeAnalysis([]));
    await settle();
    expect(t.started).toEqual(['a']);
  });

  it('shows progress at most ten times a second, and none after the result', async () => {
    const t = setup([fakeRecording('a')]);
    t.queue.request('a');
    await settle();
    const job = t.running.get('a')!;
    const progress = () => (t.list.find('a')?.analysisState as { progress?: AnalysisProgress }).progress?.message;
    expect(progress()).toBe('Starting');
    t.tick(150);
    job.progress({ stage: 'detecting', fraction: 0.2, message: 'Detecting 1/5' });
    t.tick(10);
    job.progress({ stage: 'detecting', fraction: 0.3, message: 'Detecting 2/5' });
    expect(progress()).toBe('Detecting 1/5');
    t.tick(150);
    job.progress({ stage: 'detecting', fraction: 0.4, message: 'Detecting 3/5' });
    expect(progress()).toBe('Detecting 3/5');
    job.finish(fakeAnalysis([]));
    await settle();
    t.tick(1000);
    job.progress({ stage: 'classifying', fraction: 0.9, message: 'late' });
    expect(state(t.list, 'a')).toBe('done');
  });

  it('classifies an annotation that arrived during the analysis once the analysis is done', async () => {
    const reference = { fileName: 'a.json', events: [{ start: 1, end: 2, label: 'Wheeze', confidence: 1 }] };
    const t = setup([fakeRecording('a', { reference })]);
    t.queue.request('a');
    await settle();
    t.running.get('a')!.finish(fakeAnalysis([]));
    await settle();
    expect(t.classify).toHaveBeenCalledTimes(1);
    expect(t.list.find('a')?.analysis?.reference).toEqual([{ label: 'Wheeze', confidence: 0.9, probs: classified('Wheeze').probs }]);
  });
});

describe('AnalysisQueue.reclassifyAll', () => {
  const events: AnalysedEvent[] = [event('ev-1', 1, 2, 'Normal'), event('ev-2', 3, 4, 'Rhonchi', { labelByClinician: true, confidence: 1 })];

  it('re-labels the events with another model; unedited, they become the model output', async () => {
    const t = setup([fakeRecording('a', { events, analysis: fakeAnalysis(events), analysisState: { status: 'done' } })]);
    await t.queue.reclassifyAll('a', 'cnn');
    const rec = t.list.find('a')!;
    expect(rec.events.map((e) => [e.label, e.model])).toEqual([
      ['Wheeze', 'ensemble'],
      // The clinician's label stays; the model's opinion is kept beside it.
      ['Rhonchi', 'ensemble'],
    ]);
    expect(rec.events[1].votes?.[0].label).toBe('Wheeze');
    expect(rec.analysis?.eventModel).toBe('cnn');
    expect(rec.analysis?.events).toBe(rec.events);
    expect(rec.analysisState).toEqual({ status: 'done' });
    expect(t.saved.at(-1)).toBe(rec);
  });

  it('keeps the model output of an edited recording for "undo all"', async () => {
    const original = [event('ev-1', 1, 2, 'Normal')];
    const t = setup([fakeRecording('a', { events, edited: true, analysis: fakeAnalysis(original), analysisState: { status: 'done' } })]);
    await t.queue.reclassifyAll('a', 'cnn');
    const rec = t.list.find('a')!;
    expect(rec.analysis?.events).toBe(original);
    expect(rec.events[0].label).toBe('Wheeze');
  });

  it('classifies the annotated events too, and says so when the classifier fails', async () => {
    const reference = { fileName: 'a.json', events: [{ start: 1, end: 2, label: 'Wheeze', confidence: 1 }] };
    const t = setup([fakeRecording('a', { events, reference, analysis: fakeAnalysis(events), analysisState: { status: 'done' } })]);
    await t.queue.reclassifyAll('a', 'cnn');
    expect(t.classify).toHaveBeenCalledTimes(2);
    expect(t.list.find('a')?.analysis?.reference).toHaveLength(1);

    t.classify.mockRejectedValueOnce(new Error('worker gone'));
    await t.queue.reclassifyAll('a', 'other');
    expect(t.list.find('a')?.analysisState).toEqual({ status: 'done' });
    expect(t.list.find('a')?.analysis?.eventModel).toBe('cnn');
    expect(t.notices).toEqual([['warning', 'The events could not be classified with other: worker gone']]);
  });

  it('does nothing for a recording never analysed', async () => {
    const t = setup([fakeRecording('a')]);
    await t.queue.reclassifyAll('a', 'cnn');
    expect(t.classify).not.toHaveBeenCalled();
    expect(t.list.find('a')?.analysisState).toBeUndefined();
  });
});
