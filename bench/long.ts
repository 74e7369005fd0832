// `npm run bench` (or BENCH_ONLY=long): a 60-minute, 48 kHz WAV recording prepared for the timeline
// and analysed from its file a chunk at a time, as the app does in its worker — with the peak
// memory of this process (its own, so nothing else's allocations count), the time, and what the
// analysis found. Run as its own process: `npx tsx bench/long.ts [minutes]`.
import { existsSync, mkdirSync, openAsBlob, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openNodeModelStore } from '../src/inference/nodeModels';
import { openWavSource } from '../src/audio/source';
import * as lung from '../src/pipelines/lung';
import * as prepare from '../src/pipelines/prepare';
import { REPO_ROOT } from '../src/testing/data';
import { writeLongWav } from '../src/testing/longWav';

const MB = 1e6;
const rssMB = () => process.memoryUsage().rss / MB;

async function main(): Promise<void> {
  const minutes = Number(process.argv[2] ?? 60);
  const rate = 48000;
  const dir = path.join(tmpdir(), 'auscult-bench');
  const file = path.join(dir, `long-${minutes}min-${rate / 1000}k.wav`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    console.log(`writing ${file} …`);
    writeLongWav(file, minutes * 60, rate);
  }
  const bytes = statSync(file).size;

  const store = await openNodeModelStore(path.join(REPO_ROOT, 'public', 'models'), 1);
  // What the worker runs: the default event model(s) type the events.
  const options = lung.defaultLungOptions(store.manifest);
  // Warm the models on a short piece so the baseline includes them, as in a running app.
  const blob = await openAsBlob(file);
  const warm = await openWavSource(blob.slice(0, 44 + rate * 2 * 20));
  await lung.run(store, warm, options);
  global.gc?.();
  const baseline = rssMB();
  let sampledPeak = baseline;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssMB())), 20);

  const t0 = performance.now();
  const prepared = await prepare.run({ file: blob }, { analysisRate: 8000, peakBuckets: 500_000 });
  const t1 = performance.now();
  let lastFraction = 0;
  const source = await openWavSource(blob);
  const analysis = await lung.run(store, source, options, { onProgress: (p) => (lastFraction = p.fraction) });
  const t2 = performance.now();
  clearInterval(sampler);

  const maxRssMB = (process.resourceUsage().maxRSS * 1024) / MB;
  const peak = Math.max(sampledPeak, maxRssMB);
  const frames = source.length;
  const wholeDecodeMB = (bytes + frames * 4 + (frames / 6) * 4) / MB;
  console.log(`\nLong recording: ${minutes} min at ${rate} Hz, 16-bit mono WAV (${(bytes / MB).toFixed(1)} MB), read from the file in chunks`);
  console.table([
    {
      'prepare timeline s': ((t1 - t0) / 1000).toFixed(1),
      'analyse s': ((t2 - t1) / 1000).toFixed(1),
      events: analysis.events.length,
      verdict: `${analysis.verdict?.label} ${Math.round((analysis.verdict?.confidence ?? 0) * 100)}%`,
      'display frames': prepared.display.nFrames,
      'progress reached': lastFraction,
      'baseline RSS MB': baseline.toFixed(0),
      'peak RSS MB': peak.toFixed(0),
      'peak − baseline MB': (peak - baseline).toFixed(0),
      'whole-decode samples alone MB': wholeDecodeMB.toFixed(0),
    },
  ]);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
