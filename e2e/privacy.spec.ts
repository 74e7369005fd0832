// Patient audio never leaves the device: a whole session talks to the app's own origin only,
// and the Content-Security-Policy forbids anything else even if code tried.
import { expect, test } from '@playwright/test';
import { dataPath, dropFiles, expectTimelineDrawn, fileFromDisk, waitForAnalysisDone, WHEEZE_WAV } from './helpers';

test('a full session makes no request outside the app origin', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  // Every request of the page, its workers and its service worker goes through the context.
  context.on('request', (r) => requests.push(r.url()));

  await page.goto('/');
  await dropFiles(page, [
    fileFromDisk(dataPath(WHEEZE_WAV), 'audio/wav'),
    fileFromDisk(dataPath(WHEEZE_WAV.replace('original-wav/', 'json/').replace('.wav', '.json')), 'application/json'),
  ]);
  await expectTimelineDrawn(page);
  // The whole analysis (model fetches, inference) belongs to the session: wait until it is done.
  await waitForAnalysisDone(page);
  // The models were among the session's requests.
  expect(requests.filter((u) => u.endsWith('.onnx')).length, 'model requests').toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Auscult' })).toBeVisible();

  const foreign = requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
  expect(requests.length).toBeGreaterThan(5);
  expect(foreign).toEqual([]);
});

test('the Content-Security-Policy blocks third-party hosts', async ({ page }) => {
  await page.goto('/');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self' blob: data:");
  const outcome = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }),
    );
    try {
      await fetch('https://analytics.example.com/collect', { method: 'POST', body: 'audio' });
      return 'sent';
    } catch {
      return `blocked by ${await violation}`;
    }
  });
  expect(outcome).toBe('blocked by connect-src');
});
