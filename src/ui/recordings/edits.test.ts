import { describe, expect, it, vi } from 'vitest';
import { addEvent, deleteEvent, relabelEvent, resizeEvent } from '../../analysis/events';
import type { AnalysisJobs } from './analysisQueue';
import { EventEditor, withoutEdits } from './edits';
import { classified, deferred, event, fakeAnalysis, fakeRecording, recordingList } from './fakes';
import type { Severity } from './notices';

function setup(classify: AnalysisJobs['classifySpans'] = async (_r, events) => ({ items: events.map(() => classified('Wheeze')) })) {
  const model = [event('ev-1', 1, 2, 'Normal'), event('ev-2', 3, 4, 'Rhonchi')];
  const { list, saved } = recordingList();
  list.add(fakeRecording('a', { events: model, analysis: fakeAnalysis(model, { eventModel: 'cnn' }), analysisState: { status: 'done' } }));
  const notices: [Severity, string][] = [];
  const spy = vi.fn(classify);
  const editor = new EventEditor({ recordings: list, classifySpans: spy, models: () => ({ resolveChoice: async () => 'ensemble' }), notify: (s, m) => notices.push([s, m]) });
  return { list, saved, editor, notices, classify: spy, model };
}

describe('EventEditor', () => {
  it('applies an edit, marks the recording edited and saves it, without re-classifying a delete', async () => {
    const t = setup();
    await t.editor.edit('a', (events) => deleteEvent(events, 'ev-1'));
    const rec = t.list.find('a')!;
    expect(rec.events.map((e) => e.id)).toEqual(['ev-2']);
    expect(rec.edited).toBe(true);
    expect(t.saved.at(-1)).toBe(rec);
    expect(t.classify).not.toHaveBeenCalled();
    // The model's own output is untouched.
    expect(rec.analysis?.events.map((e) => e.id)).toEqual(['ev-1', 'ev-2']);
  });

  it('re-classifies a moved event with the recording’s event model', async () => {
    const t = setup();
    await t.editor.edit('a', (events) => resizeEvent(events, 'ev-1', 0.5, 2.5, 10), ['ev-1']);
    expect(t.classify).toHaveBeenCalledWith(expect.anything(), [expect.objectContaining({ id: 'ev-1', start: 0.5, end: 2.5 })], 'cnn');
    const ev = t.list.find('a')!.events.find((e) => e.id === 'ev-1')!;
    expect([ev.label, ev.start, ev.end, ev.edited]).toEqual(['Wheeze', 0.5, 2.5, true]);
    expect(t.saved.at(-1)?.events.find((e) => e.id === 'ev-1')?.label).toBe('Wheeze');
  });

  it('keeps a label the clinician chose when the event is re-classified', async () => {
    const t = setup();
    await t.editor.edit('a', (events) => relabelEvent(events, 'ev-2', 'Stridor'));
    await t.editor.edit('a', (events) => resizeEvent(events, 'ev-2', 3, 5, 10), ['ev-2']);
    const ev = t.list.find('a')!.events.find((e) => e.id === 'ev-2')!;
    expect(ev.label).toBe('Stridor');
    expect(ev.labelByClinician).toBe(true);
    expect(ev.votes?.[0].label).toBe('Wheeze');
  });

  it('drops a classification that arrives after the event was moved again or deleted', async () => {
    const answers: ReturnType<typeof deferred<{ items: ReturnType<typeof classified>[] }>>[] = [];
    const t = setup(() => {
      const d = deferred<{ items: ReturnType<typeof classified>[] }>();
      answers.push(d);
      return d.promise;
    });
    const first = t.editor.edit('a', (events) => resizeEvent(events, 'ev-1', 0.5, 2, 10), ['ev-1']);
    await Promise.resolve();
    await Promise.resolve();
    const second = t.editor.edit('a', (events) => resizeEvent(events, 'ev-1', 0.7, 2, 10), ['ev-1']);
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[0].resolve({ items: [classified('Stridor')] }); // for 0.5–2: stale
    await first;
    expect(t.list.find('a')!.events.find((e) => e.id === 'ev-1')!.label).toBe('Normal');
    answers[1].resolve({ items: [classified('Wheeze')] });
    await second;
    expect(t.list.find('a')!.events.find((e) => e.id === 'ev-1')!.label).toBe('Wheeze');
  });

  it('uses the chosen model for a recording never analysed, and says so when classifying fails', async () => {
    const t = setup(async () => {
      throw new Error('worker gone');
    });
    t.list.add(fakeRecording('b'));
    const added = { id: '' };
    await t.editor.edit(
      'b',
      (events) => {
        const r = addEvent(events, 1, 10);
        added.id = r.id;
        return r.events;
      },
      [],
    );
    await t.editor.edit('b', (events) => resizeEvent(events, added.id, 1, 1.5, 10), [added.id]);
    expect(t.classify).toHaveBeenCalledWith(expect.anything(), expect.any(Array), 'ensemble');
    expect(t.notices).toEqual([['warning', 'The edited event could not be re-classified: worker gone']]);
    expect(t.list.find('b')!.events).toHaveLength(1);
  });

  it('undo all: back to the model’s events, not edited, saved', async () => {
    const t = setup();
    await t.editor.edit('a', (events) => deleteEvent(events, 'ev-1'));
    await t.editor.edit('a', (events) => relabelEvent(events, 'ev-2', 'Wheeze'));
    t.editor.revert('a');
    const rec = t.list.find('a')!;
    expect(rec.events).toBe(t.model);
    expect(rec.edited).toBe(false);
    expect(t.saved.at(-1)).toBe(rec);
    // Nothing to go back to without an analysis.
    const plain = fakeRecording('p', { events: [event('x', 0, 1)], edited: true });
    expect(withoutEdits(plain)).toBe(plain);
  });

  it('attaches timed events with ids and their source', () => {
    const t = setup();
    t.editor.setEvents('a', [{ start: 0, end: 1, label: 'Wheeze', confidence: 1 }], 'Annotation a.json');
    const rec = t.list.find('a')!;
    expect(rec.events).toEqual([{ id: 'ev-1', start: 0, end: 1, label: 'Wheeze', confidence: 1 }]);
    expect(rec.eventsSource).toBe('Annotation a.json');
  });
});
