// Runs an Auscult ONNX model with onnxruntime-web (WASM backend, 1 thread) in Node, as the app does,
// so that Python can compare it with PyTorch (training/auscult_train/onnx_export.py calls it).
//
//   node training/onnx_run.mjs run model.onnx <dir>
//     <dir>/inputs.json: {"input": "waveform", "runs": [{"dims": [B, N], "file": "0.f32"}, ...]}
//     Each run feeds one float32 tensor (raw little-endian file in <dir>) to the model's input and
//     writes every output to <dir>/<run index>.<output name>.f32;
//     <dir>/outputs.json: {"backend": "wasm", "runs": [{"<output name>": {"dims": [...], "file": "..."}}]}
//
//   node training/onnx_run.mjs bench model.onnx --dims 8,12000 [--reps 15] [--output probs]
//     Prints {"msMedian", "dims", "reps"}: the median time of one session.run on a fixed synthetic
//     input, fetching only --output (after 3 unmeasured runs).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';

const USAGE = `usage:
  node training/onnx_run.mjs run model.onnx <dir>
  node training/onnx_run.mjs bench model.onnx --dims B,N [--reps 15] [--output probs]`;
const WARMUP_RUNS = 3;
const DEFAULT_REPS = 15;

ort.env.wasm.numThreads = 1;

function fail(message) {
  console.error(message);
  process.exit(2);
}

function readFloat32(file) {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

async function session(modelPath) {
  return ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath)), { executionProviders: ['wasm'] });
}

async function run(modelPath, dir) {
  const spec = JSON.parse(readFileSync(path.join(dir, 'inputs.json'), 'utf8'));
  const model = await session(modelPath);
  const runs = [];
  for (const [i, item] of spec.runs.entries()) {
    const feeds = { [spec.input]: new ort.Tensor('float32', readFloat32(path.join(dir, item.file)), item.dims) };
    const outputs = await model.run(feeds);
    const written = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      if (tensor.type !== 'float32') fail(`output ${name} is ${tensor.type}, not float32`);
      const file = `${i}.${name}.f32`;
      const data = tensor.data;
      writeFileSync(path.join(dir, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      written[name] = { dims: tensor.dims, file };
    }
    runs.push(written);
  }
  writeFileSync(path.join(dir, 'outputs.json'), JSON.stringify({ backend: 'wasm', runs }));
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

async function bench(modelPath, args) {
  const dims = option(args, '--dims', '').split(',').filter(Boolean).map(Number);
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) fail(USAGE);
  const reps = Number(option(args, '--reps', DEFAULT_REPS));
  const output = option(args, '--output', 'probs');
  const model = await session(modelPath);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = 0.05 * Math.sin(i * 0.37) + 0.01 * Math.sin(i * 0.011);
  const feeds = { [model.inputNames[0]]: new ort.Tensor('float32', data, dims) };
  for (let i = 0; i < WARMUP_RUNS; i++) await model.run(feeds, [output]);
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await model.run(feeds, [output]);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ msMedian: times[Math.floor(times.length / 2)], dims, reps }));
}

const [mode, modelPath, ...rest] = process.argv.slice(2);
if (mode === 'run' && modelPath && rest.length === 1) await run(modelPath, rest[0]);
else if (mode === 'bench' && modelPath) await bench(modelPath, rest);
else fail(USAGE);
