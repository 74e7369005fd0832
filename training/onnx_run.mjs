// Run an Auscult event model with onnxruntime-web (WASM backend) in Node.
//
//   node training/onnx_run.mjs model.onnx input.json out.json
//
// input.json: {"dims": [B, 20000], "data": [B*20000 floats, row-major]}
// out.json:   {"backend": "wasm", "probs": {"dims": [B, C], "data": [...]},
//              "features": {"dims": [B, 1, F, T]}, "featureChecksums": [{"mean", "std", "sum"} per item]}
// Used by training/auscult_train/export.py and training/tests/test_smoke.py to check ONNX == PyTorch.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const [modelPath, inputPath, outPath] = process.argv.slice(2);
if (!modelPath || !inputPath || !outPath) {
  console.error('usage: node training/onnx_run.mjs model.onnx input.json out.json');
  process.exit(2);
}

ort.env.wasm.numThreads = 1;

const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const waveform = new ort.Tensor('float32', Float32Array.from(input.data), input.dims);
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath)), {
  executionProviders: ['wasm'],
});
const result = await session.run({ waveform });
const probs = result.probs;
const feats = result.features;

const [b] = feats.dims;
const per = feats.data.length / b;
const featureChecksums = [];
for (let i = 0; i < b; i++) {
  let sum = 0;
  for (let j = 0; j < per; j++) sum += feats.data[i * per + j];
  const mean = sum / per;
  let ss = 0;
  for (let j = 0; j < per; j++) ss += (feats.data[i * per + j] - mean) ** 2;
  featureChecksums.push({ mean, std: Math.sqrt(ss / per), sum });
}

writeFileSync(outPath, JSON.stringify({
  backend: 'wasm',
  probs: { dims: probs.dims, data: Array.from(probs.data) },
  features: { dims: feats.dims },
  featureChecksums,
}));
