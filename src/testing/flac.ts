// A small FLAC decoder for tests and benchmarks in Node, where there is no browser decoder: the
// shared datasets (SPRSound, PASCAL, CirCor) are FLAC. Integer PCM of any bit depth, any channel
// assignment, fixed and LPC subframes, Rice residuals with escapes (FLAC format spec, RFC 9639).
// Checked sample for sample against the published WAV files (src/testing/flac.test.ts). Not for the
// app: the app decodes FLAC through the browser.
import { readFileSync } from 'node:fs';

export interface FlacAudio {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Mono: the channels' mean, scaled to [-1, 1) as readWav scales PCM (value / 2^(bits-1)). */
  samples: Float32Array;
}

class BitReader {
  private pos = 0; // bit position

  constructor(private readonly b: Uint8Array) {}

  get bytePos(): number {
    return this.pos >>> 3;
  }

  set bytePos(p: number) {
    this.pos = p * 8;
  }

  get done(): boolean {
    return this.pos >= this.b.length * 8;
  }

  /** Unsigned, n ≤ 32. */
  bits(n: number): number {
    let v = 0;
    for (let left = n; left > 0; ) {
      const byte = this.b[this.pos >>> 3];
      if (byte === undefined) throw new Error('FLAC: unexpected end of data');
      const offset = this.pos & 7;
      const take = Math.min(left, 8 - offset);
      const chunk = (byte >>> (8 - offset - take)) & ((1 << take) - 1);
      v = v * 2 ** take + chunk;
      left -= take;
      this.pos += take;
    }
    return v;
  }

  signed(n: number): number {
    if (n === 0) return 0;
    const v = this.bits(n);
    return v >= 2 ** (n - 1) ? v - 2 ** n : v;
  }

  /** Number of 0 bits before the next 1 bit (consumed). */
  unary(): number {
    let n = 0;
    for (;;) {
      const byte = this.b[this.pos >>> 3];
      if (byte === undefined) throw new Error('FLAC: unexpected end of data');
      const offset = this.pos & 7;
      // Whole zero remainder of this byte: skip it at once (long Rice quotients).
      const rest = byte & (0xff >>> offset);
      if (rest === 0) {
        n += 8 - offset;
        this.pos += 8 - offset;
        continue;
      }
      const lead = Math.clz32(rest) - 24 - offset;
      n += lead;
      this.pos += lead + 1;
      return n;
    }
  }

  align(): void {
    this.pos = (this.pos + 7) & ~7;
  }
}

const FIXED: number[][] = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]];

function residual(r: BitReader, blockSize: number, order: number, out: Int32Array | Float64Array): void {
  const method = r.bits(2);
  if (method > 1) throw new Error(`FLAC: reserved residual coding method ${method}`);
  const paramBits = method === 0 ? 4 : 5;
  const escape = method === 0 ? 15 : 31;
  const partitionOrder = r.bits(4);
  const partitions = 1 << partitionOrder;
  let i = order;
  for (let p = 0; p < partitions; p++) {
    const n = (blockSize >>> partitionOrder) - (p === 0 ? order : 0);
    const k = r.bits(paramBits);
    if (k === escape) {
      const raw = r.bits(5);
      for (let j = 0; j < n; j++) out[i++] = r.signed(raw);
    } else {
      for (let j = 0; j < n; j++) {
        const u = r.unary() * 2 ** k + r.bits(k);
        out[i++] = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      }
    }
  }
}

/** One subframe's samples (exact integers; Float64 since side channels and LPC sums exceed 32 bits). */
function subframe(r: BitReader, blockSize: number, bps: number): Float64Array {
  if (r.bits(1) !== 0) throw new Error('FLAC: subframe padding bit set');
  const type = r.bits(6);
  let wasted = 0;
  if (r.bits(1) === 1) wasted = r.unary() + 1;
  const bits = bps - wasted;
  const s = new Float64Array(blockSize);
  if (type === 0) {
    s.fill(r.signed(bits));
  } else if (type === 1) {
    for (let i = 0; i < blockSize; i++) s[i] = r.signed(bits);
  } else if (type >= 8 && type <= 12) {
    const order = type - 8;
    for (let i = 0; i < order; i++) s[i] = r.signed(bits);
    residual(r, blockSize, order, s);
    const c = FIXED[order];
    for (let i = order; i < blockSize; i++) {
      let pred = 0;
      for (let j = 0; j < order; j++) pred += c[j] * s[i - 1 - j];
      s[i] += pred;
    }
  } else if (type >= 32) {
    const order = type - 31;
    for (let i = 0; i < order; i++) s[i] = r.signed(bits);
    const precision = r.bits(4) + 1;
    if (precision === 16) throw new Error('FLAC: invalid LPC precision');
    const shift = r.signed(5);
    if (shift < 0) throw new Error('FLAC: negative LPC shift');
    const coefs = Array.from({ length: order }, () => r.signed(precision));
    residual(r, blockSize, order, s);
    const div = 2 ** shift;
    for (let i = order; i < blockSize; i++) {
      let sum = 0;
      for (let j = 0; j < order; j++) sum += coefs[j] * s[i - 1 - j];
      s[i] += Math.floor(sum / div);
    }
  } else {
    throw new Error(`FLAC: reserved subframe type ${type}`);
  }
  if (wasted) for (let i = 0; i < blockSize; i++) s[i] *= 2 ** wasted;
  return s;
}

const BLOCK_SIZES: (number | null)[] = [null, 192, 576, 1152, 2304, 4608, null, null, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const SAMPLE_RATES: (number | null)[] = [null, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000, null, null, null, null];
const SAMPLE_SIZES: (number | null)[] = [null, 8, 12, null, 16, 20, 24, 32];

export function decodeFlac(bytes: Uint8Array): FlacAudio {
  const r = new BitReader(bytes);
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== 'fLaC') throw new Error('FLAC: no fLaC marker');
  r.bytePos = 4;
  let sampleRate = 0;
  let channels = 0;
  let bps = 0;
  let total = 0;
  for (let last = false; !last; ) {
    last = r.bits(1) === 1;
    const type = r.bits(7);
    const length = r.bits(24);
    const start = r.bytePos;
    if (type === 0) {
      r.bits(16 + 16 + 24 + 24);
      sampleRate = r.bits(20);
      channels = r.bits(3) + 1;
      bps = r.bits(5) + 1;
      total = r.bits(36);
    }
    r.bytePos = start + length;
  }
  if (!sampleRate) throw new Error('FLAC: no STREAMINFO');

  const mono = new Float64Array(total);
  let written = 0;
  while (written < total && !r.done) {
    if (r.bits(14) !== 0x3ffe) throw new Error(`FLAC: lost frame sync at byte ${r.bytePos}`);
    r.bits(2); // reserved, blocking strategy
    const bsCode = r.bits(4);
    const srCode = r.bits(4);
    const chCode = r.bits(4);
    const ssCode = r.bits(3);
    r.bits(1);
    // Frame/sample number, UTF-8 style: the leading ones of the first byte give the extra bytes.
    const first = r.bits(8);
    let extra = 0;
    for (let m = 0x80; first & m && m > 1; m >>= 1) extra++;
    for (let i = 1; i < extra; i++) r.bits(8);
    let blockSize = BLOCK_SIZES[bsCode];
    if (bsCode === 6) blockSize = r.bits(8) + 1;
    else if (bsCode === 7) blockSize = r.bits(16) + 1;
    if (!blockSize) throw new Error(`FLAC: reserved block size code ${bsCode}`);
    if (srCode === 12) r.bits(8);
    else if (srCode === 13 || srCode === 14) r.bits(16);
    else if (srCode !== 0 && SAMPLE_RATES[srCode] === null) throw new Error(`FLAC: reserved sample rate code ${srCode}`);
    const frameBps = ssCode === 0 ? bps : SAMPLE_SIZES[ssCode];
    if (!frameBps) throw new Error(`FLAC: reserved sample size code ${ssCode}`);
    r.bits(8); // CRC-8 of the header

    const nCh = chCode < 8 ? chCode + 1 : 2;
    if (chCode > 10) throw new Error(`FLAC: reserved channel assignment ${chCode}`);
    const sub: Float64Array[] = [];
    for (let c = 0; c < nCh; c++) {
      // The side channel carries one more bit.
      const sideBit = (chCode === 8 && c === 1) || (chCode === 9 && c === 0) || (chCode === 10 && c === 1) ? 1 : 0;
      sub.push(subframe(r, blockSize, frameBps + sideBit));
    }
    if (chCode === 8) for (let i = 0; i < blockSize; i++) sub[1][i] = sub[0][i] - sub[1][i];
    else if (chCode === 9) for (let i = 0; i < blockSize; i++) sub[0][i] += sub[1][i];
    else if (chCode === 10) {
      for (let i = 0; i < blockSize; i++) {
        const side = sub[1][i];
        const mid = sub[0][i] * 2 + (side % 2 !== 0 ? 1 : 0);
        sub[0][i] = (mid + side) / 2;
        sub[1][i] = (mid - side) / 2;
      }
    }
    const n = Math.min(blockSize, total - written);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let c = 0; c < nCh; c++) v += sub[c][i];
      mono[written + i] = v / nCh;
    }
    written += n;
    r.align();
    r.bits(16); // CRC-16 of the frame
  }
  if (written !== total) throw new Error(`FLAC: ${written} of ${total} samples decoded`);
  const scale = 2 ** (bps - 1);
  return { sampleRate, channels, bitsPerSample: bps, samples: Float32Array.from(mono, (v) => v / scale) };
}

export function readFlacFile(file: string): FlacAudio {
  return decodeFlac(new Uint8Array(readFileSync(file)));
}

/** Rate, channels, bits and length from the STREAMINFO block alone (no decoding). */
export function flacStreamInfo(bytes: Uint8Array): { sampleRate: number; channels: number; bitsPerSample: number; frames: number } {
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== 'fLaC') throw new Error('FLAC: no fLaC marker');
  const r = new BitReader(bytes.subarray(8, 8 + 34));
  r.bits(16 + 16 + 24 + 24);
  const sampleRate = r.bits(20);
  const channels = r.bits(3) + 1;
  const bitsPerSample = r.bits(5) + 1;
  return { sampleRate, channels, bitsPerSample, frames: r.bits(36) };
}
