// The built app as a user gets it (dist/ served by `vite preview`), in headless Chromium:
// precache size, cold start to ready with the network off, and a dropped recording analysed
// end to end through the UI (decode → resample → detect → classify with both models).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { preview } from 'vite';
import { REPO_ROOT, SPRSOUND_DIR } from '../src/testing/data';
import { median } from './timing';

const DIST = path.join(REPO_ROOT, 'dist');
const RUNS = Number(process.env.BENCH_APP_RUNS ?? 5);

export interface AppBench {
  precacheMB: number;
  precacheEntries: number;
  coldStartOfflineMs: number;
  analysisMs: Record<'wasm' | 'webgpu', number | string>;
  recording: string;
}

/** Sum of the files the service worker precaches, read from the generated dist/sw.js. */
export function precacheSize(): { bytes: number; entries: number } {
  const sw = readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]);
  return { bytes: urls.reduce((s, u) => s + statSync(path.join(DIST, u)).size, 0), entries: urls.length };
}

async function dropRecording(page: Page, file: string): Promise<void> {
  const b64 = readFileSync(file).toString('base64');
  await page.evaluate(
    ([name, data]) => {
      const bin = atob(data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'audio/wav' }));
      const target = document.querySelector('main') ?? document.body;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    [path.basename(file), b64],
  );
}

async function timeAnalysis(browser: Browser, url: string, file: string, runs: number): Promise<number | string> {
  const times: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.getByRole('heading', { name: 'Auscult' }).waitFor();
      const t0 = Date.now();
      await dropRecording(page, file);
      await page.getByTestId('verdict').waitFor({ timeout: 120_000 });
      // The first run is a warm-up; like every page here it has a context of its own, so each run opens the runtime and models afresh.
      if (i > 0) times.push(Date.now() - t0);
      await page.close();
    }
    return median(times);
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

declare global {
  interface Window {
    /** The first-drop profile's timestamps (performance.now()), set in the page. */
    __t?: Record<string, number>;
  }
}

/** Where the first drop's time goes, from the page (ms after the drop). */
export interface FirstDropProfile {
  /** Waveform drawn: file read, decode, resample, peaks and spectrogram in the worker, drawing. */
  timelineMs: number;
  spectrogramMs: number;
  verdictMs: number;
  /** The worker's analysis alone (model sessions created on first use, detect, classify). */
  analysisMs: number;
  /** Before the analysis, its wait for the models (runtime start, sessions, warm-up). */
  modelsWaitMs: number;
  /** The analysis's stages (RecordingAnalysis.stageMs): detect, classify. */
  detectMs: number;
  classifyMs: number;
  /**
   * The drop's own time after navigation (the bench drops as soon as the app's heading shows): a
   * page that shows its heading later leaves the models more time before the drop, so the verdict is
   * also given from navigation.
   */
  dropAfterNavigationMs: number;
  verdictAfterNavigationMs: number;
}

/** A fresh page's first drop, timed in the page at each visible step. */
export async function profileFirstDrop(browser: Browser, url: string, file: string): Promise<FirstDropProfile> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.getByRole('heading', { name: 'Auscult' }).waitFor();
    await page.evaluate(() => {
      const w = window;
      w.__t = { drop: performance.now() };
      // No named inner functions: the bench runs under tsx, whose helpers do not exist in the page.
      new MutationObserver(() => {
        const tl = document.querySelector('[data-testid="timeline"]');
        const t = w.__t ?? {};
        if (tl?.getAttribute('data-ready') === 'true') t.timeline ??= performance.now();
        if (tl?.getAttribute('data-spectrogram-ready') === 'true') t.spectrogram ??= performance.now();
        if (document.querySelector('[data-testid="verdict"][data-label]')) t.verdict ??= performance.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await dropRecording(page, file);
    await page.getByTestId('verdict').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => window.__t?.verdict !== undefined);
    const t = await page.evaluate(() => window.__t ?? {});
    const analysisMs = Number(await page.getByTestId('verdict').getAttribute('data-elapsed-ms'));
    const stages = JSON.parse((await page.getByTestId('verdict').getAttribute('data-stage-ms')) ?? '{}') as Record<string, number>;
    return {
      timelineMs: t.timeline - t.drop,
      spectrogramMs: (t.spectrogram ?? NaN) - t.drop,
      verdictMs: t.verdict - t.drop,
      analysisMs,
      modelsWaitMs: stages.models ?? NaN,
      detectMs: stages.detect ?? NaN,
      classifyMs: stages.classify ?? NaN,
      dropAfterNavigationMs: t.drop,
      verdictAfterNavigationMs: t.verdict,
    };
  } finally {
    await page.close();
  }
}

export async function benchApp(chromiumArgs: string[], recordingName: string, webgpuRuns: number): Promise<AppBench> {
  const server = await preview({ root: REPO_ROOT, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
  const url = server.resolvedUrls?.local[0] ?? '';
  const file = path.join(SPRSOUND_DIR, 'original-wav', recordingName);
  const { bytes, entries } = precacheSize();
  let coldStartOfflineMs = NaN;
  const analysisMs: AppBench['analysisMs'] = { wasm: 'n/a', webgpu: 'n/a' };
  try {
    const plain = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu') });
    const context = await plain.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated' && !!navigator.serviceWorker.controller, undefined, {
      timeout: 120_000,
    });
    await context.setOffline(true);
    const starts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = Date.now();
      await page.reload();
      await page.getByRole('banner').getByRole('button', { name: 'Open files' }).waitFor();
      starts.push(Date.now() - t0);
    }
    coldStartOfflineMs = median(starts);
    await context.close();
    analysisMs.wasm = await timeAnalysis(plain, url, file, RUNS);
    await plain.close();
    const gpu = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
    analysisMs.webgpu = await timeAnalysis(gpu, url, file, Math.min(RUNS, webgpuRuns));
    await gpu.close();
  } finally {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  return { precacheMB: bytes / 1e6, precacheEntries: entries, coldStartOfflineMs, analysisMs, recording: recordingName };
}

/** The first drop on a fresh page, `runs` times (median of each step), on the built app without WebGPU. */
export async function profileApp(chromiumArgs: string[], recordingName: string, runs: number): Promise<FirstDropProfile> {
  const server = await preview({ root: REPO_ROOT, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
  const url = server.resolvedUrls?.local[0] ?? '';
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu') });
  try {
    const file = path.join(SPRSOUND_DIR, 'original-wav', recordingName);
    // A warm-up run, not counted: browser.newPage() opens each page in a context of its own (no HTTP or
    // compiled-code cache shared), so every counted run is a first visit.
    await profileFirstDrop(browser, url, file);
    const all: FirstDropProfile[] = [];
    for (let i = 0; i < runs; i++) all.push(await profileFirstDrop(browser, url, file));
    const med = (k: keyof FirstDropProfile) => median(all.map((p) => p[k]));
    return {
      timelineMs: med('timelineMs'),
      spectrogramMs: med('spectrogramMs'),
      verdictMs: med('verdictMs'),
      analysisMs: med('analysisMs'),
      modelsWaitMs: med('modelsWaitMs'),
      detectMs: med('detectMs'),
      classifyMs: med('classifyMs'),
      dropAfterNavigationMs: med('dropAfterNavigationMs'),
      verdictAfterNavigationMs: med('verdictAfterNavigationMs'),
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}
