// File → decoded mono audio at its native rate → prepared for the timeline (in the worker).
// Every failure becomes an AudioInputError with a message a clinician can act on.
import * as Comlink from 'comlink';
import type { AudioClip, PreparedRecording } from '../../workers/api';
import { withAnalysisWorker } from './analysisClient';
import { decodeWithBrowser } from './browserDecode';
import { AudioInputError, isAudioInputError } from './errors';
import { containerLabel, sniffAudio, SNIFF_BYTES } from './sniff';

export interface LoadOptions {
  /** Longer recordings are refused (memory, and the models are not meant for them). */
  maxDurationS: number;
  /** The lung-sound models work at 8 kHz. */
  analysisRate: number;
}

export const DEFAULT_LOAD_OPTIONS: LoadOptions = { maxDurationS: 30 * 60, analysisRate: 8000 };

/** A site may allow longer (or only shorter) recordings: localStorage 'auscult.maxDurationMinutes'. */
export const MAX_DURATION_SETTING = 'auscult.maxDurationMinutes';

export function configuredLoadOptions(): LoadOptions {
  let minutes = NaN;
  try {
    minutes = Number(localStorage.getItem(MAX_DURATION_SETTING) ?? NaN);
  } catch {
    // storage disabled: defaults
  }
  return Number.isFinite(minutes) && minutes > 0 ? { ...DEFAULT_LOAD_OPTIONS, maxDurationS: minutes * 60 } : DEFAULT_LOAD_OPTIONS;
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

function tooLong(durationS: number, opts: LoadOptions): AudioInputError {
  return new AudioInputError(
    'too-long',
    `The recording is ${formatMinutes(durationS)} long; recordings up to ${formatMinutes(opts.maxDurationS)} can be opened.`,
  );
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
      const decoded = await withAnalysisWorker((w) => w.decodeWav(Comlink.transfer(bytes, [bytes]), opts.maxDurationS));
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
  if (sniffed.totalFrames && sniffed.sampleRate && sniffed.totalFrames / sniffed.sampleRate > opts.maxDurationS) {
    throw tooLong(sniffed.totalFrames / sniffed.sampleRate, opts);
  }
  const warnings: string[] = [];
  if (!sniffed.sampleRate) warnings.push(`The ${label} header does not state a sample rate; decoded at 48 kHz.`);
  const decoded = await decodeWithBrowser(bytes, sniffed.sampleRate ?? 48000, label);
  const durationS = decoded.samples.length / decoded.sampleRate;
  if (durationS > opts.maxDurationS) throw tooLong(durationS, opts);
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
  const peakBuckets = Math.min(MAX_PEAK_BUCKETS, clip.samples.length, Math.max(2000, Math.ceil(durationS * PEAKS_PER_SECOND)));
  try {
    return await withAnalysisWorker((w) =>
      w.prepare(Comlink.transfer(clip, [clip.samples.buffer]), { analysisRate: opts.analysisRate, peakBuckets }),
    );
  } catch (e) {
    throw asInputError(e, 'The recording could not be prepared for display');
  }
}

export async function loadAudioFile(file: Blob, opts: LoadOptions = DEFAULT_LOAD_OPTIONS): Promise<LoadedAudio> {
  const { clip, ...rest } = await decodeFile(file, opts);
  return { ...rest, prepared: await prepareClip(clip, opts) };
}
