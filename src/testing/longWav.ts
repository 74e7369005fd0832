// Long recordings for the tests and the benchmark, made of real SPRSound recordings played one after
// another (upsampled to the file's rate), written as 16-bit mono WAV — in memory for a test, or
// streamed to disk for the 60-minute benchmark file (345 MB at 48 kHz) without holding it whole.
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { encodeWav, readWav } from '../audio/wav';
import { resample } from '../dsp/resample';
import { SPRSOUND_DIR } from './data';

const HEADER_BYTES = 44;

/** The real recordings a long file is made of, at `rate`. */
function realRecordings(rate: number, count: number): Float32Array[] {
  const dir = path.join(SPRSOUND_DIR, 'original-wav');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .slice(0, count)
    .map((f) => {
      const bytes = readFileSync(path.join(dir, f));
      const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      return resample(wav.samples, wav.sampleRate, rate);
    });
}

/** Calls `write` with 16-bit PCM blocks, the recordings one after another, until `seconds` are written. */
function pcmBlocks(seconds: number, rate: number, write: (block: Uint8Array) => void, sources = 6): void {
  const parts = realRecordings(rate, sources).map((s) => new Uint8Array(encodeWav(s, rate), HEADER_BYTES));
  let left = Math.floor(seconds * rate) * 2;
  for (let i = 0; left > 0; i++) {
    const part = parts[i % parts.length];
    const block = part.byteLength <= left ? part : part.subarray(0, left);
    write(block);
    left -= block.byteLength;
  }
}

function header(seconds: number, rate: number): Uint8Array {
  const dataBytes = Math.floor(seconds * rate) * 2;
  const h = new Uint8Array(encodeWav(new Float32Array(0), rate), 0, HEADER_BYTES).slice();
  const view = new DataView(h.buffer);
  view.setUint32(4, 36 + dataBytes, true);
  view.setUint32(40, dataBytes, true);
  return h;
}

export function longWavBytes(seconds: number, rate = 48000): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(HEADER_BYTES + Math.floor(seconds * rate) * 2);
  out.set(header(seconds, rate));
  let o = HEADER_BYTES;
  pcmBlocks(seconds, rate, (b) => {
    out.set(b, o);
    o += b.byteLength;
  });
  return out;
}

export function writeLongWav(file: string, seconds: number, rate = 48000): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, header(seconds, rate));
    pcmBlocks(seconds, rate, (b) => writeSync(fd, b));
  } finally {
    closeSync(fd);
  }
}
