import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ARTIFACTS, dataPath, dropFiles, expectTimelineDrawn, fileFromDisk, LONG_WAV, shownDuration, wavFrames, WHEEZE_WAV } from './helpers';

test('bad files each get a clear message; good files in the same drop and afterwards still open', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto('/');
  const good = readFileSync(dataPath(WHEEZE_WAV));

  await dropFiles(page, [
    { name: 'notes.txt', bytes: Buffer.from('Patient 12, left base, fine crackles?\n'), type: 'text/plain' },
    { name: 'empty.wav', bytes: Buffer.alloc(0), type: 'audio/wav' },
    { name: 'cut-off.wav', bytes: good.subarray(0, 40), type: 'audio/wav' },
    { name: 'not-really.mp3', bytes: Buffer.from('%PDF-1.7 this is a PDF, renamed'), type: 'audio/mpeg' },
    fileFromDisk(dataPath(WHEEZE_WAV), 'audio/wav'),
  ]);

  const errors = page.getByTestId('file-error');
  await expect(errors).toHaveCount(4);
  await expect(errors.filter({ hasText: 'notes.txt' })).toContainText('not an audio file');
  await expect(errors.filter({ hasText: 'empty.wav' })).toContainText('empty');
  await expect(errors.filter({ hasText: 'not-really.mp3' })).toContainText('not an audio file');
  // Whatever the WAV reader says about a header without data, it says it in words.
  await expect(errors.filter({ hasText: 'cut-off.wav' })).toContainText(/\w{4,}/);
  await expect(page.getByTestId('recording-item')).toHaveCount(1);
  await expectTimelineDrawn(page);
  await page.screenshot({ path: `${ARTIFACTS}/errors.png`, fullPage: true });

  // The app keeps working: another good file, on its own.
  await dropFiles(page, [fileFromDisk(dataPath(LONG_WAV), 'audio/wav')]);
  await expect(page.getByTestId('recording-item')).toHaveCount(2);
  await expect(page.getByRole('heading', { name: /41012107/ })).toBeVisible();
  await expectTimelineDrawn(page);
  const { frames } = wavFrames(dataPath(LONG_WAV));
  expect(Math.abs((await shownDuration(page)) - frames / 8000)).toBeLessThanOrEqual(0.05);

  // Errors can be dismissed one by one.
  await errors.first().getByRole('button', { name: /close/i }).click();
  await expect(errors).toHaveCount(3);
  expect(pageErrors).toEqual([]);
});

test('an annotation without its recording is reported, not silently dropped', async ({ page }) => {
  await page.goto('/');
  const json = dataPath(WHEEZE_WAV.replace('original-wav/', 'json/').replace(/\.wav$/, '.json'));
  await dropFiles(page, [fileFromDisk(json, 'application/json')]);
  await expect(page.getByTestId('file-error')).toContainText('No open recording is named');
});

test('a recording over the configured maximum length is refused with the limit in the message', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('auscult.maxDurationMinutes', '0.1'));
  await page.goto('/');
  await dropFiles(page, [fileFromDisk(dataPath(LONG_WAV), 'audio/wav')]);
  const error = page.getByTestId('file-error');
  await expect(error).toContainText('15.4 s');
  await expect(error).toContainText('6.0 s');
  await expect(page.getByTestId('recording-item')).toHaveCount(0);
});

test('the Open files button opens the system file picker', async ({ page }) => {
  await page.goto('/');
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('banner').getByRole('button', { name: 'Open files' }).click(),
  ]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles([dataPath(WHEEZE_WAV), dataPath(LONG_WAV)]);
  await expect(page.getByTestId('recording-item')).toHaveCount(2);
  await expectTimelineDrawn(page);
  // Selecting another recording in the list shows it.
  await page.getByTestId('recording-item').nth(1).click();
  await expect(page.getByRole('heading', { name: /41012107/ })).toBeVisible();
  await expectTimelineDrawn(page);
});
