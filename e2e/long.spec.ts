// A long recording (here 10 min at 48 kHz, 58 MB; the app's threshold lowered to 30 s so CI stays
// quick) is never decoded whole: it is shown and analysed from the file a chunk at a time, with
// progress and a Cancel that stops the analysis and leaves the recording open. The 60-minute case
// is measured by `npm run bench` (peak memory), not here.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { ARTIFACTS, longFile } from './helpers';

test('a long recording is read in chunks: progress, cancel, analyse again, events from the file', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('auscult.longRecordingMinutes', '0.5'));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(longFile());

  await expect(page.getByTestId('long-recording-note')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-spectrogram-ready', 'true', { timeout: 60_000 });
  const progress = page.getByTestId('analysis-progress');
  await expect(progress).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(progress).toContainText(/Finding respiratory events \(\d+ of \d+\)/);
  await page.getByTestId('cancel-analysis').click();
  await expect(page.getByTestId('analysis-cancelled')).toBeVisible();
  await expect(page.getByTestId('recording-status')).toContainText('Analysis cancelled');
  await expect(progress).toHaveCount(0);

  await page.getByRole('button', { name: 'Analyse again' }).click();
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 120_000 });
  const rows = page.getByTestId('event-row');
  // Hundreds of events are shown 100 rows at a time; the next page starts at event 101.
  const total = Number(/\d+/.exec((await page.getByTestId('event-count').textContent()) ?? '')?.[0]);
  expect(total).toBeGreaterThan(100);
  await expect(rows).toHaveCount(100);
  await page.getByTestId('event-pages').getByRole('button', { name: /next page/i }).click();
  await expect(rows).toHaveCount(Math.min(100, total - 100));
  await expect(rows.first()).toContainText('101');
  await page.getByTestId('event-pages').getByRole('button', { name: /previous page/i }).click();
  await expect(rows).toHaveCount(100);
  // An event late in the file: its model-input spectrogram is read from the file too.
  await rows.nth(40).click();
  await expect(page.getByTestId('event-spectrogram')).toHaveAttribute('data-ready', 'true');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/long-recording.png`, fullPage: true });
  const verdict = (await page.getByTestId('verdict-label').textContent())!.trim();
  const n = await rows.count();

  // History keeps its own copy of the file: after a reload it reopens, as analysed, without re-analysis.
  await page.waitForTimeout(800); // the debounced save
  await page.reload();
  await page.getByTestId('history-item').filter({ hasText: 'long-10min-48k.wav' }).click();
  await expect(page.getByTestId('long-recording-note')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('verdict-label')).toHaveText(verdict);
  await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
  await expect(rows).toHaveCount(n);
});
