// A new deployment must never replace the running version silently: the user sees a prompt and
// only their "Reload" switches. Simulated by changing one byte of the served service worker.
import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARTIFACTS, longFile } from './helpers';

const SW = resolve('dist/sw.js');

/** Same length (the preview server may have cached the size): flip one hex digit of index.html's revision. */
function bumpRevision(sw: string): string {
  const m = /url:"index\.html",revision:"([0-9a-f])/.exec(sw);
  if (!m || m.index === undefined) throw new Error('index.html revision not found in sw.js');
  const at = m.index + m[0].length - 1;
  return sw.slice(0, at) + (m[1] === '0' ? '1' : '0') + sw.slice(at + 1);
}

test('a new version waits for the user to press Reload', async ({ page }) => {
  const original = readFileSync(SW, 'utf8');
  try {
    await page.goto('/');
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null && navigator.serviceWorker.controller !== null);
    const firstScript = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    const cachedIndex = () =>
      page.evaluate(async () => {
        const urls: string[] = [];
        for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
        return urls.filter((u) => /index\.html/.test(u)).sort();
      });
    const before = await cachedIndex();
    expect(before).toHaveLength(1);

    writeFileSync(SW, bumpRevision(original));
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });

    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toBeVisible({ timeout: 60_000 });
    await expect(prompt).toContainText('New version available');
    // Not swapped behind the user's back: the old worker still controls the page.
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => !!r?.waiting))).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/update-prompt.png`, fullPage: true });

    await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload' }).click()]);
    await expect(page.getByRole('heading', { name: 'Auscult' })).toBeVisible();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    const state = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return { waiting: !!r?.waiting, controlled: !!navigator.serviceWorker.controller };
    });
    expect(state).toEqual({ waiting: false, controlled: true });
    // The old version's cached files are removed: one index.html, the new revision's.
    const after = await cachedIndex();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect(firstScript).toBeTruthy();
  } finally {
    writeFileSync(SW, original);
  }
});

test('a new version never interrupts an analysis: it reloads only once the analysis has finished', async ({ page }) => {
  const original = readFileSync(SW, 'utf8');
  try {
    await page.addInitScript(() => {
      localStorage.setItem('auscult.longRecordingMinutes', '0.5');
      // What the page was doing when it went away (kept across the reload by sessionStorage).
      addEventListener('pagehide', () => {
        const has = (id: string) => document.querySelector(`[data-testid="${id}"]`) !== null;
        sessionStorage.setItem('auscult.e2e.unload', JSON.stringify({ analysing: has('analysis-progress'), verdict: has('verdict') }));
      });
    });
    await page.goto('/');
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null && navigator.serviceWorker.controller !== null);

    // Two long recordings, analysed one after the other: the work outlasts the new version's install.
    await page.getByTestId('file-input').setInputFiles([longFile(), longFile('-b')]);
    await expect(page.getByTestId('analysis-progress')).toHaveAttribute('data-status', 'running', { timeout: 90_000 });

    writeFileSync(SW, bumpRevision(original));
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toContainText('will not be interrupted', { timeout: 60_000 });
    const reloaded = page.waitForEvent('load', { timeout: 180_000 });
    await prompt.getByRole('button', { name: 'Reload when done' }).click();
    await expect(prompt).toHaveAttribute('data-waiting', 'true');
    await page.screenshot({ path: `${ARTIFACTS}/update-waits-for-analysis.png` });

    await reloaded;
    const unload = JSON.parse((await page.evaluate(() => sessionStorage.getItem('auscult.e2e.unload'))) ?? '{}') as { analysing?: boolean; verdict?: boolean };
    expect(unload).toEqual({ analysing: false, verdict: true });
    // Both finished analyses are in History on the new version.
    await expect(page.getByTestId('history-item').filter({ hasText: 'long-10min-48k.wav' })).toBeVisible();
    await expect(page.getByTestId('history-item').filter({ hasText: 'long-10min-48k-b.wav' })).toBeVisible();
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => !!r?.waiting))).toBe(false);
  } finally {
    writeFileSync(SW, original);
  }
});
