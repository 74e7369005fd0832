// Recording from Chromium's fake microphone, fed by a real SPRSound recording resampled to 48 kHz.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config';
import { ARTIFACTS, expectTimelineDrawn, shownDuration } from './helpers';

const MIC_FIXTURE = resolve('test-fixtures/mic/sprsound-wheeze-48k.wav');

test.use({
  permissions: ['microphone'],
  launchOptions: {
    executablePath: CHROMIUM,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${MIC_FIXTURE}`,
    ],
  },
});

async function elapsed(page: Page): Promise<number> {
  return Number((await page.getByTestId('record-elapsed').getAttribute('data-seconds')) ?? 0);
}

/** Polls inside the page (cheap and precise) until the recorder has captured `seconds`. */
async function waitForElapsed(page: Page, seconds: number): Promise<void> {
  await page.waitForFunction(
    (s) => Number(document.querySelector('[data-testid="record-elapsed"]')?.getAttribute('data-seconds') ?? 0) >= s,
    seconds,
    { polling: 20, timeout: 30_000 },
  );
}

async function startRecording(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('banner').getByRole('button', { name: 'Record', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Recorder' });
  await panel.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(panel.getByRole('button', { name: 'Stop' })).toBeVisible();
}

test('3 s from the microphone become a recording of ≈ 3 s that can be downloaded as WAV', async ({ page }) => {
  await startRecording(page);
  await waitForElapsed(page, 1.5);
  await page.screenshot({ path: `${ARTIFACTS}/recording.png`, fullPage: true });
  // Stop from inside the page the moment 3 s are captured: a Playwright click round-trip on a
  // loaded 2-core machine can take a few hundred ms, which would measure the harness, not the app.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const el = document.querySelector('[data-testid="record-elapsed"]');
        const check = () => {
          if (Number(el?.getAttribute('data-seconds') ?? 0) < 3.0) return false;
          const stop = Array.from(document.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Stop');
          stop?.click();
          resolve();
          return true;
        };
        if (!check() && el) new MutationObserver((_, obs) => check() && obs.disconnect()).observe(el, { attributes: true });
      }),
  );

  await expect(page.getByTestId('recording-item')).toHaveCount(1);
  await expectTimelineDrawn(page);
  const duration = await shownDuration(page);
  console.log(`recorded duration ${duration.toFixed(3)} s (Stop pressed when 3.0 s were captured)`);
  expect(duration).toBeGreaterThanOrEqual(2.7);
  expect(duration).toBeLessThanOrEqual(3.3);
  await expect(page.getByTestId('recording-meta')).toContainText('Microphone');
  await page.screenshot({ path: `${ARTIFACTS}/recorded.png`, fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download WAV' }).click()]);
  const wav = readFileSync(await download.path());
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
  const rate = wav.readUInt32LE(24);
  const frames = wav.readUInt32LE(40) / 2;
  expect(wav.readUInt16LE(34)).toBe(16);
  expect(Math.abs(frames / rate - duration)).toBeLessThan(0.01);
});

test('a recording interrupted by a reload is recovered at start-up with a notice', async ({ page }) => {
  page.on('dialog', (d) => void d.accept()); // the "leave the page?" prompt while recording
  await startRecording(page);
  await waitForElapsed(page, 2.5);
  const before = await elapsed(page);
  await page.reload();

  await expect(page.getByTestId('notice').filter({ hasText: 'Recovered an unfinished recording' })).toBeVisible();
  await expect(page.getByTestId('recording-item')).toHaveCount(1);
  await expect(page.getByTestId('recording-item')).toContainText('Recovered');
  await expectTimelineDrawn(page);
  const recovered = await shownDuration(page);
  console.log(`recording reached ${before.toFixed(2)} s before the reload; recovered ${recovered.toFixed(2)} s`);
  // Chunks are saved every 0.5 s: at most ~1 s may be lost.
  expect(recovered).toBeGreaterThanOrEqual(before - 1.0);
  await page.screenshot({ path: `${ARTIFACTS}/recovered.png`, fullPage: true });
});

test('a microphone that disappears mid-recording keeps what was recorded and says so', async ({ page }) => {
  await page.addInitScript(() => {
    const streams: MediaStream[] = [];
    (window as unknown as { __streams: MediaStream[] }).__streams = streams;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (c) => {
      const s = await original(c);
      streams.push(s);
      return s;
    };
  });
  await startRecording(page);
  await waitForElapsed(page, 1.5);
  // What the browser does when a USB stethoscope is unplugged.
  await page.evaluate(() => {
    for (const s of (window as unknown as { __streams: MediaStream[] }).__streams) {
      for (const t of s.getAudioTracks()) t.dispatchEvent(new Event('ended'));
    }
  });
  await expect(page.getByRole('alert').filter({ hasText: 'was disconnected' }).first()).toBeVisible();
  await expect(page.getByTestId('recording-item')).toHaveCount(1);
  await expectTimelineDrawn(page);
  expect(await shownDuration(page)).toBeGreaterThanOrEqual(1.4);
});

test('denied microphone permission gives a clear message and the app keeps working', async ({ page }) => {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await page.goto('/');
  await page.getByRole('banner').getByRole('button', { name: 'Record', exact: true }).click();
  await page.getByRole('region', { name: 'Recorder' }).getByRole('button', { name: 'Record', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Microphone access was denied' })).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/mic-denied.png`, fullPage: true });
  await expect(page.getByRole('button', { name: 'Open files' }).first()).toBeEnabled();
});

test('a microphone recording longer than the long-recording threshold is kept as a file and analysed in chunks', async ({ page }) => {
  // Threshold lowered to 1.2 s so that a 3 s recording takes the path a 60-minute one takes.
  await page.addInitScript(() => localStorage.setItem('auscult.longRecordingMinutes', '0.02'));
  await startRecording(page);
  await waitForElapsed(page, 3);
  await page.getByRole('region', { name: 'Recorder' }).getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('recording-item')).toHaveCount(1);
  await expect(page.getByTestId('long-recording-note')).toBeVisible();
  await expectTimelineDrawn(page);
  expect(await shownDuration(page)).toBeGreaterThanOrEqual(2.9);
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download WAV' }).click()]);
  const wav = readFileSync(await download.path());
  expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
  expect(wav.readUInt32LE(40) / 2 / wav.readUInt32LE(24)).toBeGreaterThanOrEqual(2.9);
});
