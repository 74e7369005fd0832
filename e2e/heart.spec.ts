// Heart mode on real PASCAL heart-sound recordings: the switch, the classifier's answer (compared with
// PyTorch's for the same file), per-window regions in the heart classes' colours, the heart rate,
// and the mode remembered for the recording.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARTIFACTS, dropFiles, expectTimelineDrawn, fileFromDisk } from './helpers';

const HEART_WAV_DIR = resolve(process.env.AUSCULT_HEART_WAV ?? '../shared/data/heartbeat-sounds-original-wav');
const FILE = 'murmur__112_1306243000964_B.wav';
const CLASSES = ['artifact', 'extrahls', 'murmur', 'normal'];

test('heart mode: top class and every class confidence, per-window regions, heart rate, remembered', async ({ page }) => {
  const golden = (JSON.parse(readFileSync('test-fixtures/golden/heart-model.json', 'utf8')) as { recordings: { file: string; windows: number; probs: number[] }[] }).recordings.find(
    (r) => r.file === FILE,
  )!;
  await page.goto('/');
  await dropFiles(page, [fileFromDisk(resolve(HEART_WAV_DIR, FILE), 'audio/wav')]);
  await expectTimelineDrawn(page);
  const modeSwitch = page.getByTestId('mode-switch');
  await modeSwitch.getByRole('button', { name: 'Heart sounds' }).click();
  await expect(modeSwitch.getByRole('button', { name: 'Heart sounds' })).toHaveAttribute('aria-pressed', 'true');

  const result = page.getByTestId('heart-result');
  await expect(result).toBeVisible({ timeout: 90_000 });
  const top = CLASSES[golden.probs.indexOf(Math.max(...golden.probs))];
  await expect(page.getByTestId('heart-top')).toHaveText(top);
  for (const [k, c] of CLASSES.entries()) {
    const shown = Number(await page.getByTestId('heart-classes').locator(`[data-class="${c}"]`).getAttribute('data-confidence'));
    // The browser's WASM run of the same model, input policy and resampler as PyTorch's reference.
    expect(Math.abs(shown - golden.probs[k]), `${c} confidence`).toBeLessThan(2e-3);
  }
  // One region per model window, coloured by its class, on the same timeline.
  const windows = page.locator('[data-testid="timeline"] [data-lane="heart"]');
  await expect(windows).toHaveCount(golden.windows);
  for (const c of await windows.evaluateAll((els) => els.map((e) => e.getAttribute('data-heart-class')))) expect(CLASSES).toContain(c);
  await expect(page.getByTestId('legend')).toContainText('Heart sounds');
  // Heart rate: a number in the physiological range, or the reason it could not be measured.
  const rate = page.getByTestId('heart-rate');
  const bpm = await rate.getAttribute('data-bpm');
  if (bpm) {
    expect(Number(bpm)).toBeGreaterThanOrEqual(30);
    expect(Number(bpm)).toBeLessThanOrEqual(250);
    await expect(rate).toContainText('bpm');
  } else {
    await expect(rate).toContainText('Not measurable');
  }
  await expect(page.getByTestId('recording-status')).toContainText(`Heart: ${top}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/heart-mode.png`, fullPage: true });

  // Remembered: after a reload, reopening from History and dropping the file again both come back in heart mode.
  await page.waitForTimeout(800);
  await page.reload();
  await page.getByTestId('history-item').filter({ hasText: FILE }).click();
  await expect(page.getByTestId('heart-top')).toHaveText(top);
  await expect(page.getByTestId('mode-switch').getByRole('button', { name: 'Heart sounds' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: `Remove ${FILE}` }).click();
  await dropFiles(page, [fileFromDisk(resolve(HEART_WAV_DIR, FILE), 'audio/wav')]);
  await expect(page.getByTestId('heart-top')).toHaveText(top, { timeout: 90_000 });

  // And back to lung mode: the respiratory analysis runs.
  await page.getByTestId('mode-switch').getByRole('button', { name: 'Lung sounds' }).click();
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('[data-testid="timeline"] [data-lane="heart"]')).toHaveCount(0);
});
