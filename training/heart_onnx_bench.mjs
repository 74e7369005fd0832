// Median onnxruntime-web (WASM, 1 thread) time for one 10 s heart recording = its 8 windows in one batch.
//
//   node training/heart_onnx_bench.mjs model.onnx <windowSamples> <windows> [reps]
//
// Prints {"msPerRecording": ..., "windows": ..., "reps": ...}. Used by heart_export.py for the manifest.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const [modelPath, windowSamples, windows, repsArg] = process.argv.slice(2);
ort.env.wasm.numThreads = 1;
const n = Number(windowSamples);
const w = Number(windows);
const reps = Number(repsArg ?? 15);
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath)), { executionProviders: ['wasm'] });
const data = new Float32Array(n * w);
for (let i = 0; i < data.length; i++) data[i] = 0.05 * Math.sin(i * 0.37) + 0.01 * Math.sin(i * 0.011);
const feeds = { waveform: new ort.Tensor('float32', data, [w, n]) };
for (let i = 0; i < 3; i++) await session.run(feeds, ['probs']);
const times = [];
for (let i = 0; i < reps; i++) {
  const t = performance.now();
  await session.run(feeds, ['probs']);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ msPerRecording: times[Math.floor(times.length / 2)], windows: w, reps }));
