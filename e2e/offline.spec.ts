import { expect, test } from '@playwright/test';
import { ARTIFACTS, dataPath, dropFiles, expectTimelineDrawn, fileFromDisk, shownDuration, wavFrames, WHEEZE_WAV } from './helpers';

test('after one visit the app loads and opens recordings with no network', async ({ page, context }) => {
  await page.goto('/');
  // The service worker precaches the shell, worker, worklet, ORT runtime and models, then claims the page.
  await page.waitForFunction(
    async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active?.state === 'activated' && navigator.serviceWorker.controller !== null;
    },
    undefined,
    { timeout: 90_000, polling: 250 },
  );
  await expect(page.getByTestId('offline-ready')).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Auscult' })).toBeVisible();
  await expect(page.getByText('Offline', { exact: true })).toBeVisible();

  await dropFiles(page, [fileFromDisk(dataPath(WHEEZE_WAV), 'audio/wav')]);
  await expectTimelineDrawn(page);
  const { frames } = wavFrames(dataPath(WHEEZE_WAV));
  expect(Math.abs((await shownDuration(page)) - frames / 8000)).toBeLessThanOrEqual(0.05);
  await page.screenshot({ path: `${ARTIFACTS}/offline.png`, fullPage: true });
  await context.setOffline(false);
});
