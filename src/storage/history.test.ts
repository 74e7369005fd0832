import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHistoryStore, deleteEntry, getEntry, HistoryQuotaError, listEntries, loadAudio, saveEntry, type HistoryEntry } from './history';

const entry = (id: string, savedAt: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  name: `${id}.wav`,
  source: 'file',
  format: 'WAV pcm16',
  durationS: 1,
  nativeRate: 8000,
  channels: 1,
  createdAt: savedAt,
  savedAt,
  events: [{ id: 'ev-1', start: 0.1, end: 0.6, label: 'Wheeze', confidence: 0.8 }],
  edited: false,
  mode: 'lung',
  audioBytes: 4,
  warnings: [],
  ...extra,
});

afterEach(async () => {
  for (const e of await listEntries()) await deleteEntry(e.id);
  closeHistoryStore();
});

describe('history store', () => {
  it('keeps entries with their audio, newest first, and deletes both', async () => {
    await saveEntry(entry('a', 1), new Uint8Array([1, 2, 3, 4]).buffer);
    await saveEntry(entry('b', 2), new Uint8Array([5, 6]).buffer);
    expect((await listEntries()).map((e) => e.id)).toEqual(['b', 'a']);
    expect(new Uint8Array(await (await loadAudio('a')).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    await deleteEntry('a');
    expect((await listEntries()).map((e) => e.id)).toEqual(['b']);
    await expect(loadAudio('a')).rejects.toThrow(/missing/);
  });

  it('updates edits without rewriting the audio', async () => {
    await saveEntry(entry('a', 1), new Uint8Array([1, 2, 3, 4]).buffer);
    const edited = entry('a', 5, { edited: true, events: [{ id: 'ev-1', start: 0.2, end: 0.9, label: 'Fine Crackle', confidence: 1, labelByClinician: true }] });
    await saveEntry(edited, new Uint8Array([9]).buffer);
    const back = await getEntry('a');
    expect(back?.edited).toBe(true);
    expect(back?.events[0]).toMatchObject({ start: 0.2, end: 0.9, label: 'Fine Crackle' });
    expect(new Uint8Array(await (await loadAudio('a')).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('rolls a write back as a whole when the quota is exceeded, and says so clearly', async () => {
    await saveEntry(entry('kept', 1), new Uint8Array([1]).buffer);
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'audio') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      const err = await saveEntry(entry('big', 2), new Uint8Array(16).buffer).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HistoryQuotaError);
      expect(String((err as Error).message)).toMatch(/storage .* is full.*Nothing already in History was lost/);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect((await listEntries()).map((e) => e.id)).toEqual(['kept']);
    expect(new Uint8Array(await (await loadAudio('kept')).arrayBuffer())).toEqual(new Uint8Array([1]));
  });
});
