// Fuzzing the WAV reader with mutated real files: every case must either decode to sane audio
// or throw our own AudioInputError — never another exception, a hang or garbage samples.
// CI runs FUZZ_CASES (default 10,000) cases; `FUZZ_CASES=200000 npx vitest run src/audio/wav.fuzz` runs longer.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DATA } from '../testing/data';
import { describeWithData } from '../testing/withData';
import { AudioInputError } from './errors';
import { encodeWav, readWav } from './wav';

const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
/** Mutations concentrate on headers, so long sample data only costs time: keep the seeds short. */
const MAX_SEED_BYTES = 12_000;
const PER_CASE_LIMIT_MS = 250;

/** Small deterministic PRNG (mulberry32) so a failing case can be replayed from its index. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dirs = [DATA.sprsoundOriginalWav.path, DATA.heartOriginalWav.path];
  for (const dir of dirs) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.wav'))) {
      const bytes = readFileSync(path.join(dir, f));
      // Keep the head (all chunks before the samples) and the tail (LIST chunks after them).
      const head = bytes.subarray(0, MAX_SEED_BYTES / 2);
      const tail = bytes.subarray(Math.max(MAX_SEED_BYTES / 2, bytes.length - MAX_SEED_BYTES / 2));
      const joined = new Uint8Array(head.length + tail.length);
      joined.set(head);
      joined.set(tail, head.length);
      out.push(joined);
    }
  }
  out.push(new Uint8Array(encodeWav(Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i / 9)), 44100)));
  return out;
}

type Mutation = (b: Uint8Array, r: () => number) => Uint8Array;
const int = (r: () => number, n: number) => Math.floor(r() * n);

const MUTATIONS: Mutation[] = [
  // flip bits in the header
  (b, r) => {
    const c = b.slice();
    for (let i = 0, n = 1 + int(r, 4); i < n; i++) c[int(r, Math.min(c.length, 80))] ^= 1 << int(r, 8);
    return c;
  },
  // overwrite random bytes anywhere
  (b, r) => {
    const c = b.slice();
    for (let i = 0, n = 1 + int(r, 16); i < n; i++) c[int(r, c.length)] = int(r, 256);
    return c;
  },
  // truncate
  (b, r) => b.slice(0, int(r, b.length)),
  // a 32-bit field in the header set to an extreme value (sizes, rate, byte rate…)
  (b, r) => {
    const c = b.slice();
    const v = new DataView(c.buffer);
    const at = int(r, Math.max(1, Math.min(c.length, 64) - 4));
    const extremes = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, int(r, 2 ** 32)];
    if (at + 4 <= c.length) v.setUint32(at, extremes[int(r, extremes.length)], true);
    return c;
  },
  // a 16-bit field (channels, format tag, bits, block align)
  (b, r) => {
    const c = b.slice();
    const v = new DataView(c.buffer);
    const at = 20 + 2 * int(r, 8);
    if (at + 2 <= c.length) v.setUint16(at, [0, 1, 3, 0xfffe, 0xffff, 7, 64, 65535][int(r, 8)], true);
    return c;
  },
  // insert a junk chunk with a random (possibly lying) size after the RIFF header
  (b, r) => {
    if (b.length < 12) return b;
    const junk = new Uint8Array(8 + int(r, 40));
    junk.set([74, 85, 78, 75]);
    new DataView(junk.buffer).setUint32(4, int(r, 3) === 0 ? 0xfffffff0 : junk.length - 8 + int(r, 3), true);
    const c = new Uint8Array(b.length + junk.length);
    c.set(b.subarray(0, 12));
    c.set(junk, 12);
    c.set(b.subarray(12), 12 + junk.length);
    return c;
  },
  // append garbage
  (b, r) => {
    const c = new Uint8Array(b.length + 1 + int(r, 64));
    c.set(b);
    for (let i = b.length; i < c.length; i++) c[i] = int(r, 256);
    return c;
  },
  // pure random bytes behind a valid RIFF/WAVE magic
  (b, r) => {
    const c = new Uint8Array(12 + int(r, 200));
    for (let i = 12; i < c.length; i++) c[i] = int(r, 256);
    c.set(b.subarray(0, Math.min(12, b.length)));
    return c;
  },
];

describeWithData(`WAV reader fuzz (${CASES} cases, seed ${SEED})`, [DATA.sprsoundOriginalWav, DATA.heartOriginalWav], () => {
  it('decodes or throws AudioInputError, quickly, for every mutated file', () => {
    const base = seeds();
    const r = rng(SEED);
    const counts = { decoded: 0, rejected: 0 };
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = base[int(r, base.length)];
      let bytes = seed;
      for (let k = 0, n = 1 + int(r, 3); k < n; k++) bytes = MUTATIONS[int(r, MUTATIONS.length)](bytes, r);
      const t0 = performance.now();
      try {
        const wav = readWav(bytes.slice().buffer, { maxDurationS: 3600 });
        expect(wav.samples.length).toBeGreaterThan(0);
        expect(wav.sampleRate).toBeGreaterThan(0);
        for (let s = 0; s < wav.samples.length; s += 97) {
          if (!Number.isFinite(wav.samples[s])) throw new Error(`case ${i}: non-finite sample`);
        }
        counts.decoded++;
      } catch (e) {
        if (!(e instanceof AudioInputError)) throw new Error(`case ${i}: ${String(e)} (not an AudioInputError)`);
        counts.rejected++;
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      if (ms > PER_CASE_LIMIT_MS) throw new Error(`case ${i} took ${ms.toFixed(0)} ms`);
    }
    console.log(`fuzz: ${counts.decoded} decoded, ${counts.rejected} rejected, slowest ${slowest.toFixed(1)} ms`);
    expect(counts.decoded + counts.rejected).toBe(CASES);
    expect(counts.decoded).toBeGreaterThan(CASES / 20);
    expect(counts.rejected).toBeGreaterThan(CASES / 20);
  });
});
