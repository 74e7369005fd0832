// Microphone recordings are written to IndexedDB in ~0.5 s chunks while they are made, so a
// reload, a crash or a dead battery loses at most the last second. A session stays stored until
// the clinician removes the recording from the list; unfinished sessions are recovered at start-up.
import { done, openDatabase, request } from './idb';

export type SessionState = 'recording' | 'stopped';

export interface SessionMeta {
  id: string;
  name: string;
  /** ms since the epoch */
  startedAt: number;
  sampleRate: number;
  deviceLabel: string;
  state: SessionState;
}

interface ChunkRow {
  sessionId: string;
  seq: number;
  samples: Float32Array;
}

const DB_NAME = 'auscult';
const DB_VERSION = 1;
const SESSIONS = 'recordingSessions';
const CHUNKS = 'recordingChunks';

let dbPromise: Promise<IDBDatabase> | undefined;

function openDb(): Promise<IDBDatabase> {
  dbPromise ??= openDatabase(DB_NAME, DB_VERSION, 'The recording store', (db) => {
    if (!db.objectStoreNames.contains(SESSIONS)) db.createObjectStore(SESSIONS, { keyPath: 'id' });
    if (!db.objectStoreNames.contains(CHUNKS)) db.createObjectStore(CHUNKS, { keyPath: ['sessionId', 'seq'] });
  });
  dbPromise.catch(() => {
    dbPromise = undefined;
  });
  return dbPromise;
}

function chunkRange(sessionId: string): IDBKeyRange {
  return IDBKeyRange.bound([sessionId, 0], [sessionId, Number.MAX_SAFE_INTEGER]);
}

export async function beginSession(meta: SessionMeta): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(SESSIONS, 'readwrite');
  tx.objectStore(SESSIONS).put(meta);
  await done(tx);
}

export async function appendChunk(sessionId: string, seq: number, samples: Float32Array): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(CHUNKS, 'readwrite');
  const row: ChunkRow = { sessionId, seq, samples };
  tx.objectStore(CHUNKS).put(row);
  await done(tx);
}

export async function markStopped(sessionId: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(SESSIONS, 'readwrite');
  const store = tx.objectStore(SESSIONS);
  const meta = await request<SessionMeta | undefined>(store.get(sessionId));
  if (meta) store.put({ ...meta, state: 'stopped' satisfies SessionState });
  await done(tx);
}

export async function listSessions(): Promise<SessionMeta[]> {
  const db = await openDb();
  const tx = db.transaction(SESSIONS, 'readonly');
  const all = await request<SessionMeta[]>(tx.objectStore(SESSIONS).getAll());
  return all.sort((a, b) => a.startedAt - b.startedAt);
}

/** All samples of a session, in order; a missing chunk (a write lost in a crash) is skipped. */
export async function readSessionSamples(sessionId: string): Promise<Float32Array> {
  const db = await openDb();
  const tx = db.transaction(CHUNKS, 'readonly');
  const rows = await request<ChunkRow[]>(tx.objectStore(CHUNKS).getAll(chunkRange(sessionId)));
  const total = rows.reduce((n, r) => n + r.samples.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const r of rows) {
    out.set(r.samples, offset);
    offset += r.samples.length;
  }
  return out;
}

export async function deleteSession(sessionId: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction([SESSIONS, CHUNKS], 'readwrite');
  tx.objectStore(SESSIONS).delete(sessionId);
  tx.objectStore(CHUNKS).delete(chunkRange(sessionId));
  await done(tx);
}

/** Test hook: forget the cached connection (e.g. after the fake IndexedDB is replaced). */
export function closeRecordingStore(): void {
  void dbPromise?.then((db) => db.close());
  dbPromise = undefined;
}

/** Web Lock held by the tab that is recording a session, so another tab's start-up does not "recover" it. */
export function sessionLockName(sessionId: string): string {
  return `auscult-recording-${sessionId}`;
}

/** Sessions some open tab is still recording. */
export async function sessionsInUse(): Promise<Set<string>> {
  const held = await navigator.locks?.query?.().catch(() => undefined);
  const prefix = sessionLockName('');
  const ids = (held?.held ?? []).flatMap((l) => (l.name?.startsWith(prefix) ? [l.name.slice(prefix.length)] : []));
  return new Set(ids);
}
