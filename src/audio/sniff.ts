// Identifies an audio container from its first bytes and reads its native sample rate, so the
// browser decoder can be asked to decode at that rate (decodeAudioData otherwise resamples to
// the context's rate and the "native rate" shown to the clinician would be a lie).

export type AudioContainer = 'wav' | 'flac' | 'mp3' | 'aac' | 'ogg-vorbis' | 'ogg-opus' | 'ogg-flac' | 'mp4' | 'webm';

export interface SniffResult {
  container: AudioContainer;
  /** Native sample rate from the header; undefined where the header does not say (then 48 kHz is assumed). */
  sampleRate?: number;
  channels?: number;
  /** Total frames where the header states them (FLAC), to refuse over-long files before decoding. */
  totalFrames?: number;
}

/** How many leading bytes sniffing needs; MP4 sample entries can sit behind a large 'moov' header. */
export const SNIFF_BYTES = 1 << 20;

const MP3_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};
const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

function ascii(b: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function indexOfAscii(b: Uint8Array, needle: string, from = 0): number {
  const first = needle.charCodeAt(0);
  outer: for (let i = from; i <= b.length - needle.length; i++) {
    if (b[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (b[i + j] !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

/** FLAC STREAMINFO body (34 bytes) starting at `o`. */
function flacStreamInfo(b: Uint8Array, o: number): Pick<SniffResult, 'sampleRate' | 'channels' | 'totalFrames'> {
  if (o + 18 > b.length) return {};
  const sampleRate = (b[o + 10] << 12) | (b[o + 11] << 4) | (b[o + 12] >> 4);
  const channels = ((b[o + 12] >> 1) & 0x07) + 1;
  const totalFrames = (b[o + 13] & 0x0f) * 2 ** 32 + ((b[o + 14] << 24) >>> 0) + (b[o + 15] << 16) + (b[o + 16] << 8) + b[o + 17];
  return { sampleRate: sampleRate || undefined, channels, totalFrames: totalFrames || undefined };
}

/** ID3v2 tags precede MP3 (and sometimes FLAC) data; returns the offset just after it. */
function skipId3(b: Uint8Array): number {
  if (ascii(b, 0, 3) !== 'ID3' || b.length < 10) return 0;
  const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
  const footer = b[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

function sniffMpegFrames(b: Uint8Array, from: number): SniffResult | undefined {
  // Only the first few KiB: a sync word found deep inside arbitrary data means nothing.
  const end = Math.min(b.length - 4, from + 4096);
  for (let i = from; i < end; i++) {
    if (b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) continue;
    const version = (b[i + 1] >> 3) & 0x03;
    const layer = (b[i + 1] >> 1) & 0x03;
    if (layer === 0 && (b[i + 1] & 0xf6) === 0xf0) {
      // ADTS (raw AAC): 12-bit sync, layer bits 00.
      const rateIndex = (b[i + 2] >> 2) & 0x0f;
      const channels = ((b[i + 2] & 0x01) << 2) | (b[i + 3] >> 6);
      const sampleRate = AAC_RATES[rateIndex];
      if (sampleRate) return { container: 'aac', sampleRate, channels: channels || undefined };
      continue;
    }
    const rateIndex = (b[i + 2] >> 2) & 0x03;
    const bitrateIndex = b[i + 2] >> 4;
    if (version === 1 || layer === 0 || rateIndex === 3 || bitrateIndex === 0x0f) continue;
    const sampleRate = MP3_RATES[version][rateIndex];
    const channels = b[i + 3] >> 6 === 3 ? 1 : 2;
    return { container: 'mp3', sampleRate, channels };
  }
  return undefined;
}

function sniffOgg(b: Uint8Array): SniffResult | undefined {
  // First page: 27-byte header + segment table, then the first packet (the codec id header).
  const segments = b[26];
  const p = 27 + segments;
  if (ascii(b, p + 1, 6) === 'vorbis' && b[p] === 0x01) {
    const view = new DataView(b.buffer, b.byteOffset);
    return { container: 'ogg-vorbis', channels: b[p + 11], sampleRate: view.getUint32(p + 12, true) || undefined };
  }
  // Opus always decodes at 48 kHz whatever the input rate field says (RFC 7845 §5.1).
  if (ascii(b, p, 8) === 'OpusHead') return { container: 'ogg-opus', sampleRate: 48000, channels: b[p + 9] };
  if (b[p] === 0x7f && ascii(b, p + 1, 4) === 'FLAC') {
    // Ogg FLAC mapping: 9-byte prefix, then 'fLaC', then a metadata block header (4) and STREAMINFO.
    return { container: 'ogg-flac', ...flacStreamInfo(b, p + 17) };
  }
  return undefined;
}

function sniffMp4(b: Uint8Array): SniffResult {
  const i = indexOfAscii(b, 'mp4a');
  const view = new DataView(b.buffer, b.byteOffset);
  // AudioSampleEntry: 'mp4a', reserved(6), data_reference_index(2), reserved(8),
  // channelcount(2), samplesize(2), pre_defined(2), reserved(2), samplerate(16.16).
  if (i >= 0 && i + 32 <= b.length) {
    const channels = view.getUint16(i + 20);
    const sampleRate = view.getUint16(i + 28);
    return { container: 'mp4', channels: channels || undefined, sampleRate: sampleRate || undefined };
  }
  return { container: 'mp4' };
}

/** Reads the container and native rate from the first bytes of a file; undefined if it is no audio format we know. */
export function sniffAudio(bytes: Uint8Array): SniffResult | undefined {
  const b = bytes;
  if (b.length < 12) return undefined;
  const head = ascii(b, 0, 4);
  if ((head === 'RIFF' || head === 'RF64' || head === 'BW64') && ascii(b, 8, 4) === 'WAVE') return { container: 'wav' };
  if (head === 'OggS') return sniffOgg(b);
  if (ascii(b, 4, 4) === 'ftyp') return sniffMp4(b);
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    // WebM/Matroska (MediaRecorder output) is almost always Opus; its rate lives in deep EBML.
    return { container: 'webm', sampleRate: 48000 };
  }
  const start = skipId3(b);
  if (ascii(b, start, 4) === 'fLaC') {
    // A metadata block header (4 bytes) precedes STREAMINFO.
    return { container: 'flac', ...flacStreamInfo(b, start + 8) };
  }
  if (start > 0 && start >= b.length) return { container: 'mp3' }; // a big ID3 tag; trust it
  return sniffMpegFrames(b, start);
}

export function containerLabel(c: AudioContainer): string {
  switch (c) {
    case 'wav':
      return 'WAV';
    case 'flac':
      return 'FLAC';
    case 'mp3':
      return 'MP3';
    case 'aac':
      return 'AAC';
    case 'ogg-vorbis':
      return 'Ogg Vorbis';
    case 'ogg-opus':
      return 'Ogg Opus';
    case 'ogg-flac':
      return 'Ogg FLAC';
    case 'mp4':
      return 'M4A/AAC';
    case 'webm':
      return 'WebM';
  }
}
