// The clinician's edits to a recording's events: every edit is saved to History and marks the
// recording edited; events whose boundaries moved (or that were added) are then classified again
// by the recording's event model, keeping a label the clinician chose; "undo all" goes back to the
// model's own events. The event-list operations themselves are in analysis/events.ts.
import type { AnalysedEvent, TimedEvent } from '../../core/types';
import type { LoadedRecording } from '../../core/recording';
import { applyClassification, withIds } from '../../analysis/events';
import type { AnalysisJobs, AnalysisModels, Classification } from './analysisQueue';
import type { OpenRecordings } from './list';
import { messageOf, type Notify } from './notices';

export type EventEdit = (events: AnalysedEvent[]) => AnalysedEvent[];

export function withEdit(rec: LoadedRecording, edit: EventEdit): LoadedRecording {
  return { ...rec, events: edit(rec.events), edited: true };
}

/** Back to the model's own events; a recording never analysed has nothing to go back to. */
export function withoutEdits(rec: LoadedRecording): LoadedRecording {
  return rec.analysis ? { ...rec, events: rec.analysis.events, edited: false } : rec;
}

/**
 * The classifications of `targets` (as they were sent) applied to the recording's events. An event
 * whose boundaries moved again meanwhile, or that was deleted, keeps what it has: a later
 * re-classification answers for it.
 */
export function withClassified(rec: LoadedRecording, targets: readonly AnalysedEvent[], results: readonly Classification[]): LoadedRecording {
  let events = rec.events;
  targets.forEach((t, i) => {
    const now = events.find((e) => e.id === t.id);
    if (now && now.start === t.start && now.end === t.end) events = applyClassification(events, t.id, results[i], true, rec.analysis?.verdict);
  });
  return { ...rec, events };
}

export interface EventEditorDeps {
  recordings: OpenRecordings;
  classifySpans: AnalysisJobs['classifySpans'];
  models: () => Pick<AnalysisModels, 'resolveChoice'>;
  notify: Notify;
}

export class EventEditor {
  constructor(private readonly deps: EventEditorDeps) {}

  /** Attaches timed events (e.g. model output) to a recording; the timeline redraws its regions. */
  setEvents(id: string, events: readonly TimedEvent[], source: string): void {
    this.deps.recordings.update(id, (r) => ({ ...r, events: withIds(events), eventsSource: source }));
  }

  /** Applies an edit; the events in `reclassify` (new or moved boundaries) are then classified again. */
  async edit(id: string, edit: EventEdit, reclassify: readonly string[] = []): Promise<void> {
    const { recordings } = this.deps;
    const rec = recordings.update(id, (r) => withEdit(r, edit), true);
    if (!rec || !reclassify.length) return;
    const targets = rec.events.filter((e) => reclassify.includes(e.id));
    if (!targets.length) return;
    const model = rec.analysis?.eventModel ?? (await this.deps.models().resolveChoice());
    try {
      const { items } = await this.deps.classifySpans(rec, targets, model);
      recordings.update(id, (r) => withClassified(r, targets, items), true);
    } catch (e) {
      this.deps.notify('warning', `The edited event could not be re-classified: ${messageOf(e)}`);
    }
  }

  /** Undo all: back to the model's own events (the edits are dropped). */
  revert(id: string): void {
    this.deps.recordings.update(id, withoutEdits, true);
  }
}
