// Test doubles for the recording modules' tests: a prepared recording without a worker, an
// OpenRecordings that logs what it saves, and a promise the test resolves when it wants to.
import type { AnalysedEvent, PreparedRecording, RecordingAnalysis } from '../../core/types';
import type { LoadedRecording } from '../../core/recording';
import { EVENT_NAMES, NORMAL } from '../../core/labels';
import { OpenRecordings } from './list';

export function fakePrepared(durationS = 10, nativeRate = 8000): PreparedRecording {
  return {
    playback: new Blob([new Uint8Array(44)], { type: 'audio/wav' }),
    durationS,
    nativeRate,
    analysis: { samples: new Float32Array(Math.round(durationS * 8000)), sampleRate: 8000 },
    peaks: new Float32Array(4),
    display: { nFrames: 1, nBins: 1, sampleRate: 8000, data: new Uint8Array(1) },
  };
}

export function fakeRecording(id: string, extra: Partial<LoadedRecording> = {}): LoadedRecording {
  const prepared = fakePrepared();
  return { id, name: `${id}.wav`, source: 'file', format: 'WAV pcm16', durationS: prepared.durationS, nativeRate: 8000, channels: 1, prepared, events: [], warnings: [], ...extra };
}

export function event(id: string, start: number, end: number, label = NORMAL, extra: Partial<AnalysedEvent> = {}): AnalysedEvent {
  return { id, start, end, label, confidence: 0.8, ...extra };
}

export function fakeAnalysis(events: AnalysedEvent[], extra: Partial<RecordingAnalysis> = {}): RecordingAnalysis {
  return {
    detectorId: 'detector',
    eventModel: 'ensemble',
    eventModels: ['resnet18'],
    backend: 'wasm',
    durationMs: 10_000,
    events,
    verdict: null,
    notes: [],
    analysedAt: 0,
    elapsedMs: 1,
    ...extra,
  };
}

/** An OpenRecordings whose saves and renders are recorded. */
export function recordingList(modeFor: (name: string) => 'lung' | 'heart' = () => 'lung') {
  const saved: LoadedRecording[] = [];
  const renders: (readonly LoadedRecording[])[] = [];
  let n = 0;
  const list = new OpenRecordings({
    onChange: (next) => renders.push(next),
    save: (rec) => saved.push(rec),
    modeFor,
    newHistoryId: () => `h-${++n}`,
  });
  return { list, saved, renders };
}

/** A promise with its resolve / reject handed out, to finish a fake job when the test says so. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise run its callbacks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}

/** A classifier's answer for one event: all its probability on `label`. */
export function classified(label: string, model = 'ensemble', modelId = 'resnet18') {
  const probs = EVENT_NAMES.map((n) => (n === label ? 0.9 : 0.1 / (EVENT_NAMES.length - 1)));
  return { probs, label, votes: [{ modelId, label, confidence: 0.9, probs }], model };
}
