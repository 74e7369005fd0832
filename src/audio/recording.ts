// What the UI keeps for every recording in the list.
import type { PreparedRecording, TimedEvent } from '../../workers/api';

export type RecordingSource = 'file' | 'microphone' | 'recovered';

export interface LoadedRecording {
  id: string;
  name: string;
  source: RecordingSource;
  /** e.g. 'WAV pcm16', 'FLAC', 'Microphone'. */
  format: string;
  durationS: number;
  nativeRate: number;
  channels: number;
  prepared: PreparedRecording;
  events: TimedEvent[];
  /** Where `events` came from, shown next to the legend (e.g. an annotation file name). */
  eventsSource?: string;
  /** Repairs the reader made (e.g. a truncated data chunk), worth telling the clinician. */
  warnings: string[];
  /** IndexedDB session holding a microphone recording, deleted when the recording is removed. */
  sessionId?: string;
}

let counter = 0;
export function newRecordingId(): string {
  counter += 1;
  return `rec-${Date.now().toString(36)}-${counter}`;
}
