// The local history: every analysed recording, its results and the clinician's edits, kept in
// IndexedDB on this device only (nothing leaves it). A separate database from the microphone chunks
// (recordingChunks.ts), so neither module's schema version can block the other.
//
// Two stores: `entries` (small: name, results, edits; listed at start-up) and `audio` (the recording
// as 16-bit WAV, read only when an entry is reopened). An entry and its audio are written in one
// transaction: when the quota is exceeded the whole write is rolled back, and everything saved
// earlier stays exactly as it was.
import { done, openDatabase, request } from './idb';
import type { AnalysedEvent, HeartAnalysis, RecordingAnalysis } from '../core/types';
import type { RecordingInfo, RecordingReference } from '../core/recording';

export interface HistoryEntry extends RecordingInfo {
  /** ms since the epoch */
  createdAt: number;
  savedAt: number;
  events: AnalysedEvent[];
  edited: boolean;
  analysis?: RecordingAnalysis;
  reference?: RecordingReference;
  mode: 'lung' | 'heart';
  heart?: HeartAnalysis;
  /** Bytes of the stored audio. */
  audioBytes: number;
  warnings: string[];
}

interface AudioRow {
  id: string;
  /** A Blob (kept by the browser on disk, not in memory); entries of earlier versions hold an ArrayBuffer. */
  wav: Blob | ArrayBuffer;
}

const DB_NAME = 'auscult-history';
const DB_VERSION = 1;
const ENTRIES = 'entries';
const AUDIO = 'audio';

/** The browser refused to store more: the message says what to do, and that nothing was lost. */
export class HistoryQuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryQuotaError';
  }
}

export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || name === 'HistoryQuotaError';
}

let dbPromise: Promise<IDBDatabase> | undefined;

function openDb(): Promise<IDBDatabase> {
  dbPromise ??= openDatabase(DB_NAME, DB_VERSION, 'The history database', (db) => {
    if (!db.objectStoreNames.contains(ENTRIES)) db.createObjectStore(ENTRIES, { keyPath: 'id' });
    if (!db.objectStoreNames.contains(AUDIO)) db.createObjectStore(AUDIO, { keyPath: 'id' });
  });
  dbPromise.catch(() => {
    dbPromise = undefined;
  });
  return dbPromise;
}

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

async function quotaMessage(name: string): Promise<string> {
  const est = await storageEstimate();
  const use = est ? ` (${megabytes(est.usage)} of ${megabytes(est.quota)} in use)` : '';
  return `“${name}” could not be saved to History: this browser's storage for Auscult is full${use}. Delete recordings from History to make room. Nothing already in History was lost, and the recording stays open.`;
}

/**
 * Saves (or updates) an entry. `wav` is only written if the entry has no audio yet, so saving an
 * edit does not copy the recording again.
 */
export async function saveEntry(entry: HistoryEntry, wav?: Blob | ArrayBuffer): Promise<void> {
  const db = await openDb();
  let syncError: unknown;
  try {
    const tx = db.transaction([ENTRIES, AUDIO], 'readwrite');
    const finished = done(tx);
    tx.objectStore(ENTRIES).put(entry);
    if (wav) {
      const audio = tx.objectStore(AUDIO);
      const has = audio.getKey(entry.id);
      has.onsuccess = () => {
        if (has.result !== undefined) return;
        try {
          audio.put({ id: entry.id, wav } satisfies AudioRow);
        } catch (e) {
          // A synchronous failure (e.g. quota) must roll the entry back too.
          syncError = e;
          tx.abort();
        }
      };
    }
    await finished.catch((e: unknown) => {
      throw syncError ?? e;
    });
  } catch (e) {
    if (isQuotaError(e)) throw new HistoryQuotaError(await quotaMessage(entry.name));
    throw e;
  }
}

/** All entries, newest first. */
export async function listEntries(): Promise<HistoryEntry[]> {
  const db = await openDb();
  const tx = db.transaction(ENTRIES, 'readonly');
  const all = await request<HistoryEntry[]>(tx.objectStore(ENTRIES).getAll());
  return all.sort((a, b) => b.savedAt - a.savedAt);
}

export async function getEntry(id: string): Promise<HistoryEntry | undefined> {
  const db = await openDb();
  return request<HistoryEntry | undefined>(db.transaction(ENTRIES, 'readonly').objectStore(ENTRIES).get(id));
}

export async function loadAudio(id: string): Promise<Blob> {
  const db = await openDb();
  const row = await request<AudioRow | undefined>(db.transaction(AUDIO, 'readonly').objectStore(AUDIO).get(id));
  if (!row) throw new Error('The stored audio of this recording is missing (it may have been cleared by the browser).');
  return row.wav instanceof Blob ? row.wav : new Blob([row.wav], { type: 'audio/wav' });
}

export async function deleteEntry(id: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction([ENTRIES, AUDIO], 'readwrite');
  tx.objectStore(ENTRIES).delete(id);
  tx.objectStore(AUDIO).delete(id);
  await done(tx);
}

export interface StorageUse {
  usage: number;
  quota: number;
}

export async function storageEstimate(): Promise<StorageUse | null> {
  try {
    const est = await navigator.storage?.estimate?.();
    if (!est || est.usage === undefined || est.quota === undefined) return null;
    return { usage: est.usage, quota: est.quota };
  } catch {
    return null;
  }
}

/** Test hook: forget the cached connection. */
export function closeHistoryStore(): void {
  void dbPromise?.then((db) => db.close());
  dbPromise = undefined;
}

export function newHistoryId(): string {
  const rnd = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `h-${rnd}`;
}
