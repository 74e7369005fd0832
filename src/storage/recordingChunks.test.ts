import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { appendChunk, beginSession, closeRecordingStore, deleteSession, listSessions, markStopped, readSessionSamples, type SessionMeta } from './recordingChunks';

const meta = (id: string, startedAt: number): SessionMeta => ({
  id,
  name: `Recording ${id}`,
  startedAt,
  sampleRate: 48000,
  deviceLabel: 'Test stethoscope',
  state: 'recording',
});

afterEach(async () => {
  for (const s of await listSessions()) await deleteSession(s.id);
  closeRecordingStore();
});

describe('recording chunk store', () => {
  it('gives back the chunks of a session in order, whatever order they landed in', async () => {
    await beginSession(meta('a', 1));
    await appendChunk('a', 1, new Float32Array([3, 4]));
    await appendChunk('a', 0, new Float32Array([1, 2]));
    await appendChunk('a', 2, new Float32Array([5]));
    expect(Array.from(await readSessionSamples('a'))).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps sessions apart and lists them oldest first with their state', async () => {
    await beginSession(meta('late', 20));
    await beginSession(meta('early', 10));
    await appendChunk('late', 0, new Float32Array([9]));
    await appendChunk('early', 0, new Float32Array([1]));
    await markStopped('early');
    const sessions = await listSessions();
    expect(sessions.map((s) => [s.id, s.state])).toEqual([
      ['early', 'stopped'],
      ['late', 'recording'],
    ]);
    expect(Array.from(await readSessionSamples('late'))).toEqual([9]);
  });

  it('deletes a session with all its chunks', async () => {
    await beginSession(meta('gone', 1));
    await appendChunk('gone', 0, new Float32Array(1000));
    await deleteSession('gone');
    expect(await listSessions()).toEqual([]);
    expect((await readSessionSamples('gone')).length).toBe(0);
  });
});
