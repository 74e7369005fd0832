// The list of open recordings and everything that adds to it: files, the microphone, and
// recordings recovered from IndexedDB at start-up. Files are processed one at a time so a
// drop of fifty files neither floods memory nor starves the UI thread.
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { baseName, isJsonFile, parseSprsoundAnnotation } from '../audio/annotations';
import { configuredLoadOptions, loadAudioFile, prepareClip } from '../audio/load';
import { newRecordingId, type LoadedRecording } from '../audio/recording';
import type { FinishedRecording } from '../audio/recorder';
import { deleteSession, listSessions, markStopped, readSessionSamples, sessionsInUse } from '../storage/recordingChunks';
import type { TimedEvent } from '../../workers/api';
import { formatDuration } from './format';

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
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let noticeCounter = 0;
function uid(prefix: string): string {
  noticeCounter += 1;
  return `${prefix}-${noticeCounter}`;
}

export function useRecordings() {
  const [recordings, setRecordings] = useState<LoadedRecording[]>([]);
  const [selectedId, setSelectedId] = useState<string>();
  const [problems, setProblems] = useState<FileProblem[]>([]);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [loading, setLoadingNow] = useState<LoadingState>();
  // The progress line is not urgent; rendering it must not delay showing a recording.
  const setLoading = useCallback((l: LoadingState | undefined) => startTransition(() => setLoadingNow(l)), []);
  // Async loaders need the current list (annotation matching), not the one of their closure.
  const listRef = useRef<LoadedRecording[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());

  // Showing a recording mounts a large tree; as a transition React renders it in small slices.
  const commit = useCallback((next: LoadedRecording[]) => {
    listRef.current = next;
    startTransition(() => setRecordings(next));
  }, []);
  const select = useCallback((id: string | undefined) => startTransition(() => setSelectedId(id)), []);

  const add = useCallback((rec: LoadedRecording) => commit([...listRef.current, rec]), [commit]);

  const notify = useCallback((severity: Notice['severity'], message: string) => {
    setNotices((n) => [...n, { id: uid('notice'), severity, message }]);
  }, []);

  const addProblem = useCallback((fileName: string, message: string) => {
    setProblems((p) => [...p, { id: uid('problem'), fileName, message }]);
  }, []);

  const enqueue = useCallback((job: () => Promise<void>) => {
    queue.current = queue.current.then(job).catch((e: unknown) => notify('error', `Unexpected error: ${messageOf(e)}`));
    return queue.current;
  }, [notify]);

  const openFiles = useCallback(
    (files: readonly File[]) =>
      enqueue(async () => {
        const audio = files.filter((f) => !isJsonFile(f));
        const annotations = files.filter(isJsonFile);
        let firstNew: string | undefined;
        for (let i = 0; i < audio.length; i++) {
          const file = audio[i];
          setLoading({ current: file.name, remaining: audio.length - i });
          try {
            const loaded = await loadAudioFile(file, configuredLoadOptions());
            const rec: LoadedRecording = {
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
            };
            add(rec);
            firstNew ??= rec.id;
          } catch (e) {
            addProblem(file.name, messageOf(e));
          }
        }
        setLoading(undefined);
        for (const file of annotations) {
          try {
            const annotation = parseSprsoundAnnotation(await file.text());
            const key = baseName(file.name);
            const target = listRef.current.find((r) => baseName(r.name) === key);
            if (!target) {
              addProblem(file.name, `No open recording is named "${key}"; open the recording first, or drop both files together.`);
              continue;
            }
            const label = annotation.recordLabel ? ` (record label: ${annotation.recordLabel})` : '';
            commit(
              listRef.current.map((r) =>
                r.id === target.id ? { ...r, events: annotation.events, eventsSource: `Annotation ${file.name}${label}` } : r,
              ),
            );
            firstNew ??= target.id;
          } catch (e) {
            addProblem(file.name, messageOf(e));
          }
        }
        if (firstNew) select(firstNew);
      }),
    [enqueue, add, addProblem, commit, select, setLoading],
  );

  const addMicRecording = useCallback(
    (finished: FinishedRecording) =>
      enqueue(async () => {
        setLoading({ current: finished.name, remaining: 1 });
        try {
          const prepared = await prepareClip({ samples: finished.samples, sampleRate: finished.sampleRate });
          const rec: LoadedRecording = {
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
          };
          add(rec);
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

  const remove = useCallback(
    (id: string) => {
      const rec = listRef.current.find((r) => r.id === id);
      if (!rec) return;
      const next = listRef.current.filter((r) => r.id !== id);
      commit(next);
      startTransition(() => setSelectedId((sel) => (sel === id ? next[0]?.id : sel)));
      if (rec.sessionId) {
        deleteSession(rec.sessionId).catch((e: unknown) => notify('warning', `The stored copy could not be deleted: ${messageOf(e)}`));
      }
    },
    [commit, notify],
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
          const prepared = await prepareClip({ samples, sampleRate: s.sampleRate });
          const unfinished = s.state === 'recording';
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

  /** Attaches timed events (e.g. model output) to a recording; the timeline redraws its regions. */
  const setEvents = useCallback(
    (id: string, events: TimedEvent[], source: string) =>
      commit(listRef.current.map((r) => (r.id === id ? { ...r, events, eventsSource: source } : r))),
    [commit],
  );

  const dismissProblem = useCallback((id: string) => setProblems((p) => p.filter((x) => x.id !== id)), []);
  const dismissNotice = useCallback((id: string) => setNotices((n) => n.filter((x) => x.id !== id)), []);

  return {
    recordings,
    selected: recordings.find((r) => r.id === selectedId),
    select,
    remove,
    openFiles,
    addMicRecording,
    setEvents,
    loading,
    problems,
    dismissProblem,
    notices,
    notify,
    dismissNotice,
  };
}
