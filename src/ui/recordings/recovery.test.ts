import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioClip } from '../../core/types';
import type { LoadedRecording } from '../../core/recording';
import { closeHistoryStore, deleteEntry, getEntry, listEntries, saveEntry, type HistoryEntry } from '../../storage/history';
import { appendChunk, beginSession, closeRecordingStore, deleteSession, listSessions, markStopped, readSessionSamples, type SessionMeta } from '../../storage/recordingChunks';
import { event, fakeAnalysis, fakePrepared } from './fakes';
import type { Severity } from './notices';
import { RECOVERED_WARNING, recoverSessions, type SessionStore } from './recovery';

const session = (id: string, startedAt: number, state: SessionMeta['state'] = 'recording'): SessionMeta => ({
  id,
  name: `Recording ${id}`,
  startedAt,
  sampleRate: 4000,
  deviceLabel: 'Stethoscope',
  state,
});

function recover(opts: { inUse?: string[]; sessions?: Partial<SessionStore> } = {}) {
  const prepared: AudioClip[] = [];
  const added: LoadedRecording[] = [];
  const notices: [Severity, string][] = [];
  const run = recoverSessions({
    sessions: { listSessions, readSessionSamples, deleteSession, markStopped, sessionsInUse: async () => new Set(opts.inUse ?? []), ...opts.sessions },
    savedEntry: getEntry,
    prepare: async (clip) => {
      prepared.push(clip);
      return fakePrepared(clip.samples.length / clip.sampleRate, clip.sampleRate);
    },
    add: (rec) => {
      added.push(rec);
      return rec;
    },
    notify: (s, m) => notices.push([s, m]),
  });
  return { run, prepared, added, notices };
}

afterEach(async () => {
  for (const s of await listSessions()) await deleteSession(s.id);
  for (const e of await listEntries()) await deleteEntry(e.id);
  closeRecordingStore();
  closeHistoryStore();
});

describe('start-up recovery of microphone sessions', () => {
  it('brings back a recording cut short, from its chunks in order, and marks it stopped', async () => {
    await beginSession(session('cut', 1));
    await appendChunk('cut', 1, new Float32Array(2000).fill(0.5));
    await appendChunk('cut', 0, new Float32Array(4000).fill(0.25));
    const t = recover();
    const [rec] = await t.run;
    expect(t.prepared).toHaveLength(1);
    expect(t.prepared[0].sampleRate).toBe(4000);
    expect(t.prepared[0].samples.length).toBe(6000);
    expect([t.prepared[0].samples[0], t.prepared[0].samples[5999]]).toEqual([0.25, 0.5]);
    expect([rec.source, rec.name, rec.format, rec.sessionId, rec.historyId, rec.durationS]).toEqual([
      'recovered',
      'Recording cut',
      'Microphone (Stethoscope)',
      'cut',
      'mic-cut',
      1.5,
    ]);
    expect(rec.warnings).toEqual([RECOVERED_WARNING]);
    expect(rec.analysis).toBeUndefined();
    expect((await listSessions()).map((s) => s.state)).toEqual(['stopped']);
    expect(t.notices).toHaveLength(1);
    expect(t.notices[0][0]).toBe('info');
    expect(t.notices[0][1]).toContain('"Recording cut" (1.50 s)');
  });

  it('reopens a stopped session with the results and edits History kept for it', async () => {
    await beginSession(session('done', 1, 'stopped'));
    await appendChunk('done', 0, new Float32Array(8000));
    const events = [event('ev-1', 0.2, 0.9, 'Wheeze', { edited: true })];
    const entry: HistoryEntry = {
      id: 'mic-done',
      name: 'Recording done',
      source: 'microphone',
      format: 'Microphone (Stethoscope)',
      durationS: 2,
      nativeRate: 4000,
      channels: 1,
      createdAt: 1,
      savedAt: 1,
      events,
      edited: true,
      analysis: fakeAnalysis([event('ev-1', 0.2, 0.8, 'Normal')]),
      mode: 'heart',
      audioBytes: 4,
      warnings: [],
    };
    await saveEntry(entry, new Uint8Array([1, 2, 3, 4]).buffer);
    const t = recover();
    const [rec] = await t.run;
    expect([rec.source, rec.edited, rec.mode, rec.analysisState?.status]).toEqual(['microphone', true, 'heart', 'done']);
    expect(rec.events).toEqual(events);
    expect(rec.warnings).toEqual([]);
    expect(t.notices).toEqual([]);
  });

  it('leaves a session another tab is recording alone, deletes an empty one, and opens the others oldest first', async () => {
    await beginSession(session('live', 1));
    await appendChunk('live', 0, new Float32Array(100));
    await beginSession(session('empty', 2));
    await beginSession(session('late', 4, 'stopped'));
    await appendChunk('late', 0, new Float32Array(400));
    await beginSession(session('early', 3, 'stopped'));
    await appendChunk('early', 0, new Float32Array(400));
    const t = recover({ inUse: ['live'] });
    const opened = await t.run;
    expect(opened.map((r) => r.sessionId)).toEqual(['early', 'late']);
    expect((await listSessions()).map((s) => [s.id, s.state])).toEqual([
      ['live', 'recording'],
      ['early', 'stopped'],
      ['late', 'stopped'],
    ]);
  });

  it('says which stored recording could not be restored, and restores the rest', async () => {
    await beginSession(session('broken', 1));
    await appendChunk('broken', 0, new Float32Array(400));
    await beginSession(session('fine', 2, 'stopped'));
    await appendChunk('fine', 0, new Float32Array(400));
    const t = recover({ sessions: { readSessionSamples: async (id) => (id === 'broken' ? Promise.reject(new Error('chunk unreadable')) : readSessionSamples(id)) } });
    const opened = await t.run;
    expect(opened.map((r) => r.sessionId)).toEqual(['fine']);
    expect(t.notices).toEqual([['warning', 'A stored recording ("Recording broken") could not be restored: chunk unreadable']]);
  });

  it('opens nothing, quietly, without IndexedDB', async () => {
    const t = recover({ sessions: { listSessions: () => Promise.reject(new Error('IndexedDB is not available')) } });
    expect(await t.run).toEqual([]);
    expect(t.notices).toEqual([]);
  });
});
