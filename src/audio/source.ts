// Audio that is read in ranges. The whole-recording analysis asks only for the samples it needs,
// a chunk at a time, so a long WAV file (60 min at 48 kHz is 345 MB) is never decoded whole:
// memory stays bounded by the chunk size, whatever the recording's length.
import type { AudioClip } from '../core/types';
import { inputSpanFor, resample, resampledLength, resampleSpan } from '../dsp/resample';
import { AudioInputError } from './errors';
import { decodeFrames, nonFiniteWarning, readWavLayout, type WavLayout, type WavReadOptions } from './wav';

export interface AudioSource {
  readonly sampleRate: number;
  /** Samples in the whole recording. */
  readonly length: number;
  /** Samples [start, end), clamped to the recording; a fresh array the caller may keep or transfer. */
  read(start: number, end: number): Promise<Float32Array>;
}

export function isAudioSource(audio: AudioClip | AudioSource): audio is AudioSource {
  return typeof (audio as Partial<AudioSource>).read === 'function';
}

/** An in-memory clip as a source. */
export function clipSource(clip: AudioClip): AudioSource {
  const { samples, sampleRate } = clip;
  return {
    sampleRate,
    length: samples.length,
    read: async (start, end) => samples.slice(Math.max(0, start), Math.min(samples.length, end)),
  };
}

/**
 * `source` at another rate. Each read fetches just the input its outputs depend on, and the outputs
 * are bit-identical to resampling the whole recording at once (see `resampleSpan`).
 */
export function resampledSource(source: AudioSource, toRate: number): AudioSource {
  if (source.sampleRate === toRate) return source;
  const from = source.sampleRate;
  const length = resampledLength(source.length, from, toRate);
  return {
    sampleRate: toRate,
    length,
    async read(start, end) {
      const s = Math.max(0, start);
      const e = Math.min(length, end);
      if (e <= s) return new Float32Array(0);
      const [a, b] = inputSpanFor(s, e, source.length, from, toRate);
      const input = await source.read(a, b);
      return resampleSpan(input, a, source.length, from, toRate, s, e);
    },
  };
}

/**
 * Audio at `rate` as a source: a clip is resampled whole, once (it is in memory anyway), a source
 * is resampled range by range as it is read.
 */
export function sourceAt(audio: AudioClip | AudioSource, rate: number): AudioSource {
  if (isAudioSource(audio)) return resampledSource(audio, rate);
  return clipSource({ samples: resample(audio.samples, audio.sampleRate, rate), sampleRate: rate });
}

/** What a WAV file source needs of a Blob (a File, or a test's instrumented stand-in). */
export type ByteSource = Pick<Blob, 'size' | 'slice'>;

/** Bytes of the file read to find the header: chunks before the samples are small. */
const HEADER_BYTES = 1 << 20;
/** Largest single read; longer ranges are read and decoded in pieces of this size. */
export const MAX_READ_BYTES = 8 << 20;

export interface WavSource extends AudioSource {
  readonly layout: WavLayout;
  /** Repairs made so far (the header's, plus non-finite samples met by reads). */
  warnings(): string[];
}

async function readBytes(file: ByteSource, start: number, end: number): Promise<ArrayBuffer> {
  try {
    return await file.slice(start, end).arrayBuffer();
  } catch {
    throw new AudioInputError('truncated', 'The file could not be read (it may have been moved, deleted or changed on disk).');
  }
}

/** A WAV file read in ranges, at its own rate, mixed to mono. Throws AudioInputError for a bad header. */
export async function openWavSource(file: ByteSource, options: WavReadOptions = {}): Promise<WavSource> {
  if (file.size === 0) throw new AudioInputError('empty', 'The file is empty (0 bytes).');
  const head = await readBytes(file, 0, Math.min(file.size, HEADER_BYTES));
  const layout = readWavLayout(head, file.size, options);
  let nonFinite = 0;
  const framesPerRead = Math.max(1, Math.floor(MAX_READ_BYTES / layout.frameBytes));
  return {
    sampleRate: layout.sampleRate,
    length: layout.frames,
    layout,
    warnings: () => (nonFinite ? [...layout.warnings, nonFiniteWarning(nonFinite)] : [...layout.warnings]),
    async read(start, end) {
      const s = Math.max(0, start);
      const e = Math.min(layout.frames, end);
      const out = new Float32Array(Math.max(0, e - s));
      for (let f = s; f < e; f += framesPerRead) {
        const count = Math.min(framesPerRead, e - f);
        const at = layout.dataOffset + f * layout.frameBytes;
        const bytes = await readBytes(file, at, at + count * layout.frameBytes);
        if (bytes.byteLength < count * layout.frameBytes) {
          throw new AudioInputError('truncated', 'The file became shorter while it was being read (was it changed on disk?).');
        }
        const part = decodeFrames(bytes, 0, count, layout);
        nonFinite += part.nonFinite;
        out.set(part.samples, f - s);
      }
      return out;
    },
  };
}
