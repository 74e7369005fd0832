// Shared e2e helpers: where the real data lives, synthetic drops, and UI-thread measurements.
import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { DATA, MissingDataError, missingData, missingDataMessage, skippingMissingData, type DataNeed } from '../src/testing/data';
import { writeLongWav } from '../src/testing/longWav';

/** The SPRSound 2022 training folder (holds original-wav/ and json/), under AUSCULT_DATA (../shared/data). */
export const DATA_DIR = DATA.sprsound.path;
export const ARTIFACTS = resolve('e2e-artifacts');

/**
 * The need's path when it is on disk. Missing, the test fails with what is missing, where it was
 * looked for and where it comes from (src/testing/data.ts); under AUSCULT_SKIP_MISSING_DATA=1 a
 * test whose outside data is missing is skipped with that message instead.
 */
export function needData(need: DataNeed): string {
  if (missingData(need).length === 0) return need.path;
  const message = missingDataMessage(need);
  if (skippingMissingData() && !need.committed) test.skip(true, message);
  throw new MissingDataError(message);
}

/** 15.36 s, the longest of the published WAVs (with the malformed block_align = 4 header). */
export const LONG_WAV = 'original-wav/41012107_7.9_0_p4_708.wav';
/** 9.2 s, annotated with wheezes and normal breaths. */
export const WHEEZE_WAV = 'original-wav/41251473_2.7_1_p1_2489.wav';

/** A file of the SPRSound folder, e.g. `original-wav/<name>.wav` or `json/<name>.json`. */
export function dataPath(rel: string): string {
  return needData({ ...DATA.sprsound, path: resolve(DATA_DIR, rel), what: `SPRSound file ${rel}` });
}

/**
 * Frames of a PCM WAV from its fmt and data chunks alone (channels × bits, never block_align,
 * which SPRSound files get wrong): the ground truth the app's duration is checked against.
 */
export function wavFrames(path: string): { frames: number; rate: number } {
  const b = readFileSync(path);
  let o = 12;
  let channels = 0;
  let bits = 0;
  let rate = 0;
  while (o + 8 <= b.length) {
    const id = b.toString('ascii', o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(o + 10);
      rate = b.readUInt32LE(o + 12);
      bits = b.readUInt16LE(o + 22);
    } else if (id === 'data') {
      const bytes = Math.min(size, b.length - o - 8);
      return { frames: Math.floor(bytes / (channels * (bits / 8))), rate };
    }
    o += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

export interface DropFile {
  name: string;
  bytes: Buffer;
  type?: string;
}

export function fileFromDisk(path: string, type = ''): DropFile {
  return { name: basename(path), bytes: readFileSync(path), type };
}

/** Builds the files in the page (a DataTransfer kept on window), ready for `dispatchDrop`. */
export async function stageDrop(page: Page, files: DropFile[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.type ?? '', b64: f.bytes.toString('base64') }));
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], it.name, { type: it.type }));
    }
    (window as unknown as { __drop: DataTransfer }).__drop = dt;
  }, payload);
}

/** Drops the staged files the way a file manager does: dragenter, dragover, drop. */
export async function dispatchDrop(page: Page): Promise<void> {
  // The UI is its own chunk, mounted after the page's load event (main.tsx): drop onto the app, as a user does.
  await page.locator('main').waitFor({ state: 'attached' });
  await page.evaluate(() => {
    const dt = (window as unknown as { __drop: DataTransfer }).__drop;
    const target = document.querySelector('main') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  });
}

export async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
  await stageDrop(page, files);
  await dispatchDrop(page);
}

/**
 * Waits without Playwright's expect polling, whose failure snapshots (aria trees) run on the
 * page's UI thread and would show up as the app's long tasks.
 */
export async function waitForTimelineQuietly(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="timeline"]')?.getAttribute('data-spectrogram-ready') === 'true',
    undefined,
    { polling: 200, timeout: 60_000 },
  );
}

/** Installed before any page script: records every long task (> 50 ms) on the UI thread. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

export async function longTasksSince(page: Page, since: number): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(
    (t0) => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter((x) => x.start >= t0),
    since,
  );
}

/** The shown recording's waveform and spectrogram are drawn. */
export async function expectTimelineDrawn(page: Page): Promise<void> {
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toHaveAttribute('data-ready', 'true');
  await expect(timeline).toHaveAttribute('data-spectrogram-ready', 'true');
  // wavesurfer draws into an open shadow root; count its canvases and check they are not blank.
  const stats = await page.evaluate(() => {
    const host = document.querySelector('[data-testid="timeline"] > div');
    const root = host?.shadowRoot;
    if (!root) return { waveform: 0, spectrogram: 0, spectrogramInk: 0 };
    const canvases = Array.from(root.querySelectorAll('canvas'));
    const waveform = root.querySelectorAll('.canvases canvas').length;
    const spec = canvases.filter((c) => !c.closest('.canvases') && c.getAttribute('part') !== 'spec-labels' && c.width > 100);
    let ink = 0;
    for (const c of spec) {
      const ctx = c.getContext('2d');
      if (!ctx) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      ink = Math.max(ink, seen.size);
    }
    return { waveform, spectrogram: spec.length, spectrogramInk: ink };
  });
  expect(stats.waveform, 'waveform canvases').toBeGreaterThan(0);
  expect(stats.spectrogram, 'spectrogram canvases').toBeGreaterThan(0);
  expect(stats.spectrogramInk, 'distinct colours in the spectrogram').toBeGreaterThan(20);
}

/**
 * Waits until the shown recording's analysis is done: its verdict is shown and no progress line is
 * left. An analysis error fails at once with the error the page shows.
 */
export async function waitForAnalysisDone(page: Page, timeout = 90_000): Promise<void> {
  await expect(page.locator('[data-testid="verdict"][data-label], [data-testid="analysis-error"]').first()).toBeVisible({ timeout });
  const error = page.getByTestId('analysis-error');
  if (await error.count()) throw new Error(`analysis error shown: ${await error.textContent()}`);
  await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
}

export async function shownDuration(page: Page): Promise<number> {
  return Number(await page.getByTestId('recording-duration').getAttribute('data-seconds'));
}

export interface UiThreadTasks {
  /** Longest task on the page's main thread, wall clock (what a user would feel). */
  maxWallMs: number;
  /** Longest task measured in thread CPU time: unaffected by other processes preempting Chromium. */
  maxCpuMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Chrome's own trace of the renderer main thread while `work` runs. On a machine shared with
 * other jobs, wall-clock task lengths include time the OS gave to other processes; the trace's
 * thread time (`tdur`) is the UI thread's actual work.
 */
export async function traceUiThread(page: Page, work: () => Promise<void>): Promise<UiThreadTasks> {
  const browser = page.context().browser();
  if (!browser) throw new Error('tracing needs a launched browser');
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
  let buf: Buffer;
  try {
    await work();
  } finally {
    buf = await browser.stopTracing();
  }
  const parsed = JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  // The busiest renderer main thread is the page's (the service worker has its own thread).
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'RunTask' || !mains.has(key)) continue;
    byThread.set(key, [...(byThread.get(key) ?? []), e]);
  }
  const busiest = [...byThread.values()].sort(
    (a, b) => b.reduce((n, e) => n + (e.tdur ?? 0), 0) - a.reduce((n, e) => n + (e.tdur ?? 0), 0),
  )[0] ?? [];
  return {
    maxWallMs: Math.max(0, ...busiest.map((e) => (e.dur ?? 0) / 1000)),
    maxCpuMs: Math.max(0, ...busiest.map((e) => (e.tdur ?? 0) / 1000)),
  };
}

/** PASCAL heart sounds (FLAC at 44.1 kHz and 4 kHz), under AUSCULT_DATA (../shared/data). */
export const HEART_DIR = DATA.heartbeatSounds.path;

/** A PASCAL FLAC file, e.g. `normal/<name>.flac`. */
export function heartPath(rel: string): string {
  return needData({ ...DATA.heartbeatSounds, path: resolve(HEART_DIR, rel), what: `PASCAL heart-sound file ${rel}` });
}

/** One of the 8 PASCAL WAV files as published (with LIST chunks). */
export function heartWavPath(name: string): string {
  return needData({ ...DATA.heartOriginalWav, path: resolve(DATA.heartOriginalWav.path, name), what: `PASCAL heart-sound WAV ${name}` });
}

/** Rate, channels and frames from a FLAC STREAMINFO block: the ground truth for browser-decoded files. */
export function flacInfo(path: string): { rate: number; channels: number; frames: number } {
  const b = readFileSync(path);
  if (b.toString('ascii', 0, 4) !== 'fLaC') throw new Error(`${path}: not FLAC`);
  const o = 8;
  const rate = (b[o + 10] << 12) | (b[o + 11] << 4) | (b[o + 12] >> 4);
  const channels = ((b[o + 12] >> 1) & 7) + 1;
  const frames = (b[o + 13] & 0x0f) * 2 ** 32 + b.readUInt32BE(o + 14);
  return { rate, channels, frames };
}

/**
 * A 10-minute, 48 kHz recording (58 MB) of real SPRSound recordings one after another, written once
 * per machine; `copy` names a second file with the same audio.
 */
export function longFile(copy = ''): string {
  const dir = join(tmpdir(), 'auscult-e2e');
  const file = join(dir, `long-10min-48k${copy}.wav`);
  if (!existsSync(file)) {
    // Made of the SPRSound original WAVs.
    needData(DATA.sprsoundOriginalWav);
    mkdirSync(dir, { recursive: true });
    writeLongWav(file, 10 * 60, 48000);
  }
  return file;
}
