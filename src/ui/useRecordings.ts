// The list of open recordings and everything that adds to or changes it: files, the microphone,
// recordings recovered from IndexedDB at start-up or reopened from History, the analyses that run
// on each (one at a time, in the worker) and the clinician's edits. Files are processed one at a
// time so a drop of fifty files neither floods memory nor starves the UI thread.
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import type { AnalysedEvent, AnalysisProgress, RecordingAnalysis, TimedEvent } from '../core/types';
import { applyClassification, withIds } from '../analysis/events';
import { SerialQueue } from '../analysis/queue';
import { baseName, isJsonFile, parseSprsoundAnnotation } from '../audio/annotations';
import { configuredLoadOptions, loadAudioFile, prepareRecorded } from './recordings/open';
import { newRecordingId, type AnalysisState, type LoadedRecording } from '../core/recording';
import type { FinishedRecording } from '../audio/recorder';
import { getEntry, loadAudio, newHistoryId, type HistoryEntry } from '../storage/history';
import { deleteSession, listSessions, markStopped, readSessionSamples, sessionsInUse } from '../storage/recordingChunks';
import { isCancellation } from '../core/steps';
import { analyseHeart, analyseRecording, cancelRunning, classifySpans } from './analysis/jobs';
import type { ModelsState } from './analysis/useModels';
import { formatDuration } from './format';
import type { HistoryState } from './history/useHistory';
import { EVENT_NAMES } from '../core/labels';

export interface FileProblem {
  id: string;
  fileName: string;
  message: string;
}

export interface Notice {
  id: string;
  severity: 'info' | 'success' | 'warning' | 'error';
  message: string;
}

export interface LoadingState {
  current: string;
  remaining: number;
  /** 0..1 while a long recording is read from its file (which can be cancelled). */
  fraction?: number;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let noticeCounter = 0;
function uid(prefix: string): string {
  noticeCounter += 1;
  return `${prefix}-${noticeCounter}`;
}

/** Heart or lung mode is remembered per file name, so reopening the same file keeps it. */
const MODE_SETTING = 'auscult.modeByName';

function rememberedMode(name: string): 'lung' | 'heart' {
  try {
    const map = JSON.parse(localStorage.getItem(MODE_SETTING) ?? '{}') as Record<string, string>;
    return map[name] === 'heart' ? 'heart' : 'lung';
  } catch {
    return 'lung';
  }
}

function rememberMode(name: string, mode: 'lung' | 'heart'): void {
  try {
    const map = JSON.parse(localStorage.getItem(MODE_SETTING) ?? '{}') as Record<string, string>;
    if (mode === 'heart') map[name] = 'heart';
    else delete map[name];
    localStorage.setItem(MODE_SETTING, JSON.stringify(map));
  } catch {
    // storage disabled: remembered for this visit only (the recording keeps its mode)
  }
}

/** App-level messages; separate so History and the models can report through them too. */
export function useNotices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback((severity: Notice['severity'], message: string) => {
    setNotices((n) => (n.some((x) => x.message === message) ? n : [...n, { id: uid('notice'), severity, message }]));
  }, []);
  const dismissNotice = useCallback((id: string) => setNotices((n) => n.filter((x) => x.id !== id)), []);
  return { notices, notify, dismissNotice };
}

export interface RecordingsDeps {
  notify: (severity: Notice['severity'], message: string) => void;
  models: Pick<ModelsState, 'resolveChoice' | 'refreshStatus'>;
  history: Pick<HistoryState, 'save'>;
}

export function useRecordings({ notify, models, history }: RecordingsDeps) {
  const [recordings, setRecordings] = useState<LoadedRecording[]>([]);
  const [selectedId, setSelectedId] = useState<string>();
  const [problems, setProblems] = useState<FileProblem[]>([]);
  const [loading, setLoadingNow] = useState<LoadingState>();
  // The progress line is not urgent; rendering it must not delay showing a recording.
  const setLoading = useCallback((l: LoadingState | undefined) => startTransition(() => setLoadingNow(l)), []);
  // Async loaders need the current list (annotation matching), not the one of their closure.
  const listRef = useRef<LoadedRecording[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const analyses = useRef(new SerialQueue());
  const deps = useRef({ models, history });
  deps.current = { models, history };

  // Showing a recording mounts a large tree; as a transition React renders it in small slices.
  const commit = useCallback((next: LoadedRecording[]) => {
    listRef.current = next;
    startTransition(() => setRecordings(next));
  }, []);
  const select = useCallback((id: string | undefined) => startTransition(() => setSelectedId(id)), []);

  const find = (id: string) => listRef.current.find((r) => r.id === id);

  /** Changes one recording; `persist` saves it to History afterwards (results and edits). */
  const update = useCallback(
    (id: string, change: (r: LoadedRecording) => LoadedRecording, persist = false) => {
      let changed: LoadedRecording | undefined;
      commit(
        listRef.current.map((r) => {
          if (r.id !== id) return r;
          changed = change(r);
          return changed;
        }),
      );
      if (persist && changed) deps.current.history.save(changed);
    },
    [commit],
  );

  const addProblem = useCallback((fileName: string, message: string) => {
    setProblems((p) => [...p, { id: uid('problem'), fileName, message }]);
  }, []);

  const enqueue = useCallback(
    (job: () => Promise<void>) => {
      queue.current = queue.current.then(job).catch((e: unknown) => notify('error', `Unexpected error: ${messageOf(e)}`));
      return queue.current;
    },
    [notify],
  );

  // ------------------------------------------------------------------ analysis

  /** The annotated events, classified by the event models (for Tasks 1-1 / 1-2), when still missing. */
  const classifyReference = useCallback(
    async (id: string) => {
      const rec = find(id);
      if (!rec?.reference || !rec.analysis || rec.analysis.reference?.length === rec.reference.events.length) return;
      try {
        const refs = withIds(rec.reference.events, 'ref');
        const { items } = await classifySpans(rec, refs, rec.analysis.eventModel);
        update(id, (r) => (r.analysis ? { ...r, analysis: { ...r.analysis, reference: items.map(asReference) } } : r), true);
      } catch (e) {
        notify('warning', `The annotated events of “${rec.name}” could not be classified: ${messageOf(e)}`);
      }
    },
    [update, notify],
  );

  const runLung = useCallback(
    async (id: string) => {
      const rec = find(id);
      if (!rec) return;
      const model = await deps.current.models.resolveChoice();
      let last = 0;
      // Progress comes through its own message port, so a late message may arrive after the result.
      let finished = false;
      const onProgress = (progress: AnalysisProgress) => {
        // Progress is not urgent, and never worth more than ~10 renders a second.
        const now = performance.now();
        if (finished || (now - last < 100 && progress.stage !== 'done')) return;
        last = now;
        startTransition(() =>
          update(id, (r) =>
            r.analysisState?.status === 'running' || r.analysisState?.status === 'queued' ? { ...r, analysisState: { status: 'running', progress } } : r,
          ),
        );
      };
      onProgress({ stage: 'models', fraction: 0, message: 'Starting' });
      let analysis: RecordingAnalysis;
      try {
        analysis = await analyseRecording(rec, model, onProgress);
        finished = true;
      } catch (e) {
        finished = true;
        update(id, (r) => ({ ...r, analysisState: isCancellation(e) ? { status: 'cancelled' } : { status: 'error', message: messageOf(e) } }));
        deps.current.models.refreshStatus();
        return;
      }
      update(id, (r) => ({ ...r, analysis, events: analysis.events, edited: false, analysisState: { status: 'done' } }), true);
      deps.current.models.refreshStatus();
      // An annotation dropped while the analysis ran is classified now.
      await classifyReference(id);
    },
    [update, classifyReference],
  );

  const runHeart = useCallback(
    async (id: string) => {
      const rec = find(id);
      if (!rec) return;
      update(id, (r) => ({ ...r, heartState: { status: 'running', progress: { stage: 'classifying', fraction: 0.3, message: 'Classifying heart sounds' } } }));
      try {
        const heart = await analyseHeart(rec);
        update(id, (r) => ({ ...r, heart, heartState: { status: 'done' } }), true);
      } catch (e) {
        update(id, (r) => ({ ...r, heartState: { status: 'error', message: messageOf(e) } }));
      }
      deps.current.models.refreshStatus();
    },
    [update],
  );

  /** Queues the analysis the recording's mode needs (lung: detector + events; heart: classifier + rate). */
  const requestAnalysis = useCallback(
    (id: string, force = false) => {
      const rec = find(id);
      if (!rec) return;
      const heart = rec.mode === 'heart';
      if (!force && (heart ? rec.heart || rec.heartState?.status === 'queued' : rec.analysis || rec.analysisState?.status === 'queued')) return;
      const queued: AnalysisState = { status: 'queued' };
      update(id, (r) => (heart ? { ...r, heartState: queued } : { ...r, analysisState: queued }));
      void analyses.current.push(id, () => (heart ? runHeart(id) : runLung(id)), (e) => notify('error', `Analysis failed: ${messageOf(e)}`));
    },
    [update, runHeart, runLung, notify],
  );

  /** Stops a recording's analysis: skipped if still queued, stopped between two chunks if running. */
  const cancelAnalysis = useCallback(
    (id: string) => {
      const state = find(id)?.analysisState;
      if (state?.status === 'queued') {
        analyses.current.cancel(id);
        update(id, (r) => ({ ...r, analysisState: { status: 'cancelled' } }));
      } else if (state?.status === 'running') {
        void cancelRunning('analysis').catch((e: unknown) => notify('warning', `The analysis could not be cancelled: ${messageOf(e)}`));
      }
    },
    [update, notify],
  );

  const add = useCallback(
    (rec: LoadedRecording, analyse = true) => {
      const withHistory: LoadedRecording = { ...rec, historyId: rec.historyId ?? newHistoryId(), mode: rec.mode ?? rememberedMode(rec.name) };
      commit([...listRef.current, withHistory]);
      // Analysis starts at once: the clinician should not have to ask for it.
      if (analyse) requestAnalysis(withHistory.id);
      return withHistory;
    },
    [commit, requestAnalysis],
  );

  // ------------------------------------------------------------------ opening

  const attachReference = useCallback(
    async (file: File): Promise<string | undefined> => {
      const annotation = parseSprsoundAnnotation(await file.text());
      const key = baseName(file.name);
      const target = listRef.current.find((r) => baseName(r.name) === key);
      if (!target) {
        addProblem(file.name, `No open recording is named "${key}"; open the recording first, or drop both files together.`);
        return undefined;
      }
      update(
        target.id,
        (r) => ({
          ...r,
          reference: { fileName: file.name, recordLabel: annotation.recordLabel, events: annotation.events },
          // A new annotation replaces the old one's classifications.
          analysis: r.analysis ? { ...r.analysis, reference: undefined } : r.analysis,
          eventsSource: `Annotation ${file.name}${annotation.recordLabel ? ` (record label: ${annotation.recordLabel})` : ''}`,
        }),
        true,
      );
      void classifyReference(target.id);
      return target.id;
    },
    [addProblem, update, classifyReference],
  );

  const openFiles = useCallback(
    (files: readonly File[]) =>
      enqueue(async () => {
        const audio = files.filter((f) => !isJsonFile(f));
        const annotations = files.filter(isJsonFile);
        const byBase = new Map(annotations.map((f) => [baseName(f.name), f]));
        let firstNew: string | undefined;
        let shown = false;
        for (let i = 0; i < audio.length; i++) {
          const file = audio[i];
          setLoading({ current: file.name, remaining: audio.length - i });
          try {
            let last = 0;
            const onProgress = (fraction: number) => {
              const now = performance.now();
              if (now - last < 100 && fraction < 1) return;
              last = now;
              setLoading({ current: file.name, remaining: audio.length - i, fraction });
            };
            const loaded = await loadAudioFile(file, configuredLoadOptions(), onProgress);
            // The annotation dropped with its recording is attached before the analysis starts,
            // so the annotated events are classified in the same pass.
            const json = byBase.get(baseName(file.name));
            let reference: LoadedRecording['reference'];
            if (json) {
              try {
                const a = parseSprsoundAnnotation(await json.text());
                reference = { fileName: json.name, recordLabel: a.recordLabel, events: a.events };
                byBase.delete(baseName(file.name));
              } catch (e) {
                addProblem(json.name, messageOf(e));
                byBase.delete(baseName(file.name));
              }
            }
            const rec = add({
              id: newRecordingId(),
              name: file.name,
              source: 'file',
              format: loaded.format,
              durationS: loaded.prepared.durationS,
              nativeRate: loaded.prepared.nativeRate,
              channels: loaded.channels,
              prepared: loaded.prepared,
              events: [],
              warnings: loaded.warnings,
              reference,
              eventsSource: reference ? `Annotation ${reference.fileName}${reference.recordLabel ? ` (record label: ${reference.recordLabel})` : ''}` : undefined,
            });
            // The first recording of a drop is shown at once, not after the whole drop is opened
            // (opening long files takes seconds each).
            if (!firstNew) select(rec.id);
            firstNew ??= rec.id;
            shown = true;
          } catch (e) {
            addProblem(file.name, messageOf(e));
          }
        }
        setLoading(undefined);
        for (const file of byBase.values()) {
          try {
            const target = await attachReference(file);
            firstNew ??= target;
          } catch (e) {
            addProblem(file.name, messageOf(e));
          }
        }
        // No new recording opened (only annotations, or only bad files): show the one annotated.
        if (firstNew && !shown) select(firstNew);
      }),
    [enqueue, add, addProblem, select, setLoading, attachReference],
  );

  const addMicRecording = useCallback(
    (finished: FinishedRecording) =>
      enqueue(async () => {
        setLoading({ current: finished.name, remaining: 1 });
        try {
          const prepared = await prepareRecorded({ samples: finished.samples, sampleRate: finished.sampleRate }, configuredLoadOptions(), (fraction) =>
            setLoading({ current: finished.name, remaining: 1, fraction }),
          );
          const rec = add({
            id: newRecordingId(),
            name: finished.name,
            source: 'microphone',
            format: `Microphone (${finished.deviceLabel})`,
            durationS: prepared.durationS,
            nativeRate: prepared.nativeRate,
            channels: 1,
            prepared,
            events: [],
            warnings: finished.storageWarning ? [finished.storageWarning] : [],
            sessionId: finished.sessionId,
            // One history entry per microphone session, also when it is recovered after a reload.
            historyId: finished.sessionId ? `mic-${finished.sessionId}` : undefined,
          });
          select(rec.id);
          // An interruption is already shown in the recorder panel, where the clinician is looking.
          if (finished.storageWarning) notify('warning', finished.storageWarning);
        } catch (e) {
          addProblem(finished.name, messageOf(e));
        } finally {
          setLoading(undefined);
        }
      }),
    [enqueue, add, addProblem, notify, select, setLoading],
  );

  /** Opens a History entry as it was saved (results and edits), without analysing it again. */
  const reopen = useCallback(
    (entry: HistoryEntry) =>
      enqueue(async () => {
        const open = listRef.current.find((r) => r.historyId === entry.id);
        if (open) {
          select(open.id);
          return;
        }
        setLoading({ current: entry.name, remaining: 1 });
        try {
          const audio = await loadAudio(entry.id);
          // What was opened once opens again, whatever the limits are now.
          const { prepared } = await loadAudioFile(audio, { ...configuredLoadOptions(), maxDurationS: Infinity, maxDecodedS: Infinity });
          const rec = add(
            {
              id: newRecordingId(),
              name: entry.name,
              source: entry.source,
              format: entry.format,
              durationS: prepared.durationS,
              nativeRate: prepared.nativeRate,
              channels: entry.channels,
              prepared,
              events: entry.events,
              warnings: entry.warnings,
              reference: entry.reference,
              eventsSource: entry.reference ? `Annotation ${entry.reference.fileName}` : undefined,
              analysis: entry.analysis,
              analysisState: entry.analysis ? { status: 'done' } : undefined,
              heart: entry.heart,
              heartState: entry.heart ? { status: 'done' } : undefined,
              mode: entry.mode,
              edited: entry.edited,
              historyId: entry.id,
            },
            false,
          );
          select(rec.id);
          // Only what was never finished is analysed (e.g. saved while it was still running).
          requestAnalysis(rec.id);
        } catch (e) {
          addProblem(entry.name, `Could not reopen it from History: ${messageOf(e)}`);
        } finally {
          setLoading(undefined);
        }
      }),
    [enqueue, add, select, setLoading, requestAnalysis, addProblem],
  );

  const remove = useCallback(
    (id: string) => {
      const rec = listRef.current.find((r) => r.id === id);
      if (!rec) return;
      analyses.current.cancel(id);
      const next = listRef.current.filter((r) => r.id !== id);
      commit(next);
      startTransition(() => setSelectedId((sel) => (sel === id ? next[0]?.id : sel)));
      if (rec.sessionId) {
        deleteSession(rec.sessionId).catch((e: unknown) => notify('warning', `The stored copy could not be deleted: ${messageOf(e)}`));
      }
    },
    [commit, notify],
  );

  /** History deleted this recording's entry: the open copy must not quietly save it again. */
  const forgetHistory = useCallback(
    (historyId: string) => {
      const rec = listRef.current.find((r) => r.historyId === historyId);
      if (rec) update(rec.id, (r) => ({ ...r, historyId: undefined }));
    },
    [update],
  );

  // Start-up: bring back microphone recordings kept in IndexedDB, above all unfinished ones.
  const recovered = useRef(false);
  useEffect(() => {
    if (recovered.current) return;
    recovered.current = true;
    void enqueue(async () => {
      let sessions;
      try {
        sessions = await listSessions();
      } catch {
        return; // no IndexedDB (private mode): nothing can have been saved either
      }
      const inUse = await sessionsInUse();
      for (const s of sessions) {
        if (inUse.has(s.id)) continue;
        try {
          const samples = await readSessionSamples(s.id);
          if (samples.length === 0) {
            await deleteSession(s.id);
            continue;
          }
          const prepared = await prepareRecorded({ samples, sampleRate: s.sampleRate }, configuredLoadOptions());
          const unfinished = s.state === 'recording';
          // Its results and edits, if it was analysed before the reload (not for a recording cut short).
          const saved = unfinished ? undefined : await getEntry(`mic-${s.id}`).catch(() => undefined);
          add({
            id: newRecordingId(),
            name: s.name,
            source: unfinished ? 'recovered' : 'microphone',
            format: `Microphone (${s.deviceLabel})`,
            durationS: prepared.durationS,
            nativeRate: prepared.nativeRate,
            channels: 1,
            prepared,
            events: [],
            warnings: unfinished ? ['Recovered after the page was closed during recording; the last second may be missing.'] : [],
            sessionId: s.id,
            // One history entry per microphone session, however often it is recovered.
            historyId: `mic-${s.id}`,
            ...(saved && {
              events: saved.events,
              analysis: saved.analysis,
              analysisState: saved.analysis ? { status: 'done' as const } : undefined,
              heart: saved.heart,
              heartState: saved.heart ? { status: 'done' as const } : undefined,
              mode: saved.mode,
              edited: saved.edited,
              reference: saved.reference,
            }),
          });
          if (unfinished) {
            await markStopped(s.id);
            notify(
              'info',
              `Recovered an unfinished recording: "${s.name}" (${formatDuration(prepared.durationS)}). The page was closed or crashed while it was recording; up to the last second may be missing.`,
            );
          }
        } catch (e) {
          notify('warning', `A stored recording ("${s.name}") could not be restored: ${messageOf(e)}`);
        }
      }
      startTransition(() => setSelectedId((sel) => sel ?? listRef.current[0]?.id));
    });
  }, [enqueue, add, notify]);

  // ------------------------------------------------------------------ edits

  /** Attaches timed events (e.g. model output) to a recording; the timeline redraws its regions. */
  const setEvents = useCallback(
    (id: string, events: TimedEvent[], source: string) => update(id, (r) => ({ ...r, events: withIds(events), eventsSource: source })),
    [update],
  );

  /**
   * Applies an edit; events in `reclassify` (new or moved boundaries) are then classified again by
   * the recording's event model, keeping a label the clinician chose.
   */
  const editEvents = useCallback(
    async (id: string, edit: (events: AnalysedEvent[]) => AnalysedEvent[], reclassify: string[] = []) => {
      update(id, (r) => ({ ...r, events: edit(r.events), edited: true }), true);
      if (!reclassify.length) return;
      const rec = find(id);
      if (!rec) return;
      const targets = rec.events.filter((e) => reclassify.includes(e.id));
      const model = rec.analysis?.eventModel ?? (await deps.current.models.resolveChoice());
      try {
        const results = (await classifySpans(rec, targets, model)).items;
        update(
          id,
          (r) => {
            let events = r.events;
            targets.forEach((t, i) => {
              // Boundaries may have moved again meanwhile; only a still-matching event takes the result.
              const now = events.find((e) => e.id === t.id);
              if (now && now.start === t.start && now.end === t.end) events = applyClassification(events, t.id, results[i], true);
            });
            return { ...r, events };
          },
          true,
        );
      } catch (e) {
        notify('warning', `The edited event could not be re-classified: ${messageOf(e)}`);
      }
    },
    [update, notify],
  );

  /** Back to the model's own events (the edits are dropped). */
  const revertEdits = useCallback(
    (id: string) => update(id, (r) => (r.analysis ? { ...r, events: r.analysis.events, edited: false } : r), true),
    [update],
  );

  /** Another event model: the current events (edited or not) and the annotated ones are classified again. */
  const reclassifyAll = useCallback(
    async (id: string, model: string) => {
      const rec = find(id);
      if (!rec?.analysis) return;
      update(id, (r) => ({ ...r, analysisState: { status: 'running', progress: { stage: 'classifying', fraction: 0.5, message: `Classifying the events with ${model}` } } }));
      try {
        const { items: results, decisions } = await classifySpans(rec, rec.events, model);
        const refs = rec.reference ? (await classifySpans(rec, withIds(rec.reference.events, 'ref'), model)).items : [];
        update(
          id,
          (r) => {
            if (!r.analysis) return r;
            let events = r.events;
            rec.events.forEach((e, i) => {
              events = applyClassification(events, e.id, results[i], true);
            });
            const eventModels = [...new Set(results.flatMap((x) => x.votes.map((v) => v.modelId)))];
            const analysis: RecordingAnalysis = {
              ...r.analysis,
              eventModel: model,
              eventModels: eventModels.length ? eventModels : r.analysis.eventModels,
              // Unedited, the model's output is exactly the re-classified events.
              events: r.edited ? r.analysis.events : events,
              reference: rec.reference ? refs.map(asReference) : r.analysis.reference,
              decisions: decisions ?? r.analysis.decisions,
            };
            return { ...r, events, analysis, analysisState: { status: 'done' } };
          },
          true,
        );
      } catch (e) {
        update(id, (r) => ({ ...r, analysisState: { status: 'done' } }));
        notify('warning', `The events could not be classified with ${model}: ${messageOf(e)}`);
      }
      deps.current.models.refreshStatus();
    },
    [update, notify],
  );

  const setMode = useCallback(
    (id: string, mode: 'lung' | 'heart') => {
      const rec = find(id);
      if (!rec || rec.mode === mode) return;
      rememberMode(rec.name, mode);
      update(id, (r) => ({ ...r, mode }), true);
      requestAnalysis(id);
    },
    [update, requestAnalysis],
  );

  const dismissProblem = useCallback((id: string) => setProblems((p) => p.filter((x) => x.id !== id)), []);

  return {
    recordings,
    selected: recordings.find((r) => r.id === selectedId),
    select,
    remove,
    openFiles,
    addMicRecording,
    reopen,
    forgetHistory,
    setEvents,
    editEvents,
    revertEdits,
    reclassifyAll,
    requestAnalysis,
    cancelAnalysis,
    /** Stops opening a long recording (read from its file in chunks). */
    cancelLoading: () => void cancelRunning('opening').catch(() => undefined),
    setMode,
    loading,
    problems,
    dismissProblem,
    pendingAnalyses: () => analyses.current.pending,
  };
}

/** A classified annotated event, as the dataset metrics keep it. */
function asReference(c: { probs: number[]; label: string }) {
  return { label: c.label, confidence: c.probs[EVENT_NAMES.indexOf(c.label)] ?? 0, probs: c.probs };
}
