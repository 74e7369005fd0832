// The open recordings as React state. What happens to them lives in plain modules under
// recordings/ (each tested in Node): the list itself (list.ts), opening files, microphone
// recordings and History entries (opening.ts), start-up recovery of microphone sessions
// (recovery.ts), the analysis queue and re-classification (analysisQueue.ts), the clinician's edits
// (edits.ts) and the lung / heart mode remembered per file name (modeMemory.ts). This hook only
// creates them once, hands them the current props, and renders what they change.
import { startTransition, useEffect, useRef, useState } from 'react';
import type { LoadedRecording } from '../core/recording';
import { getEntry, loadAudio, newHistoryId } from '../storage/history';
import { deleteSession, listSessions, markStopped, readSessionSamples, sessionsInUse } from '../storage/recordingChunks';
import { analyseHeart, analyseRecording, cancelRunning, classifySpans } from './analysis/jobs';
import type { ModelsState } from './analysis/useModels';
import type { HistoryState } from './history/useHistory';
import { AnalysisQueue } from './recordings/analysisQueue';
import { EventEditor } from './recordings/edits';
import { OpenRecordings } from './recordings/list';
import { rememberedMode, rememberMode, type Mode } from './recordings/modeMemory';
import { messageOf, withProblem, without, type FileProblem, type Notify } from './recordings/notices';
import { configuredLoadOptions, loadAudioFile, prepareRecorded } from './recordings/open';
import { Opener, type LoadingState } from './recordings/opening';
import { recoverSessions } from './recordings/recovery';

export type { FileProblem } from './recordings/notices';
export type { LoadingState } from './recordings/opening';

export interface RecordingsDeps {
  notify: Notify;
  models: Pick<ModelsState, 'resolveChoice' | 'refreshStatus'>;
  history: Pick<HistoryState, 'save'>;
}

export function useRecordings(props: RecordingsDeps) {
  const [recordings, setRecordings] = useState<readonly LoadedRecording[]>([]);
  const [selectedId, setSelectedId] = useState<string>();
  const [problems, setProblems] = useState<readonly FileProblem[]>([]);
  const [loading, setLoading] = useState<LoadingState>();
  // The modules live as long as the app; they reach the current props through this.
  const current = useRef(props);
  current.current = props;

  const [{ recover, ...actions }] = useState(() => {
    const notify: Notify = (severity, message) => current.current.notify(severity, message);
    const models = () => current.current.models;
    // Showing a recording mounts a large tree, and progress lines are not urgent: as transitions
    // React renders them in small slices.
    const select = (id: string | undefined) => startTransition(() => setSelectedId(id));
    const list = new OpenRecordings({
      onChange: (next) => startTransition(() => setRecordings(next)),
      save: (rec) => current.current.history.save(rec),
      modeFor: (name) => rememberedMode(name),
      newHistoryId,
    });
    const analysis = new AnalysisQueue({
      recordings: list,
      jobs: { analyseRecording, analyseHeart, classifySpans, cancelRunning: () => cancelRunning('analysis') },
      models,
      notify,
      deferred: startTransition,
    });
    const editor = new EventEditor({ recordings: list, classifySpans, models, notify });
    const opener = new Opener({
      recordings: list,
      loadFile: (file, onProgress) => loadAudioFile(file, configuredLoadOptions(), onProgress),
      prepareRecorded: (clip, onProgress) => prepareRecorded(clip, configuredLoadOptions(), onProgress),
      // What was opened once opens again, whatever the limits are now.
      loadSaved: async (entry) =>
        (await loadAudioFile(await loadAudio(entry.id), { ...configuredLoadOptions(), maxDurationS: Infinity, maxDecodedS: Infinity })).prepared,
      analysis,
      select,
      setLoading: (l) => startTransition(() => setLoading(l)),
      addProblem: (fileName, message) => setProblems((p) => withProblem(p, fileName, message)),
      notify,
    });

    const recover = () =>
      opener.enqueue(async () => {
        await recoverSessions({
          sessions: { listSessions, sessionsInUse, readSessionSamples, deleteSession, markStopped },
          savedEntry: getEntry,
          prepare: (clip) => prepareRecorded(clip, configuredLoadOptions()),
          add: (rec) => opener.add(rec),
          notify,
        });
        startTransition(() => setSelectedId((sel) => sel ?? list.all[0]?.id));
      });

    return {
      recover,
      select,
      remove: (id: string) => {
        const rec = list.remove(id);
        if (!rec) return;
        analysis.forget(id);
        const next = list.all;
        startTransition(() => setSelectedId((sel) => (sel === id ? next[0]?.id : sel)));
        if (rec.sessionId) deleteSession(rec.sessionId).catch((e: unknown) => notify('warning', `The stored copy could not be deleted: ${messageOf(e)}`));
      },
      openFiles: (files: readonly File[]) => opener.openFiles(files),
      addMicRecording: opener.addMicRecording.bind(opener),
      reopen: opener.reopen.bind(opener),
      /** History deleted this recording's entry: the open copy must not quietly save it again. */
      forgetHistory: (historyId: string) => {
        const rec = list.findByHistoryId(historyId);
        if (rec) list.update(rec.id, (r) => ({ ...r, historyId: undefined }));
      },
      setEvents: editor.setEvents.bind(editor),
      editEvents: editor.edit.bind(editor),
      revertEdits: editor.revert.bind(editor),
      reclassifyAll: analysis.reclassifyAll.bind(analysis),
      requestAnalysis: analysis.request.bind(analysis),
      cancelAnalysis: analysis.cancel.bind(analysis),
      /** Stops opening a long recording (read from its file in chunks). */
      cancelLoading: () => void cancelRunning('opening').catch(() => undefined),
      setMode: (id: string, mode: Mode) => {
        const rec = list.find(id);
        if (!rec || rec.mode === mode) return;
        rememberMode(rec.name, mode);
        list.update(id, (r) => ({ ...r, mode }), true);
        analysis.request(id);
      },
      dismissProblem: (id: string) => setProblems((p) => without(p, id)),
      pendingAnalyses: () => analysis.pending,
    };
  });

  // Start-up: bring back microphone recordings kept in IndexedDB, above all unfinished ones.
  const recovered = useRef(false);
  useEffect(() => {
    if (recovered.current) return;
    recovered.current = true;
    void recover();
  }, [recover]);

  return { ...actions, recordings, selected: recordings.find((r) => r.id === selectedId), loading, problems };
}
