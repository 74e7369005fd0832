// File → decoded mono audio at its native rate → prepared for the timeline (in the worker).
// Every failure becomes an AudioInputError with a message a clinician can act on.
import * as Comlink from 'comlink';
import type { AudioClip, PreparedRecording } from '../../core/types';
import type { PrepareProgress } from '../../worker/api';
import { withAudioWorker } from '../../worker/client';
import { decodeWithBrowser } from '../../audio/browserDecode';
import { AudioInputError, isAudioInputError } from '../../audio/errors';
import { containerLabel, sniffAudio, SNIFF_BYTES } from '../../audio/sniff';
import { readWavLayout } from '../../audio/wav';

export interface LoadOptions {
  /** Longer recordings are refused. */
  maxDurationS: number;
  /** The lung-sound models work at 8 kHz. */
  analysisRate: number;
  /**
   * WAV recordings longer than this are never decoded whole: they are shown and analysed from the
   * file a chunk at a time, so memory stays bounded (60 min at 48 kHz is 345 MB as 16-bit samples).
   */
  longRecordingS: number;
  /** Other formats are decoded whole by the browser, so they are refused above this length. */
  maxDecodedS: number;
}

export const DEFAULT_LOAD_OPTIONS: LoadOptions = { maxDurationS: 4 * 3600, analysisRate: 8000, longRecordingS: 10 * 60, maxDecodedS: 30 * 60 };

/** A site may allow longer (or only shorter) recordings: localStorage 'auscult.maxDurationMinutes'. */
export const MAX_DURATION_SETTING = 'auscult.maxDurationMinutes';
/** From how many minutes a WAV recording is read in chunks: localStorage 'auscult.longRecordingMinutes'. */
export const LONG_RECORDING_SETTING = 'auscult.longRecordingMinutes';

function minutesSetting(key: string): number | undefined {
  try {
    const minutes = Number(localStorage.getItem(key) ?? NaN);
    return Number.isFinite(minutes) && minutes > 0 ? minutes * 60 : undefined;
  } catch {
    return undefined; // storage disabled: defaults
  }
}

export function configuredLoadOptions(): LoadOptions {
  const maxDurationS = minutesSetting(MAX_DURATION_SETTING) ?? DEFAULT_LOAD_OPTIONS.maxDurationS;
  return {
    ...DEFAULT_LOAD_OPTIONS,
    maxDurationS,
    maxDecodedS: Math.min(maxDurationS, DEFAULT_LOAD_OPTIONS.maxDecodedS),
    longRecordingS: minutesSetting(LONG_RECORDING_SETTING) ?? DEFAULT_LOAD_OPTIONS.longRecordingS,
  };
}

/** Waveform peak buckets per second: enough for the highest zoom (see ui/timeline/zoom.ts). */
const PEAKS_PER_SECOND = 1000;
const MAX_PEAK_BUCKETS = 500_000;

export interface DecodedInput {
  clip: AudioClip;
  channels: number;
  format: string;
  warnings: string[];
}

export interface LoadedAudio extends Omit<DecodedInput, 'clip'> {
  prepared: PreparedRecording;
}

function formatMinutes(s: number): string {
  return s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
}

function tooLong(durationS: number, limitS: number, hint = ''): AudioInputError {
  return new AudioInputError('too-long', `The recording is ${formatMinutes(durationS)} long; recordings up to ${formatMinutes(limitS)} can be opened${hint}.`);
}

function decodedTooLong(durationS: number, opts: LoadOptions): AudioInputError {
  const hint = opts.maxDecodedS < opts.maxDurationS ? ` in this format (as WAV, up to ${formatMinutes(opts.maxDurationS)})` : '';
  return tooLong(durationS, opts.maxDecodedS, hint);
}

function warningsOf(value: object): string[] {
  if (!('warnings' in value) || !Array.isArray(value.warnings)) return [];
  return value.warnings.filter((w): w is string => typeof w === 'string');
}

/** Errors from the worker arrive as plain Errors named 'AudioInputError' (Comlink keeps name + message). */
function asInputError(e: unknown, fallback: string): Error {
  if (e instanceof AudioInputError) return e;
  if (isAudioInputError(e)) return new AudioInputError('decode-failed', e.message);
  const detail = e instanceof Error ? e.message : String(e);
  return new AudioInputError('decode-failed', `${fallback} (${detail})`);
}

export async function decodeFile(file: Blob, opts: LoadOptions = DEFAULT_LOAD_OPTIONS): Promise<DecodedInput> {
  if (file.size === 0) throw new AudioInputError('empty', 'The file is empty (0 bytes).');
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch {
    throw new AudioInputError('truncated', 'The file could not be read (it may have been moved or is still being written).');
  }
  const sniffed = sniffAudio(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, SNIFF_BYTES)));
  if (!sniffed) {
    throw new AudioInputError(
      'not-audio',
      'This is not an audio file Auscult can open. Supported formats: WAV, FLAC, MP3, Ogg (Vorbis/Opus), M4A/AAC.',
    );
  }

  if (sniffed.container === 'wav') {
    try {
      // The bytes are transferred: the UI thread does not need them any more.
      const decoded = await withAudioWorker((w) => w.decodeWav(Comlink.transfer(bytes, [bytes]), opts.maxDurationS));
      return {
        clip: { samples: decoded.samples, sampleRate: decoded.sampleRate },
        channels: decoded.channels,
        format: `WAV ${decoded.encoding}`,
        warnings: warningsOf(decoded),
      };
    } catch (e) {
      throw asInputError(e, 'The WAV file could not be read');
    }
  }

  const label = containerLabel(sniffed.container);
  if (sniffed.totalFrames && sniffed.sampleRate && sniffed.totalFrames / sniffed.sampleRate > opts.maxDecodedS) {
    throw decodedTooLong(sniffed.totalFrames / sniffed.sampleRate, opts);
  }
  const warnings: string[] = [];
  if (!sniffed.sampleRate) warnings.push(`The ${label} header does not state a sample rate; decoded at 48 kHz.`);
  const decoded = await decodeWithBrowser(bytes, sniffed.sampleRate ?? 48000, label);
  const durationS = decoded.samples.length / decoded.sampleRate;
  if (durationS > opts.maxDecodedS) throw decodedTooLong(durationS, opts);
  return {
    clip: { samples: decoded.samples, sampleRate: decoded.sampleRate },
    channels: sniffed.channels ?? decoded.channels,
    format: label,
    warnings,
  };
}

/** Worker-side preparation: analysis-rate audio, waveform peaks, display spectrogram, playback WAV. */
export async function prepareClip(clip: AudioClip, opts: LoadOptions = DEFAULT_LOAD_OPTIONS): Promise<PreparedRecording> {
  if (clip.samples.length === 0) throw new AudioInputError('no-samples', 'The recording contains no audio samples.');
  const durationS = clip.samples.length / clip.sampleRate;
  const peakBuckets = peakBucketsFor(durationS, clip.samples.length);
  try {
    return await withAudioWorker((w) =>
      w.prepare(Comlink.transfer(clip, [clip.samples.buffer]), { analysisRate: opts.analysisRate, peakBuckets }),
    );
  } catch (e) {
    throw asInputError(e, 'The recording could not be prepared for display');
  }
}

function peakBucketsFor(durationS: number, samples: number): number {
  return Math.min(MAX_PEAK_BUCKETS, samples, Math.max(2000, Math.ceil(durationS * PEAKS_PER_SECOND)));
}

interface LongWavInfo {
  durationS: number;
  channels: number;
  frames: number;
  encoding: string;
  /** What the header needed repaired (e.g. a data chunk longer than the file). */
  warnings: string[];
}

/**
 * A WAV file long enough to be read in chunks: its duration and channels, from the header alone
 * (the first bytes of the file); undefined for anything else.
 */
export async function longWavInfo(file: Blob, opts: LoadOptions): Promise<LongWavInfo | undefined> {
  if (file.size === 0) return undefined;
  let head: ArrayBuffer;
  try {
    head = await file.slice(0, SNIFF_BYTES).arrayBuffer();
  } catch {
    return undefined; // decodeFile says why the file cannot be read
  }
  if (sniffAudio(new Uint8Array(head))?.container !== 'wav') return undefined;
  const layout = readWavLayout(head, file.size, { maxDurationS: opts.maxDurationS });
  if (layout.durationS <= opts.longRecordingS) return undefined;
  return { durationS: layout.durationS, channels: layout.channels, frames: layout.frames, encoding: layout.encoding, warnings: layout.warnings };
}

/** The long-recording path: the worker reads the file a chunk at a time; `onProgress` 0..1. */
async function loadLongWav(file: Blob, info: LongWavInfo, opts: LoadOptions, onProgress?: PrepareProgress): Promise<LoadedAudio> {
  try {
    const prepared = await withAudioWorker((w) =>
      w.prepareLongWav(file, { analysisRate: opts.analysisRate, peakBuckets: peakBucketsFor(info.durationS, info.frames) }, onProgress && Comlink.proxy(onProgress)),
    );
    return { channels: info.channels, format: `WAV ${info.encoding}`, warnings: info.warnings, prepared };
  } catch (e) {
    if (e instanceof Error && e.name === 'AnalysisCancelled') throw new AudioInputError('cancelled', 'Opening was cancelled.');
    throw asInputError(e, 'The WAV file could not be read');
  }
}

/**
 * Audio already in memory (a microphone recording): prepared in memory, or — longer than
 * `longRecordingS` — written to a WAV file in the worker and taken down the long-file path, so the
 * samples can be let go and memory stays bounded from then on.
 */
export async function prepareRecorded(clip: AudioClip, opts: LoadOptions = DEFAULT_LOAD_OPTIONS, onProgress?: PrepareProgress): Promise<PreparedRecording> {
  const durationS = clip.samples.length / clip.sampleRate;
  if (durationS <= opts.longRecordingS) return prepareClip(clip, opts);
  const file = await withAudioWorker((w) => w.encodeWav(Comlink.transfer(clip, [clip.samples.buffer])));
  const info: LongWavInfo = { durationS, channels: 1, frames: clip.samples.length, encoding: 'pcm16', warnings: [] };
  return (await loadLongWav(file, info, { ...opts, maxDurationS: Infinity }, onProgress)).prepared;
}

export async function loadAudioFile(file: Blob, opts: LoadOptions = DEFAULT_LOAD_OPTIONS, onProgress?: PrepareProgress): Promise<LoadedAudio> {
  const long = await longWavInfo(file, opts);
  if (long) return loadLongWav(file, long, opts, onProgress);
  const { clip, ...rest } = await decodeFile(file, opts);
  return { ...rest, prepared: await prepareClip(clip, opts) };
}
