import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, REPO_ROOT } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { AudioInputError } from './errors';
import { encodeWav, readWav, type WavEncoding } from './wav';

interface Golden {
  recordings: Record<string, { frames: number; sampleRate: number; int16Sha256: string }>;
}
const golden: Golden = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test-fixtures/golden/dsp.json'), 'utf8'));

/** A hand-rolled WAV writer for the formats under test: independent of the reader. */
function makeWav(opts: {
  formatTag: number;
  bits: number;
  channels: number;
  rate: number;
  frames: number[][]; // [frame][channel] raw integer or float values
  extensible?: boolean;
  blockAlign?: number;
  junkFirst?: boolean;
  oddChunkBeforeData?: boolean;
}): ArrayBuffer {
  const bytesPer = opts.bits / 8;
  const dataBytes = opts.frames.length * opts.channels * bytesPer;
  const chunks: Uint8Array[] = [];
  const chunk = (id: string, body: Uint8Array) => {
    const head = new Uint8Array(8 + body.length + (body.length & 1));
    const v = new DataView(head.buffer);
    for (let i = 0; i < 4; i++) head[i] = id.charCodeAt(i);
    v.setUint32(4, body.length, true);
    head.set(body, 8);
    chunks.push(head);
  };
  const fmtLen = opts.extensible ? 40 : 16;
  const fmt = new Uint8Array(fmtLen);
  const fv = new DataView(fmt.buffer);
  fv.setUint16(0, opts.extensible ? 0xfffe : opts.formatTag, true);
  fv.setUint16(2, opts.channels, true);
  fv.setUint32(4, opts.rate, true);
  fv.setUint32(8, opts.rate * opts.channels * bytesPer, true);
  fv.setUint16(12, opts.blockAlign ?? opts.channels * bytesPer, true);
  fv.setUint16(14, opts.bits, true);
  if (opts.extensible) {
    fv.setUint16(16, 22, true);
    fv.setUint16(18, opts.bits, true);
    fv.setUint32(20, 0, true);
    fv.setUint16(24, opts.formatTag, true);
  }
  const data = new Uint8Array(dataBytes);
  const dv = new DataView(data.buffer);
  let o = 0;
  for (const frame of opts.frames) {
    for (const value of frame) {
      if (opts.formatTag === 3) {
        if (opts.bits === 32) dv.setFloat32(o, value, true);
        else dv.setFloat64(o, value, true);
      } else if (opts.bits === 8) dv.setUint8(o, value);
      else if (opts.bits === 16) dv.setInt16(o, value, true);
      else if (opts.bits === 24) {
        dv.setUint8(o, value & 0xff);
        dv.setUint8(o + 1, (value >> 8) & 0xff);
        dv.setInt8(o + 2, value >> 16);
      } else dv.setInt32(o, value, true);
      o += bytesPer;
    }
  }
  if (opts.junkFirst) chunk('JUNK', new Uint8Array(7));
  if (opts.oddChunkBeforeData) {
    chunk('data', data);
    chunk('LIST', new Uint8Array(3));
    chunk('fmt ', fmt);
  } else {
    chunk('fmt ', fmt);
    chunk('LIST', new Uint8Array(5));
    chunk('data', data);
  }
  const total = 12 + chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  const ov = new DataView(out.buffer);
  out.set([82, 73, 70, 70], 0);
  ov.setUint32(4, total - 8, true);
  out.set([87, 65, 86, 69], 8);
  let p = 12;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out.buffer;
}

describe('readWav formats', () => {
  const cases: { name: string; tag: number; bits: number; full: number; expect: WavEncoding; extensible?: boolean }[] = [
    { name: 'PCM 8-bit', tag: 1, bits: 8, full: 127, expect: 'pcm8' },
    { name: 'PCM 16-bit', tag: 1, bits: 16, full: 32767, expect: 'pcm16' },
    { name: 'PCM 24-bit', tag: 1, bits: 24, full: 8388607, expect: 'pcm24' },
    { name: 'PCM 32-bit', tag: 1, bits: 32, full: 2147483647, expect: 'pcm32' },
    { name: 'float 32', tag: 3, bits: 32, full: 1, expect: 'float32' },
    { name: 'float 64', tag: 3, bits: 64, full: 1, expect: 'float64' },
    { name: 'EXTENSIBLE PCM 24-bit', tag: 1, bits: 24, full: 8388607, expect: 'pcm24', extensible: true },
    { name: 'EXTENSIBLE float 32', tag: 3, bits: 32, full: 1, expect: 'float32', extensible: true },
  ];
  for (const c of cases) {
    it(`reads ${c.name} stereo and mixes to mono`, () => {
      const n = 100;
      const frames: number[][] = [];
      const expected: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = Math.sin(i / 5) * 0.5;
        const b = Math.cos(i / 7) * 0.25;
        const enc = (x: number) => (c.bits === 8 ? Math.round(x * 127) + 128 : c.tag === 3 ? x : Math.round(x * c.full));
        frames.push([enc(a), enc(b)]);
        expected.push((a + b) / 2);
      }
      const wav = readWav(makeWav({ formatTag: c.tag, bits: c.bits, channels: 2, rate: 22050, frames, extensible: c.extensible }));
      expect(wav.encoding).toBe(c.expect);
      expect(wav.sampleRate).toBe(22050);
      expect(wav.channels).toBe(2);
      expect(wav.samples.length).toBe(n);
      const tol = c.bits === 8 ? 1 / 64 : 1e-4;
      for (let i = 0; i < n; i++) expect(Math.abs(wav.samples[i] - expected[i])).toBeLessThan(tol);
    });
  }

  it('ignores a wrong block_align, any chunk order and odd-sized chunks', () => {
    const frames = [[1000], [-2000], [3000]];
    const wav = readWav(
      makeWav({ formatTag: 1, bits: 16, channels: 1, rate: 8000, frames, blockAlign: 4, junkFirst: true, oddChunkBeforeData: true }),
    );
    expect(Array.from(wav.samples)).toEqual([1000 / 32768, -2000 / 32768, 3000 / 32768]);
  });

  it('reads a data chunk that claims more bytes than the file holds up to the end', () => {
    const bytes = new Uint8Array(makeWav({ formatTag: 1, bits: 16, channels: 1, rate: 8000, frames: [[1], [2], [3], [4]] }));
    const cut = bytes.slice(0, bytes.length - 3); // last frame and a half gone
    const wav = readWav(cut.buffer);
    expect(wav.samples.length).toBe(2);
    expect(wav.warnings.length).toBeGreaterThan(0);
  });

  it('replaces NaN and Infinity by silence and says so', () => {
    const wav = readWav(makeWav({ formatTag: 3, bits: 32, channels: 1, rate: 8000, frames: [[0.5], [NaN], [Infinity], [-0.5]] }));
    expect(Array.from(wav.samples)).toEqual([0.5, 0, 0, -0.5]);
    expect(wav.warnings[0]).toMatch(/non-finite/);
  });

  it.each([
    ['empty', new ArrayBuffer(0), 'empty'],
    ['random bytes', new Uint8Array(Array.from({ length: 400 }, (_, i) => (i * 7919) % 256)).buffer, 'not-audio'],
    ['header only', makeWav({ formatTag: 1, bits: 16, channels: 1, rate: 8000, frames: [] }), 'no-samples'],
    ['zero channels', makeWav({ formatTag: 1, bits: 16, channels: 0, rate: 8000, frames: [[]] }), 'bad-header'],
    ['zero rate', makeWav({ formatTag: 1, bits: 16, channels: 1, rate: 0, frames: [[1]] }), 'bad-header'],
    ['truncated header', makeWav({ formatTag: 1, bits: 16, channels: 1, rate: 8000, frames: [[1]] }).slice(0, 30), 'truncated'],
    ['unsupported codec', makeWav({ formatTag: 0x55, bits: 16, channels: 1, rate: 8000, frames: [[1]] }), 'unsupported-format'],
  ] as const)('rejects %s with a typed error', (_name, bytes, code) => {
    try {
      readWav(bytes);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AudioInputError);
      expect((e as AudioInputError).code).toBe(code);
      expect((e as Error).message.length).toBeGreaterThan(10);
    }
  });

  it('refuses recordings over the duration limit', () => {
    const bytes = encodeWav(new Float32Array(8000 * 3), 8000);
    expect(() => readWav(bytes, { maxDurationS: 2 })).toThrow(/limit is 2.0 s/);
  });

  it('round-trips its own 16-bit encoding', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.round(Math.sin(i / 10) * 30000) / 32768);
    const wav = readWav(encodeWav(x, 4000));
    expect(wav.sampleRate).toBe(4000);
    for (let i = 0; i < x.length; i++) expect(Math.abs(wav.samples[i] - x[i])).toBeLessThan(1 / 32768 + 1e-9);
  });
});

describeWithData('readWav on the published SPRSound files', [DATA.sprsoundOriginalWav], () => {
  const dir = DATA.sprsoundOriginalWav.path;
  const files = readdirSync(dir).filter((f) => f.endsWith('.wav'));

  it('has the 20 original recordings', () => {
    expect(files.length).toBe(20);
  });

  it.each(files)('%s equals the matching FLAC sample for sample', (file) => {
    const bytes = readFileSync(path.join(dir, file));
    const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const ref = golden.recordings[file];
    expect(wav.sampleRate).toBe(ref.sampleRate);
    expect(wav.samples.length).toBe(ref.frames);
    const int16 = new Int16Array(wav.samples.length);
    for (let i = 0; i < int16.length; i++) int16[i] = Math.round(wav.samples[i] * 32768);
    expect(createHash('sha256').update(new Uint8Array(int16.buffer)).digest('hex')).toBe(ref.int16Sha256);
  });
});

describe('readWav on extreme but valid input', () => {
  it('mixes 96 kHz 8-channel float audio to mono at its own rate', () => {
    const frames = Array.from({ length: 960 }, (_, i) => Array.from({ length: 8 }, (_c, c) => Math.sin(i / (5 + c)) * 0.5));
    const wav = readWav(makeWav({ formatTag: 3, bits: 32, channels: 8, rate: 96000, frames }));
    expect(wav.sampleRate).toBe(96000);
    expect(wav.channels).toBe(8);
    expect(wav.samples.length).toBe(960);
    const expected = frames[100].reduce((a, b) => a + b, 0) / 8;
    expect(wav.samples[100]).toBeCloseTo(expected, 5);
  });

  it('reads digital silence and full-scale clipping as they are', () => {
    const silence = readWav(makeWav({ formatTag: 1, bits: 16, channels: 1, rate: 8000, frames: Array.from({ length: 800 }, () => [0]) }));
    expect(silence.samples.every((v) => v === 0)).toBe(true);
    const clipped = readWav(
      makeWav({ formatTag: 1, bits: 16, channels: 1, rate: 8000, frames: Array.from({ length: 800 }, (_, i) => [i % 2 ? 32767 : -32768]) }),
    );
    expect(clipped.samples[0]).toBe(-1);
    expect(clipped.samples[1]).toBeCloseTo(1, 4);
  });

  it('reads a one-hour recording when the limit allows it, and refuses it under the default limit', () => {
    const hour = encodeWav(new Float32Array(8000 * 3600), 8000);
    const t0 = performance.now();
    const wav = readWav(hour, { maxDurationS: 2 * 3600 });
    expect(wav.durationS).toBe(3600);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(() => readWav(hour, { maxDurationS: 30 * 60 })).toThrow(/limit is 30.0 min/);
  });
});
