// Offline for real: after one visit (service worker installed, precache complete) the network is
// cut, the page reloaded and a recording dropped; the analysis must run to its verdict and events
// with the models served from the precache — and give what the same models gave online.
import { expect, test, type Page } from '@playwright/test';
import { ARTIFACTS, dataPath, dropFiles, expectTimelineDrawn, fileFromDisk, shownDuration, waitForAnalysisDone, wavFrames, WHEEZE_WAV } from './helpers';

/** Verdict and events of the shown recording, once its analysis is done. */
async function analysed(page: Page): Promise<{ verdict: string; rows: string[] }> {
  await waitForAnalysisDone(page);
  const verdict = (await page.getByTestId('verdict').getAttribute('data-label')) ?? '';
  const rows = await page
    .getByTestId('event-row')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-start')}-${e.getAttribute('data-end')} ${e.getAttribute('data-label')}`));
  return { verdict, rows };
}

test('a first visit opens the models before the service worker starts downloading the precache', async ({ page, context }) => {
  // The precache (~25 MB) competed with the first analysis's model loading on 2 cores (usePwaStatus).
  const seen: string[] = [];
  context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('/sw.js')) seen.push('sw.js requested');
  });
  context.on('requestfinished', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.onnx')) seen.push(`loaded ${path.replace(/^.*\//, '')}`);
  });
  await page.goto('/');
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null, undefined, { timeout: 90_000, polling: 250 });
  const manifest = (await (await page.request.get('/models/manifest.json')).json()) as { models: { file: string; task: string }[] };
  const detector = manifest.models.find((m) => m.task === 'respiratory-detector')?.file;
  const events = manifest.models.filter((m) => m.task === 'respiratory-event').map((m) => m.file);
  const registeredAt = seen.indexOf('sw.js requested');
  expect(registeredAt, seen.join(', ')).toBeGreaterThan(0);
  const before = seen.slice(0, registeredAt);
  expect(before, 'the detector was loaded before the service worker was registered').toContain(`loaded ${detector}`);
  expect(before.some((s) => events.some((f) => s === `loaded ${f}`)), `an event model was loaded first: ${seen.join(', ')}`).toBe(true);
});

test('after one visit the app analyses a recording with no network, models from the precache', async ({ page, context }) => {
  // Two analyses of a 9 s recording (online, then offline) on a shared machine.
  test.setTimeout(240_000);
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
  // Precache done: every shipped model is in Cache Storage.
  const cachedModels = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
    return urls.filter((u) => u.endsWith('.onnx')).map((u) => u.replace(/^.*\//, ''));
  });
  const manifest = (await (await page.request.get('/models/manifest.json')).json()) as { models: { file: string }[] };
  expect(cachedModels.sort()).toEqual(manifest.models.map((m) => m.file).sort());

  // The reference: the same recording analysed online.
  const wav = fileFromDisk(dataPath(WHEEZE_WAV), 'audio/wav');
  await dropFiles(page, [wav]);
  const online = await analysed(page);
  expect(online.rows.length, 'the wheeze recording has detected events').toBeGreaterThan(0);

  await context.setOffline(true);
  const failed: string[] = [];
  const fromNetwork: string[] = [];
  context.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  context.on('response', (r) => {
    const url = r.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && !r.fromServiceWorker()) fromNetwork.push(url);
  });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Auscult' })).toBeVisible();
  await expect(page.getByText('Offline', { exact: true })).toBeVisible();

  await dropFiles(page, [wav]);
  await expectTimelineDrawn(page);
  const { frames } = wavFrames(dataPath(WHEEZE_WAV));
  expect(Math.abs((await shownDuration(page)) - frames / 8000)).toBeLessThanOrEqual(0.05);
  const offline = await analysed(page);
  expect(offline).toEqual(online);
  await page.screenshot({ path: `${ARTIFACTS}/offline.png`, fullPage: true });
  // Nothing reached for the network: every request was answered by the service worker.
  expect(failed).toEqual([]);
  expect(fromNetwork).toEqual([]);
  await context.setOffline(false);
});
