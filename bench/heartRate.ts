// Heart-rate accuracy on CirCor DigiScope 2022 (paediatric, 2 kHz): estimateHeartRate against the
// reference of its hand-checked segmentation (60 / median S1-to-S1 interval, src/testing/circor.ts)
// on every recording with at least 3 annotated S1. Prints the mean absolute error over the recordings
// measured, how many were refused as not measurable, and the share within 5 / 10 bpm.
//     npx tsx bench/heartRate.ts [--list]
import { estimateHeartRate } from '../src/dsp/heartRate';
import { median } from '../src/core/math';
import { circorAudio, circorRecordings, referenceBpm } from '../src/testing/circor';
import { DATA, requireData } from '../src/testing/data';

requireData(DATA.circor);
const list = process.argv.includes('--list');
const errors: number[] = [];
const refused: string[] = [];
let noReference = 0;
const t0 = performance.now();
for (const rec of circorRecordings()) {
  const ref = referenceBpm(rec);
  if (ref === null) {
    noReference++;
    continue;
  }
  const audio = circorAudio(rec);
  const r = estimateHeartRate(audio.samples, audio.sampleRate);
  if (r.bpm === null) {
    refused.push(rec);
    if (list) console.log(`${rec}\tref ${ref.toFixed(1)}\t${r.reason}`);
    continue;
  }
  errors.push(Math.abs(r.bpm - ref));
  if (list) console.log(`${rec}\tref ${ref.toFixed(1)}\test ${r.bpm.toFixed(1)}\terr ${(r.bpm - ref).toFixed(1)}`);
}
const n = errors.length;
const mae = errors.reduce((a, b) => a + b, 0) / n;
const within = (t: number) => ((100 * errors.filter((e) => e <= t).length) / n).toFixed(1);
console.log(
  [
    `CirCor 2022: ${n + refused.length} recordings with a reference (${noReference} with < 3 annotated S1 left out)`,
    `measured ${n}, not measurable ${refused.length}`,
    `MAE ${mae.toFixed(2)} bpm, median |error| ${median(errors).toFixed(2)} bpm`,
    `within 5 bpm ${within(5)} %, within 10 bpm ${within(10)} %`,
    `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  ].join('\n'),
);
