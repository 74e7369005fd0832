// The local history as the UI sees it: the list of saved recordings, the storage they use, and a
// debounced save that follows every analysis and every edit. A failed save (e.g. the quota) is
// reported once per recording, clearly, and never touches what is already stored.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LoadedRecording } from '../../core/recording';
import { deleteEntry, isQuotaError, listEntries, saveEntry, storageEstimate, type HistoryEntry, type StorageUse } from '../../storage/history';

const SAVE_DELAY_MS = 400;

export function entryFromRecording(rec: LoadedRecording, historyId: string, createdAt: number): HistoryEntry {
  return {
    id: historyId,
    name: rec.name,
    source: rec.source,
    format: rec.format,
    durationS: rec.durationS,
    nativeRate: rec.nativeRate,
    channels: rec.channels,
    createdAt,
    savedAt: Date.now(),
    events: rec.events,
    edited: Boolean(rec.edited),
    analysis: rec.analysis,
    reference: rec.reference,
    mode: rec.mode ?? 'lung',
    heart: rec.heart,
    audioBytes: rec.prepared.playback.size,
    warnings: rec.warnings,
  };
}

export interface HistoryState {
  entries: HistoryEntry[];
  storage: StorageUse | null;
  /** False when IndexedDB is unavailable (e.g. a private window that forbids it). */
  available: boolean;
  /** Saves the recording soon (edits come in bursts while dragging). */
  save: (rec: LoadedRecording) => void;
  remove: (id: string) => Promise<void>;
  refresh: () => Promise<void>;
  /** Why the last save of a recording failed, by history id. */
  failures: Record<string, string>;
}

export function useHistory(notify: (severity: 'error' | 'warning' | 'info', message: string) => void): HistoryState {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [storage, setStorage] = useState<StorageUse | null>(null);
  const [available, setAvailable] = useState(true);
  const [failures, setFailures] = useState<Record<string, string>>({});
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const created = useRef(new Map<string, number>());
  const failing = useRef(new Set<string>());
  // Saves run one after another so an older snapshot never overwrites a newer one.
  const chain = useRef<Promise<void>>(Promise.resolve());

  const refresh = useCallback(async () => {
    try {
      const list = await listEntries();
      setEntries(list);
      for (const e of list) if (!created.current.has(e.id)) created.current.set(e.id, e.createdAt);
      setAvailable(true);
    } catch {
      setAvailable(false);
    }
    setStorage(await storageEstimate());
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const save = useCallback(
    (rec: LoadedRecording) => {
      const id = rec.historyId;
      if (!id) return;
      const pending = timers.current.get(id);
      if (pending) clearTimeout(pending);
      timers.current.set(
        id,
        setTimeout(() => {
          timers.current.delete(id);
          if (!created.current.has(id)) created.current.set(id, Date.now());
          const entry = entryFromRecording(rec, id, created.current.get(id)!);
          chain.current = chain.current.then(async () => {
            try {
              await saveEntry(entry, rec.prepared.playback);
              if (failing.current.delete(id)) setFailures((f) => Object.fromEntries(Object.entries(f).filter(([k]) => k !== id)));
              await refresh();
            } catch (e) {
              const message = e instanceof Error ? e.message : String(e);
              setFailures((f) => ({ ...f, [id]: message }));
              // One message per recording until a save succeeds again, not one per drag step.
              if (!failing.current.has(id)) {
                failing.current.add(id);
                notify('error', isQuotaError(e) ? message : `“${rec.name}” could not be saved to History: ${message}`);
              }
              setStorage(await storageEstimate());
            }
          });
        }, SAVE_DELAY_MS),
      );
    },
    [notify, refresh],
  );

  const remove = useCallback(
    async (id: string) => {
      try {
        await deleteEntry(id);
      } catch (e) {
        notify('error', `The recording could not be deleted from History: ${e instanceof Error ? e.message : String(e)}`);
      }
      await refresh();
    },
    [notify, refresh],
  );

  return useMemo(() => ({ entries, storage, available, save, remove, refresh, failures }), [entries, storage, available, save, remove, refresh, failures]);
}
