// A tolerant WAV reader. Real files from stethoscope software are often malformed
// (SPRSound's have block_align = 4 for mono 16-bit), so this trusts only what it must:
// the format tag, channel count, rate and bit depth. Chunks may come in any order,
// odd-sized chunks are padded, and a data chunk that claims more bytes than the file
// holds is read up to the end of the file.
// One file, a little over 300 lines: the reader, its chunk walker and the writer share the format
// tables, and splitting them would put one format definition in two places.
import { AudioInputError } from './errors';

export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'alaw' | 'mulaw';

export interface WavAudio {
  /** Mono mix of all channels, in [-1, 1] for integer formats. */
  samples: Float32Array;
  sampleRate: number;
  channels: number;
  encoding: WavEncoding;
  durationS: number;
  /** Things that were repaired (non-finite samples, truncated data chunk). */
  warnings: string[];
}

export interface WavReadOptions {
  /** Refuse recordings longer than this (seconds). */
  maxDurationS?: number;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;
const MAX_CHANNELS = 64;
const MIN_RATE = 1000;
const MAX_RATE = 1_536_000;

interface FmtChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

function fourcc(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

export function looksLikeWav(bytes: ArrayBuffer): boolean {
  if (bytes.byteLength < 12) return false;
  const view = new DataView(bytes);
  const riff = fourcc(view, 0);
  return (riff === 'RIFF' || riff === 'RF64') && fourcc(view, 8) === 'WAVE';
}

function readFmt(view: DataView, offset: number, size: number): FmtChunk {
  if (size < 16) throw new AudioInputError('bad-header', `The WAV "fmt " chunk is too short (${size} bytes).`);
  let formatTag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  if (formatTag === FORMAT_EXTENSIBLE) {
    // The real format is the first two bytes of the SubFormat GUID.
    if (size < 26) throw new AudioInputError('bad-header', 'The WAV header says WAVE_FORMAT_EXTENSIBLE but has no sub-format.');
    formatTag = view.getUint16(offset + 24, true);
  }
  return { formatTag, channels, sampleRate, bitsPerSample };
}

function encodingOf(fmt: FmtChunk): WavEncoding {
  const { formatTag, bitsPerSample: bits } = fmt;
  if (formatTag === FORMAT_PCM) {
    if (bits === 8) return 'pcm8';
    if (bits === 16) return 'pcm16';
    if (bits === 24) return 'pcm24';
    if (bits === 32) return 'pcm32';
  } else if (formatTag === FORMAT_FLOAT) {
    if (bits === 32) return 'float32';
    if (bits === 64) return 'float64';
  } else if (formatTag === FORMAT_ALAW && bits === 8) {
    return 'alaw';
  } else if (formatTag === FORMAT_MULAW && bits === 8) {
    return 'mulaw';
  }
  throw new AudioInputError(
    'unsupported-format',
    `Unsupported WAV encoding (format tag 0x${formatTag.toString(16)}, ${bits} bits). ` +
      'Supported: PCM 8/16/24/32-bit, float 32/64, A-law, µ-law.',
  );
}

function bytesPerSample(encoding: WavEncoding): number {
  switch (encoding) {
    case 'pcm8':
    case 'alaw':
    case 'mulaw':
      return 1;
    case 'pcm16':
      return 2;
    case 'pcm24':
      return 3;
    case 'pcm32':
    case 'float32':
      return 4;
    case 'float64':
      return 8;
  }
}

function alawToLinear(a: number): number {
  a ^= 0x55;
  const sign = a & 0x80;
  const exponent = (a & 0x70) >> 4;
  let mantissa = (a & 0x0f) << 4;
  mantissa += exponent === 0 ? 8 : 0x108;
  const magnitude = exponent <= 1 ? mantissa : mantissa << (exponent - 1);
  return (sign ? magnitude : -magnitude) / 32768;
}

function mulawToLinear(u: number): number {
  u = ~u & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return (sign ? -magnitude : magnitude) / 32768;
}

function sampleReader(view: DataView, encoding: WavEncoding): (offset: number) => number {
  switch (encoding) {
    case 'pcm8':
      return (o) => (view.getUint8(o) - 128) / 128;
    case 'pcm16':
      return (o) => view.getInt16(o, true) / 32768;
    case 'pcm24':
      return (o) => ((view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16)) / 8388608);
    case 'pcm32':
      return (o) => view.getInt32(o, true) / 2147483648;
    case 'float32':
      return (o) => view.getFloat32(o, true);
    case 'float64':
      return (o) => view.getFloat64(o, true);
    case 'alaw':
      return (o) => alawToLinear(view.getUint8(o));
    case 'mulaw':
      return (o) => mulawToLinear(view.getUint8(o));
  }
}

/** Where the samples are in a WAV file, and how they are encoded. */
export interface WavLayout {
  sampleRate: number;
  channels: number;
  encoding: WavEncoding;
  /** Byte offset of the first sample frame in the file. */
  dataOffset: number;
  /** Whole frames in the data chunk (as far as the file holds them). */
  frames: number;
  /** Bytes per frame: channels × sample size (the header's block_align is not trusted). */
  frameBytes: number;
  durationS: number;
  warnings: string[];
}

/**
 * Finds the format and the data chunk. `head` is the start of the file (all of it, or only its
 * first bytes for a file read in chunks); `fileSize` is the whole file's size, so a long file's
 * data chunk is measured against the file, not against the bytes read so far.
 */
export function readWavLayout(head: ArrayBuffer, fileSize: number = head.byteLength, options: WavReadOptions = {}): WavLayout {
  if (fileSize === 0) throw new AudioInputError('empty', 'The file is empty.');
  if (!looksLikeWav(head)) throw new AudioInputError('not-audio', 'This is not a WAV file (no RIFF/WAVE header).');
  const view = new DataView(head);
  const warnings: string[] = [];

  let fmt: FmtChunk | undefined;
  let dataOffset = -1;
  let dataSize = 0;
  let rf64DataSize: number | undefined;
  let offset = 12;
  while (offset + 8 <= head.byteLength) {
    const id = fourcc(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'ds64' && size >= 16) {
      rf64DataSize = view.getUint32(body + 8, true) + view.getUint32(body + 12, true) * 2 ** 32;
    } else if (id === 'fmt ') {
      if (body + Math.min(size, 40) > head.byteLength) {
        throw new AudioInputError('truncated', 'The file ends inside its WAV header.');
      }
      fmt = readFmt(view, body, size);
    } else if (id === 'data') {
      dataOffset = body;
      const declared = size === 0xffffffff && rf64DataSize !== undefined ? rf64DataSize : size;
      const available = fileSize - body;
      if (declared > available || size === 0xffffffff) {
        if (size !== 0xffffffff) warnings.push('The data chunk claims more bytes than the file holds; read to the end of the file.');
        dataSize = available;
      } else {
        dataSize = declared;
      }
      if (fmt) break; // Anything after the samples is metadata we do not need.
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    const next = body + size + (size & 1);
    if (next <= offset) break;
    offset = next;
  }

  if (!fmt) {
    const detail = dataOffset >= 0 && head.byteLength < fileSize ? ' before its audio data' : '';
    throw new AudioInputError('bad-header', `The WAV file has no "fmt " chunk${detail}.`);
  }
  if (dataOffset < 0) throw new AudioInputError('truncated', 'The WAV file has no "data" chunk: it holds no audio.');
  if (fmt.channels < 1 || fmt.channels > MAX_CHANNELS) {
    throw new AudioInputError('bad-header', `The WAV header gives ${fmt.channels} channels; expected 1 to ${MAX_CHANNELS}.`);
  }
  if (fmt.sampleRate < MIN_RATE || fmt.sampleRate > MAX_RATE) {
    throw new AudioInputError('bad-header', `The WAV header gives a sample rate of ${fmt.sampleRate} Hz, which is not a usable audio rate.`);
  }
  const encoding = encodingOf(fmt);
  // The header's block_align is often wrong; the frame size follows from channels × sample size.
  const frameBytes = bytesPerSample(encoding) * fmt.channels;
  const frames = Math.floor(dataSize / frameBytes);
  if (frames === 0) throw new AudioInputError('no-samples', 'The WAV file contains no samples.');
  const durationS = frames / fmt.sampleRate;
  if (options.maxDurationS !== undefined && durationS > options.maxDurationS) {
    throw new AudioInputError(
      'too-long',
      `The recording is ${formatDuration(durationS)} long; the limit is ${formatDuration(options.maxDurationS)}.`,
    );
  }
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, encoding, dataOffset, frames, frameBytes, durationS, warnings };
}

/**
 * Mono mix of `count` frames held in `bytes` (which start at a frame boundary). Non-finite values
 * become silence and are counted, so the caller can say so.
 */
export function decodeFrames(bytes: ArrayBuffer, byteOffset: number, count: number, layout: Pick<WavLayout, 'channels' | 'encoding'>): { samples: Float32Array; nonFinite: number } {
  const view = new DataView(bytes);
  const read = sampleReader(view, layout.encoding);
  const sampleBytes = bytesPerSample(layout.encoding);
  const { channels } = layout;
  const samples = new Float32Array(count);
  const scale = 1 / channels;
  let nonFinite = 0;
  for (let f = 0, o = byteOffset; f < count; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, o += sampleBytes) {
      const v = read(o);
      if (Number.isFinite(v)) sum += v;
      else nonFinite++;
    }
    samples[f] = sum * scale;
  }
  return { samples, nonFinite };
}

export function nonFiniteWarning(count: number): string {
  return `${count} non-finite sample values (NaN/Infinity) were replaced by silence.`;
}

/** Decode WAV bytes to mono float samples at the file's own rate. Throws AudioInputError. */
export function readWav(bytes: ArrayBuffer, options: WavReadOptions = {}): WavAudio {
  if (bytes.byteLength === 0) throw new AudioInputError('empty', 'The file is empty.');
  const layout = readWavLayout(bytes, bytes.byteLength, options);
  const { samples, nonFinite } = decodeFrames(bytes, layout.dataOffset, layout.frames, layout);
  const warnings = [...layout.warnings];
  if (nonFinite > 0) warnings.push(nonFiniteWarning(nonFinite));
  return { samples, sampleRate: layout.sampleRate, channels: layout.channels, encoding: layout.encoding, durationS: layout.durationS, warnings };
}

function formatDuration(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${(s / 60).toFixed(1)} min`;
}

/** Encode mono samples as 16-bit PCM WAV (for playback and download). */
export function encodeWav(samples: Float32Array, sampleRate: number): ArrayBuffer {
  const dataBytes = samples.length * 2;
  const buffer = new ArrayBuffer(44 + dataBytes);
  const view = new DataView(buffer);
  const ascii = (o: number, s: string) => {
    for (let i = 0; i < s.length; i++) view.setUint8(o + i, s.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0, o = 44; i < samples.length; i++, o += 2) {
    const v = Math.max(-1, Math.min(1, samples[i] || 0));
    view.setInt16(o, v < 0 ? Math.round(v * 32768) : Math.round(v * 32767), true);
  }
  return buffer;
}
