// Run the Auscult detector ONNX with onnxruntime-web (WASM backend) in Node, one recording per run.
//
//   node training/detector_run.mjs model.onnx input.json out.json
//
// input.json: {"recordings": [{"name": "...", "data": [N floats]} ...]}   (input "waveform" [1, N])
// out.json:   {"backend": "wasm", "recordings": [{"name", "activity": {dims, data}, "classProbs": {dims, data},
//              "recordProbs": {dims, data}}]}
// Used by training/auscult_train/export_detector.py and training/tests/test_detector_smoke.py.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const [modelPath, inputPath, outPath] = process.argv.slice(2);
if (!modelPath || !inputPath || !outPath) {
  console.error('usage: node training/detector_run.mjs model.onnx input.json out.json');
  process.exit(2);
}

ort.env.wasm.numThreads = 1;

const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath)), {
  executionProviders: ['wasm'],
});
const recordings = [];
for (const rec of input.recordings) {
  const waveform = new ort.Tensor('float32', Float32Array.from(rec.data), [1, rec.data.length]);
  const out = await session.run({ waveform });
  const pick = (t) => ({ dims: t.dims, data: Array.from(t.data) });
  recordings.push({
    name: rec.name,
    activity: pick(out.activity),
    classProbs: pick(out.classProbs),
    recordProbs: pick(out.recordProbs),
  });
}
writeFileSync(outPath, JSON.stringify({ backend: 'wasm', recordings }));
