// Which inference backend runs, as the clinician sees it: WASM (with the reason) when Chromium has
// no WebGPU, WebGPU when it is launched with --enable-unsafe-webgpu (a software adapter is enough).
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config';
import { ARTIFACTS, dataPath, dropFiles, fileFromDisk, WHEEZE_WAV } from './helpers';

async function analyse(page: Page): Promise<void> {
  await page.goto('/');
  await dropFiles(page, [fileFromDisk(dataPath(WHEEZE_WAV), 'audio/wav')]);
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 120_000 });
}

test('without WebGPU the analysis falls back to WASM and says why', async ({ page }) => {
  // Even if this Chromium had an adapter, a page without navigator.gpu must still work.
  await page.addInitScript(() => {
    delete (Navigator.prototype as unknown as { gpu?: unknown }).gpu;
  });
  await analyse(page);
  expect(await page.evaluate(() => 'gpu' in navigator)).toBe(false);
  await expect(page.getByTestId('backend')).toHaveText('Runs on: WASM');
  await expect(page.getByTestId('backend-note')).toContainText('WebGPU is not available');
  expect(await page.getByTestId('event-row').count()).toBeGreaterThan(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/backend-wasm.png` });
});

test.describe('with --enable-unsafe-webgpu', () => {
  let browser: Browser;
  test.beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
  });
  test.afterAll(async () => {
    await browser.close();
  });

  test('the analysis runs on WebGPU and shows it, for the detector, ResNet-18 and VGG-16', async ({ baseURL }) => {
    const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
    // ResNet-18 and the detector run on ONNX Runtime's WebGPU kernels.
    await context.addInitScript(() => localStorage.setItem('auscult.eventModel', 'resnet18'));
    const page = await context.newPage();
    const adapter = await page.goto('/').then(() => page.evaluate(async () => Boolean(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter())));
    expect(adapter, 'Chromium offers a WebGPU adapter with --enable-unsafe-webgpu').toBe(true);
    await analyse(page);
    await expect(page.getByTestId('backend')).toHaveText('Runs on: WebGPU');
    await expect(page.getByTestId('backend-note')).toHaveCount(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS}/backend-webgpu.png` });

    // VGG-16 too: its ceil-mode pooling is exported as pad + pool so the WebGPU kernels cover it.
    await page.getByTestId('model-choice').getByRole('button', { name: 'VGG-16', exact: true }).click();
    await expect(page.getByTestId('vote').first()).toHaveAttribute('data-model', /^vgg16/, { timeout: 120_000 });
    await expect(page.getByTestId('backend')).toHaveText('Runs on: WebGPU');
    await expect(page.getByTestId('backend-note')).toHaveCount(0);
    await page.screenshot({ path: `${ARTIFACTS}/backend-webgpu-vgg.png` });
    await context.close();
  });
});
