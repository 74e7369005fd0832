// Files, microphone recordings and History entries → open recordings. Everything is opened one
// job at a time (a drop of fifty files neither floods memory nor starves the UI thread); the first
// recording of a drop is shown at once. Decoding and preparing come in as dependencies (open.ts in
// the app, fakes in tests).
import type { AudioClip, PreparedRecording } from '../../core/types';
import { newRecordingId, type LoadedRecording, type RecordingReference } from '../../core/recording';
import { baseName, isJsonFile, parseSprsoundAnnotation } from '../../audio/annotations';
import type { FinishedRecording } from '../../audio/recorder';
import type { HistoryEntry } from '../../storage/history';
import type { LoadedAudio } from './open';
import type { OpenRecordings } from './list';
import { messageOf, type Notify } from './notices';

export interface LoadingState {
  current: string;
  remaining: number;
  /** 0..1 while a long recording is read from its file (which can be cancelled). */
  fraction?: number;
}

/** One History entry per microphone session, however often it is recovered. */
export function micHistoryId(sessionId: string): string {
  return `mic-${sessionId}`;
}

/** A drop: the audio files in order, and the annotations by the base name of their recording. */
export function splitDrop(files: readonly File[]): { audio: File[]; annotations: Map<string, File> } {
  return {
    audio: files.filter((f) => !isJsonFile(f)),
    annotations: new Map(files.filter(isJsonFile).map((f) => [baseName(f.name), f])),
  };
}

export async function readReference(file: Blob & { name: string }): Promise<RecordingReference> {
  const a = parseSprsoundAnnotation(await file.text());
  return { fileName: file.name, recordLabel: a.recordLabel, events: a.events };
}

/** Where the events shown next to the legend came from. */
export function referenceSource(ref: RecordingReference): string {
  return `Annotation ${ref.fileName}${ref.recordLabel ? ` (record label: ${ref.recordLabel})` : ''}`;
}

/** The recording with a new annotation; it replaces the old one's classifications. */
export function withReference(r: LoadedRecording, reference: RecordingReference): LoadedRecording {
  return {
    ...r,
    reference,
    analysis: r.analysis ? { ...r.analysis, reference: undefined } : r.analysis,
    eventsSource: referenceSource(reference),
  };
}

export function fileRecording(name: string, loaded: LoadedAudio, reference?: RecordingReference): LoadedRecording {
  return {
    id: newRecordingId(),
    name,
    source: 'file',
    format: loaded.format,
    durationS: loaded.prepared.durationS,
    nativeRate: loaded.prepared.nativeRate,
    channels: loaded.channels,
    prepared: loaded.prepared,
    events: [],
    warnings: loaded.warnings,
    reference,
    eventsSource: reference ? referenceSource(reference) : undefined,
  };
}

export function micRecording(finished: FinishedRecording, prepared: PreparedRecording): LoadedRecording {
  return {
    id: newRecordingId(),
    name: finished.name,
    source: 'microphone',
    format: `Microphone (${finished.deviceLabel})`,
    durationS: prepared.durationS,
    nativeRate: prepared.nativeRate,
    channels: 1,
    prepared,
    events: [],
    warnings: finished.storageWarning ? [finished.storageWarning] : [],
    sessionId: finished.sessionId,
    historyId: finished.sessionId ? micHistoryId(finished.sessionId) : undefined,
  };
}

/** A History entry as it was saved: results, edits and mode. */
export function savedRecording(entry: HistoryEntry, prepared: PreparedRecording): LoadedRecording {
  return {
    id: newRecordingId(),
    name: entry.name,
    source: entry.source,
    format: entry.format,
    durationS: prepared.durationS,
    nativeRate: prepared.nativeRate,
    channels: entry.channels,
    prepared,
    events: entry.events,
    warnings: entry.warnings,
    reference: entry.reference,
    eventsSource: entry.reference ? `Annotation ${entry.reference.fileName}` : undefined,
    analysis: entry.analysis,
    analysisState: entry.analysis ? { status: 'done' } : undefined,
    heart: entry.heart,
    heartState: entry.heart ? { status: 'done' } : undefined,
    mode: entry.mode,
    edited: entry.edited,
    historyId: entry.id,
  };
}

export interface OpenerDeps {
  recordings: OpenRecordings;
  /** Decodes and prepares a file (open.ts `loadAudioFile` with the configured limits). */
  loadFile: (file: File, onProgress: (fraction: number) => void) => Promise<LoadedAudio>;
  /** Prepares microphone samples (open.ts `prepareRecorded`). */
  prepareRecorded: (clip: AudioClip, onProgress: (fraction: number) => void) => Promise<PreparedRecording>;
  /** The audio of a History entry, prepared again (whatever the limits are now). */
  loadSaved: (entry: HistoryEntry) => Promise<PreparedRecording>;
  /** Queues the analysis a recording still needs; classifies an annotation of an analysed one. */
  analysis: { request: (id: string) => void; classifyReference: (id: string) => Promise<void> };
  select: (id: string) => void;
  setLoading: (loading: LoadingState | undefined) => void;
  addProblem: (fileName: string, message: string) => void;
  notify: Notify;
  now?: () => number;
}

/** Progress of reading a long file is redrawn at most this often. */
const LOADING_INTERVAL_MS = 100;

export class Opener {
  private tail: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: OpenerDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** Runs `job` after every earlier one (files, microphone, History, start-up recovery). */
  enqueue(job: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(job).catch((e: unknown) => this.deps.notify('error', `Unexpected error: ${messageOf(e)}`));
    return this.tail;
  }

  /** Adds a recording and (unless `analyse` is false) queues its analysis at once. */
  add(rec: LoadedRecording, analyse = true): LoadedRecording {
    const added = this.deps.recordings.add(rec);
    if (analyse) this.deps.analysis.request(added.id);
    return added;
  }

  /** Audio files are opened in order; each annotation goes to the recording of its name. */
  openFiles(files: readonly File[]): Promise<void> {
    return this.enqueue(async () => {
      const { setLoading, addProblem, select } = this.deps;
      const { audio, annotations } = splitDrop(files);
      let firstNew: string | undefined;
      let shown = false;
      for (let i = 0; i < audio.length; i++) {
        const file = audio[i];
        const remaining = audio.length - i;
        setLoading({ current: file.name, remaining });
        try {
          let last = -Infinity;
          const loaded = await this.deps.loadFile(file, (fraction) => {
            const now = this.now();
            if (now - last < LOADING_INTERVAL_MS && fraction < 1) return;
            last = now;
            setLoading({ current: file.name, remaining, fraction });
          });
          // The annotation dropped with its recording is attached before the analysis starts,
          // so the annotated events are classified in the same pass.
          const json = annotations.get(baseName(file.name));
          let reference: RecordingReference | undefined;
          if (json) {
            annotations.delete(baseName(file.name));
            reference = await readReference(json).catch((e: unknown) => {
              addProblem(json.name, messageOf(e));
              return undefined;
            });
          }
          const rec = this.add(fileRecording(file.name, loaded, reference));
          // The first recording of a drop is shown at once, not after the whole drop is opened
          // (opening long files takes seconds each).
          if (!firstNew) select(rec.id);
          firstNew ??= rec.id;
          shown = true;
        } catch (e) {
          addProblem(file.name, messageOf(e));
        }
      }
      setLoading(undefined);
      for (const file of annotations.values()) {
        try {
          const target = await this.attachReference(file);
          firstNew ??= target;
        } catch (e) {
          addProblem(file.name, messageOf(e));
        }
      }
      // No new recording opened (only annotations, or only bad files): show the one annotated.
      if (firstNew && !shown) select(firstNew);
    });
  }

  /** An annotation for a recording already open: attached, and classified if it was analysed. */
  async attachReference(file: File): Promise<string | undefined> {
    const reference = await readReference(file);
    const key = baseName(file.name);
    const target = this.deps.recordings.all.find((r) => baseName(r.name) === key);
    if (!target) {
      this.deps.addProblem(file.name, `No open recording is named "${key}"; open the recording first, or drop both files together.`);
      return undefined;
    }
    this.deps.recordings.update(target.id, (r) => withReference(r, reference), true);
    void this.deps.analysis.classifyReference(target.id);
    return target.id;
  }

  addMicRecording(finished: FinishedRecording): Promise<void> {
    return this.enqueue(async () => {
      const { setLoading } = this.deps;
      setLoading({ current: finished.name, remaining: 1 });
      try {
        const prepared = await this.deps.prepareRecorded({ samples: finished.samples, sampleRate: finished.sampleRate }, (fraction) =>
          setLoading({ current: finished.name, remaining: 1, fraction }),
        );
        const rec = this.add(micRecording(finished, prepared));
        this.deps.select(rec.id);
        // An interruption is already shown in the recorder panel, where the clinician is looking.
        if (finished.storageWarning) this.deps.notify('warning', finished.storageWarning);
      } catch (e) {
        this.deps.addProblem(finished.name, messageOf(e));
      } finally {
        setLoading(undefined);
      }
    });
  }

  /** Opens a History entry as it was saved (results and edits), without analysing it again. */
  reopen(entry: HistoryEntry): Promise<void> {
    return this.enqueue(async () => {
      const { setLoading, select } = this.deps;
      const open = this.deps.recordings.findByHistoryId(entry.id);
      if (open) {
        select(open.id);
        return;
      }
      setLoading({ current: entry.name, remaining: 1 });
      try {
        const rec = this.add(savedRecording(entry, await this.deps.loadSaved(entry)), false);
        select(rec.id);
        // Only what was never finished is analysed (e.g. saved while it was still running).
        this.deps.analysis.request(rec.id);
      } catch (e) {
        this.deps.addProblem(entry.name, `Could not reopen it from History: ${messageOf(e)}`);
      } finally {
        setLoading(undefined);
      }
    });
  }
}
