import { describe, expect, it } from 'vitest';
import { fakeRecording, recordingList } from './fakes';

describe('OpenRecordings', () => {
  it('gives an added recording a History key and the mode remembered for its name', () => {
    const { list, renders } = recordingList((name) => (name === 'heart.wav' ? 'heart' : 'lung'));
    const a = list.add(fakeRecording('a'));
    const b = list.add(fakeRecording('b', { name: 'heart.wav' }));
    const c = list.add(fakeRecording('c', { historyId: 'kept', mode: 'lung', name: 'heart.wav' }));
    expect([a.historyId, b.historyId, c.historyId]).toEqual(['h-1', 'h-2', 'kept']);
    expect([a.mode, b.mode, c.mode]).toEqual(['lung', 'heart', 'lung']);
    expect(list.all.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(renders).toHaveLength(3);
  });

  it('changes one recording, immutably, and saves it only when asked', () => {
    const { list, saved, renders } = recordingList();
    list.add(fakeRecording('a'));
    list.add(fakeRecording('b'));
    const before = list.all;
    list.update('a', (r) => ({ ...r, name: 'renamed.wav' }));
    expect(saved).toHaveLength(0);
    expect(before[0].name).toBe('a.wav');
    expect(list.all[1]).toBe(before[1]);
    const changed = list.update('b', (r) => ({ ...r, edited: true }), true);
    expect(saved).toEqual([changed]);
    expect(list.find('b')?.edited).toBe(true);
    expect(list.update('missing', (r) => r, true)).toBeUndefined();
    expect(saved).toHaveLength(1);
    expect(renders).toHaveLength(4);
  });

  it('removes a recording and finds the others by id or History key', () => {
    const { list } = recordingList();
    list.add(fakeRecording('a'));
    list.add(fakeRecording('b', { historyId: 'mic-1' }));
    expect(list.findByHistoryId('mic-1')?.id).toBe('b');
    expect(list.remove('a')?.id).toBe('a');
    expect(list.remove('a')).toBeUndefined();
    expect(list.all.map((r) => r.id)).toEqual(['b']);
  });
});
