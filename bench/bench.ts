// `npm run bench`: prints speed figures (medians of repeated runs in one process) for the
// shipped models — ONNX Runtime WASM in Node, WASM and WebGPU in headless Chromium, and
// PyTorch on the CPU for the same models, with the ratios.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { openNodeModelStore } from '../src/inference/nodeModels';
import { EventClassifier } from '../src/inference/eventClassifier';
import { EVENT_TASK, modelsForTask } from '../src/inference/manifest';
import { modelCatalog } from '../src/inference/catalog';
import type { Backend } from '../src/core/types';
import { REPO_ROOT } from '../src/testing/data';
import * as heart from '../src/pipelines/heart';
import * as lung from '../src/pipelines/lung';
import { benchApp, profileApp } from './app';
import type { BenchResult, RecordingBench } from './browser/main';
import { longestRecording, realEventWindows } from './events';
import { timeRuns } from './timing';

const REPS = Number(process.env.BENCH_REPS ?? 30);
/** Headless Chromium's WebGPU adapter is a software one (SwiftShader): few runs, and read its figures as such. */
const WEBGPU_REPS = Number(process.env.BENCH_WEBGPU_REPS ?? 4);
const repsFor = (backend: Backend) => (backend === 'webgpu' ? Math.min(REPS, WEBGPU_REPS) : REPS);
const BATCH = 16;
const MODELS_DIR = path.join(REPO_ROOT, 'public', 'models');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

type Row = Record<string, string | number>;
const rows: Row[] = [];
const fmt = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms.toFixed(2));

async function startBenchServer(): Promise<ViteDevServer> {
  const server = await createServer({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'error',
    // No hot reload: an edit elsewhere in the tree must not reload a page mid-measurement.
    server: { port: 0, host: '127.0.0.1', fs: { allow: [REPO_ROOT] }, hmr: false },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
  });
  await server.listen();
  return server;
}

async function browserBench(
  browser: Browser,
  url: string,
  modelId: string,
  backend: Backend,
  windows: Float32Array[],
): Promise<BenchResult | string> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return await page.evaluate(
      ([id, b, w, reps]) => window.benchEventModel(id, b, w, reps),
      [modelId, backend, windows.map((x) => Array.from(x)), repsFor(backend)] as [string, Backend, number[][], number],
    );
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  } finally {
    await page.close();
  }
}

async function browserRecordingBench(
  browser: Browser,
  url: string,
  kind: 'respiratory' | 'heart',
  backend: Backend,
  clip: { samples: Float32Array; sampleRate: number },
): Promise<RecordingBench | string> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return await page.evaluate(
      ([k, b, x, rate, reps]) => window.benchRecording(k, b, x, rate, reps),
      [kind, backend, Array.from(clip.samples), clip.sampleRate, Math.max(3, repsFor(backend) >> 1)] as [
        'respiratory' | 'heart',
        Backend,
        number[],
        number,
        number,
      ],
    );
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  } finally {
    await page.close();
  }
}

/** Whole-recording pipelines; returns the name of the respiratory recording used. */
async function recordingBenches(browser: Browser, url: string): Promise<string> {
  const store = await openNodeModelStore(MODELS_DIR, 1);
  const choice = modelCatalog(store.manifest).defaultEventChoice;
  const lungRec = longestRecording('respiratory', 15);
  const heartRec = longestRecording('heart', 10);
  const out: Row[] = [];
  for (const [kind, rec, target] of [
    ['respiratory', lungRec, 300],
    ['heart', heartRec, 200],
  ] as const) {
    // The app's own pipelines: detect + type the events with the default event model(s); heart class + rate.
    const node = await timeRuns(Math.max(5, REPS >> 1), async () => {
      if (kind === 'respiratory') await lung.run(store, rec.clip, { eventModel: choice });
      else await heart.run(store, rec.clip);
    });
    const wasm = await browserRecordingBench(browser, url, kind, 'wasm', rec.clip);
    const webgpu = await browserRecordingBench(browser, url, kind, 'webgpu', rec.clip);
    const ms = (r: RecordingBench | string) => (typeof r === 'string' ? r : r.timing.medianMs.toFixed(1));
    out.push({
      pipeline: kind === 'respiratory' ? `detect + classify (${choice})` : 'heart classify + heart rate',
      recording: `${rec.name} (${(rec.clip.samples.length / rec.clip.sampleRate).toFixed(1)} s @ ${rec.clip.sampleRate} Hz)`,
      'node wasm ms': node.medianMs.toFixed(1),
      'chromium wasm ms': ms(wasm),
      'chromium webgpu ms': ms(webgpu),
      'target (wasm)': `≤ ${target}`,
      result: typeof wasm === 'string' ? '' : wasm.summary,
    });
  }
  console.log('\nWhole recordings: median ms per recording');
  console.table(out);
  return lungRec.name;
}

/** The 60-minute recording, in its own process so its peak memory is its own. */
function longBench(): void {
  console.log('\n# a long recording from its file (bench/long.ts) …');
  execFileSync('npx', ['tsx', 'bench/long.ts', process.env.BENCH_LONG_MINUTES ?? '60'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/** The bench page served from this checkout, and a headless Chromium to open it in. */
async function openBenchBrowser(): Promise<{ server: ViteDevServer; browser: Browser; url: string }> {
  const server = await startBenchServer();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return { server, browser, url: `http://127.0.0.1:${port}/bench/browser/index.html` };
}

/** The recordings' analysis times alone (the ≤ 300 ms / ≤ 200 ms targets), without the per-model tables. */
async function recordingsOnlyBench(): Promise<void> {
  const { server, browser, url } = await openBenchBrowser();
  await recordingBenches(browser, url);
  await browser.close();
  await server.close();
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'app') return appBench(respiratoryRecordingName());
  if (process.env.BENCH_ONLY === 'long') return longBench();
  if (process.env.BENCH_ONLY === 'firstdrop') return firstDropBench(respiratoryRecordingName());
  if (process.env.BENCH_ONLY === 'recordings') return recordingsOnlyBench();
  const store = await openNodeModelStore(MODELS_DIR, 1);
  const models = modelsForTask(store.manifest, EVENT_TASK);
  const classifier = new EventClassifier(store);

  console.log('# PyTorch CPU (1 thread) …');
  const torch = JSON.parse(
    execFileSync('/usr/bin/python3', ['-m', 'training.auscult_train.bench_torch', '--threads', '1', '--reps', String(REPS)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }),
  ) as Record<string, { batch1Ms: number; perEventBatchedMs: number }>;

  console.log('# headless Chromium …');
  const { server, browser, url } = await openBenchBrowser();
  for (const model of models) {
    const windows = realEventWindows(model, BATCH);
    const node1 = await timeRuns(REPS, async () => {
      await classifier.runWindows(model, [windows[0]]);
    });
    const nodeBatched = await timeRuns(Math.max(3, REPS >> 2), async () => {
      await classifier.runWindows(model, windows);
    });
    const wasm = await browserBench(browser, url, model.id, 'wasm', windows);
    const webgpu = await browserBench(browser, url, model.id, 'webgpu', windows);
    const t = torch[model.id];
    const per = (r: BenchResult | string) => (typeof r === 'string' ? undefined : r.batched.medianMs / r.batchSize);
    const one = (r: BenchResult | string) => (typeof r === 'string' ? undefined : r.batch1.medianMs);
    rows.push({
      model: model.id,
      'size MB': (model.sizeBytes / 1e6).toFixed(2),
      'torch b1': fmt(t?.batch1Ms),
      'node wasm b1': fmt(node1.medianMs),
      'chromium wasm b1': fmt(one(wasm)),
      'chromium webgpu b1': fmt(one(webgpu)),
      'torch /ev b16': fmt(t?.perEventBatchedMs),
      'node wasm /ev b16': fmt(nodeBatched.medianMs / windows.length),
      'chromium wasm /ev b16': fmt(per(wasm)),
      'chromium webgpu /ev b16': fmt(per(webgpu)),
      'node wasm ÷ torch (b1)': t ? (node1.medianMs / t.batch1Ms).toFixed(2) : 'n/a',
      'chromium wasm ÷ torch (b1)': t && one(wasm) ? (one(wasm)! / t.batch1Ms).toFixed(2) : 'n/a',
    });
    if (typeof wasm === 'string') console.log(`  ${model.id} chromium wasm failed: ${wasm}`);
    if (typeof webgpu === 'string') console.log(`  ${model.id} chromium webgpu failed: ${webgpu}`);
  }

  console.log(`\nEvent classifiers: median ms per event (2.5 s window), ${REPS} runs; b1 = batch of 1, /ev b16 = batch of ${BATCH} ÷ ${BATCH}`);
  console.table(rows);
  const manifestBytes = readFileSync(path.join(MODELS_DIR, 'manifest.json')).length;
  const total = store.manifest.models.reduce((s, m) => s + m.sizeBytes, 0) + manifestBytes;
  console.log(`All shipped models: ${(total / 1e6).toFixed(2)} MB`);

  const lung = await recordingBenches(browser, url);
  await browser.close();
  await server.close();

  await appBench(lung);
  longBench();
}

function respiratoryRecordingName(): string {
  return longestRecording('respiratory', 15).name;
}

/** Opening the first analysis's sessions (detector + default event models), one after another and together. */
async function sessionBench(): Promise<void> {
  const { server, browser, url } = await openBenchBrowser();
  const out: Row[] = [];
  for (const backend of ['wasm', 'webgpu'] as const) {
    const row: Row = { backend };
    for (const parallel of [false, true]) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      await page.evaluate(([b, p]) => window.benchSessions(b, p), [backend, parallel] as [Backend, boolean]); // HTTP cache
      const ms = await page.evaluate(([b, p]) => window.benchSessions(b, p), [backend, parallel] as [Backend, boolean]);
      row[parallel ? 'together ms' : 'one after another ms'] = ms.toFixed(0);
      await page.close();
    }
    out.push(row);
  }
  console.log('\nOpening the first analysis\'s sessions (fetch, sha256, session creation: detector + default event models)');
  console.table(out);
  await browser.close();
  await server.close();
}

/** Where a fresh page's first drop → verdict goes (the built app, WASM). */
async function firstDropBench(lung: string): Promise<void> {
  if (process.env.BENCH_SESSIONS !== '0') await sessionBench();
  // Five fresh pages: on 2 cores the first drop varies by ±0.3 s run to run (V8 compiling ORT's
  // WebAssembly in the background competes with the page).
  const runs = Number(process.env.BENCH_FIRSTDROP_RUNS ?? 5);
  const p = await profileApp(CHROMIUM_ARGS, lung, runs);
  console.log(
    `First drop of ${lung} on a fresh page (median of ${runs}, ms after the drop): waveform drawn ${p.timelineMs.toFixed(0)}, ` +
      `spectrogram drawn ${p.spectrogramMs.toFixed(0)}, verdict shown ${p.verdictMs.toFixed(0)} ` +
      `(the worker's analysis, with model loading: ${p.analysisMs.toFixed(0)} = detect ${p.detectMs.toFixed(0)} + classify ${p.classifyMs.toFixed(0)} + rest; ` +
      `before it: waiting for the models ${p.modelsWaitMs.toFixed(0)}, and decode, prepare, drawing, queue ${(p.verdictMs - p.analysisMs - p.modelsWaitMs).toFixed(0)}); ` +
      `from navigation: dropped at ${p.dropAfterNavigationMs.toFixed(0)} (the heading shown), verdict at ${p.verdictAfterNavigationMs.toFixed(0)}`,
  );
}

async function appBench(lung: string): Promise<void> {
  console.log('\n# the built app (dist/, run `npm run build` first) …');
  const app = await benchApp(CHROMIUM_ARGS, lung, WEBGPU_REPS);
  console.log(`Precache: ${app.precacheEntries} files, ${app.precacheMB.toFixed(1)} MB (target ≤ 40 MB)`);
  console.log(`Cold start to ready, network off (service worker): median ${app.coldStartOfflineMs.toFixed(0)} ms (target ≤ 2000 ms)`);
  const fmtApp = (v: number | string) => (typeof v === 'number' ? `${v.toFixed(0)} ms` : v);
  console.log(
    `Drop ${app.recording} on a fresh page → verdict shown, through the UI (worker start, model loading, decode, ` +
      `resample, detect, classify with both models, timeline drawing): ` +
      `median WASM ${fmtApp(app.analysisMs.wasm)}, WebGPU ${fmtApp(app.analysisMs.webgpu)}`,
  );
  await firstDropBench(lung);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
