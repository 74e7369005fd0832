// Start-up: microphone recordings kept in IndexedDB (storage/recordingChunks.ts) are opened again,
// above all the unfinished ones (the page was closed or crashed while recording). A session another
// tab is still recording is left alone; an empty one is deleted. A session that was stopped and
// analysed before the reload comes back with its results and edits from History.
import type { AudioClip, PreparedRecording } from '../../core/types';
import { newRecordingId, type LoadedRecording } from '../../core/recording';
import type { SessionMeta } from '../../storage/recordingChunks';
import type { HistoryEntry } from '../../storage/history';
import { formatDuration } from '../format';
import { messageOf, type Notify } from './notices';
import { micHistoryId } from './opening';

/** The session store as recovery uses it (storage/recordingChunks.ts). */
export interface SessionStore {
  listSessions: () => Promise<SessionMeta[]>;
  /** Sessions some open tab is still recording. */
  sessionsInUse: () => Promise<Set<string>>;
  readSessionSamples: (id: string) => Promise<Float32Array>;
  deleteSession: (id: string) => Promise<void>;
  markStopped: (id: string) => Promise<void>;
}

export interface RecoveryDeps {
  sessions: SessionStore;
  /** The History entry of a session, when it was saved (storage/history.ts `getEntry`). */
  savedEntry: (historyId: string) => Promise<HistoryEntry | undefined>;
  prepare: (clip: AudioClip) => Promise<PreparedRecording>;
  /** Opens the recording (and queues whatever analysis it still needs). */
  add: (rec: LoadedRecording) => LoadedRecording;
  notify: Notify;
}

export const RECOVERED_WARNING = 'Recovered after the page was closed during recording; the last second may be missing.';

/** A stored session as an open recording; `saved` brings back its results and edits. */
export function sessionRecording(s: SessionMeta, prepared: PreparedRecording, saved?: HistoryEntry): LoadedRecording {
  const unfinished = s.state === 'recording';
  return {
    id: newRecordingId(),
    name: s.name,
    source: unfinished ? 'recovered' : 'microphone',
    format: `Microphone (${s.deviceLabel})`,
    durationS: prepared.durationS,
    nativeRate: prepared.nativeRate,
    channels: 1,
    prepared,
    events: [],
    warnings: unfinished ? [RECOVERED_WARNING] : [],
    sessionId: s.id,
    historyId: micHistoryId(s.id),
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
  };
}

/** Opens every stored session no tab is recording; returns the recordings opened, oldest first. */
export async function recoverSessions(deps: RecoveryDeps): Promise<LoadedRecording[]> {
  const { sessions, notify } = deps;
  let stored: SessionMeta[];
  try {
    stored = await sessions.listSessions();
  } catch {
    return []; // no IndexedDB (private mode): nothing can have been saved either
  }
  const inUse = await sessions.sessionsInUse();
  const opened: LoadedRecording[] = [];
  for (const s of stored) {
    if (inUse.has(s.id)) continue;
    try {
      const samples = await sessions.readSessionSamples(s.id);
      if (samples.length === 0) {
        await sessions.deleteSession(s.id);
        continue;
      }
      const prepared = await deps.prepare({ samples, sampleRate: s.sampleRate });
      const unfinished = s.state === 'recording';
      // Its results and edits, if it was analysed before the reload (not for a recording cut short).
      const saved = unfinished ? undefined : await deps.savedEntry(micHistoryId(s.id)).catch(() => undefined);
      opened.push(deps.add(sessionRecording(s, prepared, saved)));
      if (unfinished) {
        await sessions.markStopped(s.id);
        notify(
          'info',
          `Recovered an unfinished recording: "${s.name}" (${formatDuration(prepared.durationS)}). The page was closed or crashed while it was recording; up to the last second may be missing.`,
        );
      }
    } catch (e) {
      notify('warning', `A stored recording ("${s.name}") could not be restored: ${messageOf(e)}`);
    }
  }
  return opened;
}
