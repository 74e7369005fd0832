// The app's own reading + resampling of a WAV, for Python to compare against or to feed PyTorch:
//
//   node node_modules/tsx/dist/cli.mjs training/heart_ts_resample.ts in.wav <rate> out.f32
//
// Reads `in.wav` with src/audio/wav.ts (readWav), resamples it to <rate> Hz with src/dsp/resample.ts
// and writes the samples as raw little-endian float32. Used by training/auscult_train/heart_export.py
// (golden file) and training/tests/test_heart.py (scipy resample_poly vs the TS resampler).
import { readFileSync, writeFileSync } from 'node:fs';
import { readWav } from '../src/audio/wav';
import { resample } from '../src/dsp/resample';

const [input, rate, output] = process.argv.slice(2);
if (!input || !rate || !output) {
  console.error('usage: heart_ts_resample.ts in.wav <rate> out.f32');
  process.exit(2);
}
const bytes = readFileSync(input);
const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
const out = resample(wav.samples, wav.sampleRate, Number(rate));
writeFileSync(output, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
console.log(JSON.stringify({ nativeRate: wav.sampleRate, inSamples: wav.samples.length, outSamples: out.length }));
