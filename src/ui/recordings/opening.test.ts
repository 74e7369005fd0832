import { describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from '../../storage/history';
import { deferred, event, fakeAnalysis, fakePrepared, fakeRecording, recordingList, settle } from './fakes';
import type { Severity } from './notices';
import type { LoadedAudio } from './open';
import { Opener, splitDrop, type LoadingState } from './opening';

const annotation = (events: { start: number; end: number; type: string }[], record = 'CAS') =>
  JSON.stringify({ record_annotation: record, event_annotation: events.map((e) => ({ start: String(e.start * 1000), end: String(e.end * 1000), type: e.type })) });

const wav = (name: string) => new File([new Uint8Array(100)], name, { type: 'audio/wav' });
const json = (name: string, text: string) => new File([text], name, { type: 'application/json' });

function setup(loadFile?: (file: File) => Promise<LoadedAudio>) {
  const { list } = recordingList();
  const selected: string[] = [];
  const loading: (LoadingState | undefined)[] = [];
  const problems: [string, string][] = [];
  const notices: [Severity, string][] = [];
  const requested: string[] = [];
  const classifyReference = vi.fn(async () => undefined);
  const opener = new Opener({
    recordings: list,
    loadFile:
      loadFile ??
      (async (file) => {
        if (file.name.startsWith('bad')) throw new Error('This is not an audio file Auscult can open.');
        return { channels: 2, format: 'WAV pcm16', warnings: [], prepared: fakePrepared(12) };
      }),
    prepareRecorded: async (clip) => fakePrepared(clip.samples.length / clip.sampleRate),
    loadSaved: async (entry) => fakePrepared(entry.durationS),
    analysis: { request: (id) => requested.push(id), classifyReference },
    select: (id) => selected.push(id),
    setLoading: (l) => loading.push(l),
    addProblem: (fileName, message) => problems.push([fileName, message]),
    notify: (s, m) => notices.push([s, m]),
  });
  return { list, opener, selected, loading, problems, notices, requested, classifyReference };
}

describe('splitDrop', () => {
  it('separates the audio from the annotations, keyed by the recording they belong to', () => {
    const { audio, annotations } = splitDrop([wav('a.wav'), json('a.json', '{}'), wav('b.flac'), json('c.json', '{}')]);
    expect(audio.map((f) => f.name)).toEqual(['a.wav', 'b.flac']);
    expect([...annotations.keys()]).toEqual(['a', 'c']);
  });
});

describe('Opener', () => {
  it('opens a drop in order, shows the first at once, and attaches the annotation dropped with it', async () => {
    const t = setup();
    await t.opener.openFiles([wav('a.wav'), json('a.json', annotation([{ start: 1, end: 2, type: 'Wheeze' }])), wav('b.wav')]);
    const [a, b] = t.list.all;
    expect(t.list.all.map((r) => r.name)).toEqual(['a.wav', 'b.wav']);
    expect(t.selected).toEqual([a.id]);
    expect(t.requested).toEqual([a.id, b.id]);
    expect(a.reference).toEqual({ fileName: 'a.json', recordLabel: 'CAS', events: [{ start: 1, end: 2, label: 'Wheeze', confidence: 1 }] });
    expect(a.eventsSource).toBe('Annotation a.json (record label: CAS)');
    expect([a.source, a.format, a.channels, a.durationS]).toEqual(['file', 'WAV pcm16', 2, 12]);
    expect(t.loading).toEqual([{ current: 'a.wav', remaining: 2 }, { current: 'b.wav', remaining: 1 }, undefined]);
    expect(t.problems).toEqual([]);
  });

  it('names every file it cannot open and opens the rest', async () => {
    const t = setup();
    await t.opener.openFiles([wav('bad.wav'), wav('good.wav'), json('good.json', 'not json')]);
    expect(t.list.all.map((r) => r.name)).toEqual(['good.wav']);
    expect(t.list.all[0].reference).toBeUndefined();
    expect(t.problems.map(([f]) => f)).toEqual(['bad.wav', 'good.json']);
    expect(t.problems[0][1]).toBe('This is not an audio file Auscult can open.');
  });

  it('attaches an annotation dropped alone to the open recording of its name, and shows it', async () => {
    const t = setup();
    const analysed = t.list.add(
      fakeRecording('x', { name: 'rec.wav', analysis: fakeAnalysis([], { reference: [{ label: 'Normal', confidence: 1, probs: [] }] }) }),
    );
    await t.opener.openFiles([json('rec.json', annotation([{ start: 0, end: 1, type: 'Fine Crackle' }])), json('other.json', annotation([]))]);
    const rec = t.list.find(analysed.id)!;
    expect(rec.reference?.events.map((e) => e.label)).toEqual(['Fine Crackle']);
    // The old annotation's classifications are dropped and the new one's asked for.
    expect(rec.analysis?.reference).toBeUndefined();
    expect(t.classifyReference).toHaveBeenCalledWith(analysed.id);
    expect(t.selected).toEqual([analysed.id]);
    expect(t.problems).toEqual([['other.json', 'No open recording is named "other"; open the recording first, or drop both files together.']]);
  });

  it('opens one drop after the other, never two at once', async () => {
    const waiting: ReturnType<typeof deferred<LoadedAudio>>[] = [];
    const started: string[] = [];
    const t = setup((file) => {
      started.push(file.name);
      const d = deferred<LoadedAudio>();
      waiting.push(d);
      return d.promise;
    });
    const first = t.opener.openFiles([wav('a.wav')]);
    const second = t.opener.openFiles([wav('b.wav')]);
    await settle();
    expect(started).toEqual(['a.wav']);
    waiting[0].resolve({ channels: 1, format: 'WAV', warnings: [], prepared: fakePrepared() });
    await first;
    await settle();
    expect(started).toEqual(['a.wav', 'b.wav']);
    waiting[1].resolve({ channels: 1, format: 'WAV', warnings: [], prepared: fakePrepared() });
    await second;
    expect(t.list.all.map((r) => r.name)).toEqual(['a.wav', 'b.wav']);
  });

  it('opens a microphone recording under its session’s History entry', async () => {
    const t = setup();
    await t.opener.addMicRecording({
      sessionId: 's1',
      name: 'Recording 1',
      samples: new Float32Array(16000),
      sampleRate: 8000,
      deviceLabel: 'Stethoscope',
      storageWarning: 'Storage is full: this recording exists only in memory.',
    });
    const [rec] = t.list.all;
    expect([rec.source, rec.format, rec.historyId, rec.sessionId, rec.durationS]).toEqual(['microphone', 'Microphone (Stethoscope)', 'mic-s1', 's1', 2]);
    expect(rec.warnings).toEqual(['Storage is full: this recording exists only in memory.']);
    expect(t.notices).toEqual([['warning', 'Storage is full: this recording exists only in memory.']]);
    expect(t.selected).toEqual([rec.id]);
    expect(t.requested).toEqual([rec.id]);
  });

  it('reopens a History entry as it was saved, or shows it when it is open already', async () => {
    const t = setup();
    const events = [event('ev-1', 1, 2, 'Wheeze', { edited: true })];
    const entry: HistoryEntry = {
      id: 'h-9',
      name: 'old.wav',
      source: 'file',
      format: 'FLAC',
      durationS: 7,
      nativeRate: 4000,
      channels: 1,
      createdAt: 1,
      savedAt: 2,
      events,
      edited: true,
      analysis: fakeAnalysis([event('ev-1', 1, 2, 'Normal')]),
      mode: 'lung',
      audioBytes: 10,
      warnings: [],
    };
    await t.opener.reopen(entry);
    const [rec] = t.list.all;
    expect([rec.historyId, rec.name, rec.format, rec.edited, rec.analysisState?.status, rec.durationS]).toEqual(['h-9', 'old.wav', 'FLAC', true, 'done', 7]);
    expect(rec.events).toBe(events);
    await t.opener.reopen(entry);
    expect(t.list.all).toHaveLength(1);
    expect(t.selected).toEqual([rec.id, rec.id]);
  });

  it('reports an unexpected failure of a job and goes on with the next', async () => {
    const t = setup();
    await t.opener.enqueue(async () => {
      throw new Error('boom');
    });
    await t.opener.openFiles([wav('a.wav')]);
    expect(t.notices).toEqual([['error', 'Unexpected error: boom']]);
    expect(t.list.all).toHaveLength(1);
  });
});
