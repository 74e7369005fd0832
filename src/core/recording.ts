// What the UI keeps for every recording in the list.
import type { AnalysedEvent, AnalysisProgress, HeartAnalysis, PreparedRecording, RecordingAnalysis, TimedEvent } from './types';

export type RecordingSource = 'file' | 'microphone' | 'recovered';

/** What identifies and describes a recording, open or kept in History. */
export interface RecordingInfo {
  id: string;
  name: string;
  source: RecordingSource;
  /** e.g. 'WAV pcm16', 'FLAC', 'Microphone'. */
  format: string;
  durationS: number;
  nativeRate: number;
  channels: number;
}

export interface LoadedRecording extends RecordingInfo {
  prepared: PreparedRecording;
  /** The events on the timeline: the model's, as the clinician may have edited them. */
  events: AnalysedEvent[];
  /** Where `events` came from, shown next to the legend (e.g. an annotation file name). */
  eventsSource?: string;
  /** Repairs the reader made (e.g. a truncated data chunk), worth telling the clinician. */
  warnings: string[];
  /** IndexedDB session holding a microphone recording, deleted when the recording is removed. */
  sessionId?: string;
  /** An annotation (SPRSound JSON) with the recording's name: drawn as the reference lane. */
  reference?: RecordingReference;
  /** The model output as it came from the worker; never edited (edits live in `events`). */
  analysis?: RecordingAnalysis;
  analysisState?: AnalysisState;
  /** Lung sounds (events, verdict) or heart sounds (heart classifier, heart rate). */
  mode?: 'lung' | 'heart';
  heart?: HeartAnalysis;
  heartState?: AnalysisState;
  /** The clinician changed the events (kept in history, shown on the report). */
  edited?: boolean;
  /** Key of the recording's entry in the local history (IndexedDB). */
  historyId?: string;
}

export interface RecordingReference {
  fileName: string;
  recordLabel?: string;
  events: TimedEvent[];
}

export type AnalysisState =
  | { status: 'queued' }
  | { status: 'running'; progress: AnalysisProgress }
  | { status: 'done' }
  | { status: 'cancelled' }
  | { status: 'error'; message: string };

let counter = 0;
export function newRecordingId(): string {
  counter += 1;
  return `rec-${Date.now().toString(36)}-${counter}`;
}
