// The list of open recordings, outside React: the opening, analysis and edit modules change it
// through here, so each change reads the current list (not the one a callback closed over) and the
// hook only renders what `onChange` hands it.
import type { LoadedRecording } from '../../core/recording';
import type { Mode } from './modeMemory';

export interface OpenRecordingsDeps {
  /** The list after every change, to render. */
  onChange: (list: readonly LoadedRecording[]) => void;
  /** Saves a recording to History (after its results and after every edit). */
  save: (rec: LoadedRecording) => void;
  /** The mode of a recording added without one (the one remembered for its name). */
  modeFor: (name: string) => Mode;
  newHistoryId: () => string;
}

export type Change = (rec: LoadedRecording) => LoadedRecording;

export class OpenRecordings {
  private list: readonly LoadedRecording[] = [];

  constructor(private readonly deps: OpenRecordingsDeps) {}

  get all(): readonly LoadedRecording[] {
    return this.list;
  }

  find(id: string): LoadedRecording | undefined {
    return this.list.find((r) => r.id === id);
  }

  findByHistoryId(historyId: string): LoadedRecording | undefined {
    return this.list.find((r) => r.historyId === historyId);
  }

  /** Appends a recording, with a History key and a mode when it has none yet. */
  add(rec: LoadedRecording): LoadedRecording {
    const added: LoadedRecording = { ...rec, historyId: rec.historyId ?? this.deps.newHistoryId(), mode: rec.mode ?? this.deps.modeFor(rec.name) };
    this.commit([...this.list, added]);
    return added;
  }

  /** Changes one recording; `persist` saves it to History afterwards (results and edits). */
  update(id: string, change: Change, persist = false): LoadedRecording | undefined {
    let changed: LoadedRecording | undefined;
    const next = this.list.map((r) => {
      if (r.id !== id) return r;
      changed = change(r);
      return changed;
    });
    if (!changed) return undefined;
    this.commit(next);
    if (persist) this.deps.save(changed);
    return changed;
  }

  /** Takes a recording out of the list; returns it, or undefined when it was not open. */
  remove(id: string): LoadedRecording | undefined {
    const removed = this.find(id);
    if (removed) this.commit(this.list.filter((r) => r.id !== id));
    return removed;
  }

  private commit(next: readonly LoadedRecording[]): void {
    this.list = next;
    this.deps.onChange(next);
  }
}
