// Where inference runs, as the clinician sees it. Without WebGPU every model is on WASM and says
// why. With --enable-unsafe-webgpu (a software adapter) the backend is measured on the first
// recording, WASM wins there and the chip shows both times; the override forces WebGPU for every
// model (detector, ResNet-18, the VGG-16s, heart), whose outputs match WASM's on real recordings.
import { chromium, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config';
import { ARTIFACTS, dataPath, dropFiles, expectTimelineDrawn, fileFromDisk, heartWavPath, LONG_WAV, waitForAnalysisDone, WHEEZE_WAV } from './helpers';

const HEART_WAV = 'murmur__112_1306243000964_B.wav';
/** WebGPU and WASM kernels differ in summation order, not in the model: probabilities agree to this. */
const TOLERANCE = 1e-3;

interface ModelBackendShown {
  id: string;
  backend: string;
  reason: string;
}

async function modelBackends(page: Page): Promise<ModelBackendShown[]> {
  return page.getByTestId('model-backend').evaluateAll((els) =>
    els.map((e) => ({ id: e.getAttribute('data-model-id') ?? '', backend: e.getAttribute('data-backend') ?? '', reason: e.getAttribute('data-reason') ?? '' })),
  );
}

/** Software WebGPU on two shared cores: a first analysis (VGG-16's session and kernels) can take minutes. */
async function analyse(page: Page, wav = WHEEZE_WAV): Promise<void> {
  await page.goto('/');
  await dropFiles(page, [fileFromDisk(dataPath(wav), 'audio/wav')]);
  await waitForAnalysisDone(page, 300_000);
}

/** Everything the models answered for the shown recording: events, each model's vote, the record head. */
async function lungOutputs(page: Page): Promise<{ events: { start: string; end: string; probs: number[]; votes: Record<string, number[]> }[]; record: number[] }> {
  const events = await page.getByTestId('event-row').evaluateAll((rows) =>
    rows.map((r) => ({
      start: r.getAttribute('data-start') ?? '',
      end: r.getAttribute('data-end') ?? '',
      probs: JSON.parse(r.getAttribute('data-probs') ?? '[]') as number[],
      votes: Object.fromEntries(
        Array.from(r.querySelectorAll('[data-testid="vote"][data-probs]')).map((v) => [v.getAttribute('data-model') ?? '', JSON.parse(v.getAttribute('data-probs') ?? '[]') as number[]]),
      ),
    })),
  );
  const record = JSON.parse((await page.getByTestId('verdict').getAttribute('data-record-probs')) ?? '[]') as number[];
  return { events, record };
}

async function heartOutputs(page: Page): Promise<{ probs: Record<string, number>; backend: string }> {
  await page.goto('/');
  await dropFiles(page, [fileFromDisk(heartWavPath(HEART_WAV), 'audio/wav')]);
  await expectTimelineDrawn(page);
  await page.getByTestId('mode-switch').getByRole('button', { name: 'Heart sounds' }).click();
  await expect(page.getByTestId('heart-result')).toBeVisible({ timeout: 300_000 });
  const probs = await page
    .getByTestId('heart-classes')
    .locator('[data-class]')
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-class') ?? '', Number(e.getAttribute('data-confidence'))])));
  return { probs, backend: (await page.getByTestId('heart-backend').getAttribute('data-backend')) ?? '' };
}

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expect(actual.length, `${what}: not empty`).toBeGreaterThan(0);
  const worst = Math.max(...actual.map((x, i) => Math.abs(x - expected[i])));
  expect(worst, `${what}: largest difference WebGPU vs WASM`).toBeLessThanOrEqual(TOLERANCE);
}

async function chooseBackend(page: Page, setting: 'auto' | 'webgpu' | 'wasm'): Promise<void> {
  await page.getByTestId('backend').click();
  await page.getByTestId('backend-menu').locator(`[data-setting="${setting}"]`).click();
  await expect(page.getByTestId('backend')).toHaveAttribute('data-setting', setting);
  expect(await page.evaluate(() => localStorage.getItem('auscult.backend'))).toBe(setting);
}

test('without WebGPU every model runs on WASM and says why, on the chip and in the report', async ({ page }) => {
  // Even if this Chromium had an adapter, a page without navigator.gpu must still work.
  await page.addInitScript(() => {
    delete (Navigator.prototype as unknown as { gpu?: unknown }).gpu;
    window.print = () => undefined;
  });
  await analyse(page);
  expect(await page.evaluate(() => 'gpu' in navigator)).toBe(false);
  await expect(page.getByTestId('backend')).toHaveText('Runs on: WASM — WebGPU not available');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-how', 'only-wasm');
  const shown = await modelBackends(page);
  // The detector and each model of the default choice (the ensemble: ResNet-18 and two VGG-16 seeds).
  expect(shown.map((m) => m.id.replace(/-.*/, '')).sort()).toEqual(['detector', 'resnet18', 'vgg16', 'vgg16']);
  for (const m of shown) expect(m, m.id).toEqual({ id: m.id, backend: 'wasm', reason: 'WebGPU is not available in this browser' });
  await expect(page.getByTestId('backend-note')).toContainText('Detector: WebGPU is not available');
  expect(await page.getByTestId('event-row').count()).toBeGreaterThan(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/backend-wasm.png` });

  await page.getByRole('button', { name: 'Print report…' }).click();
  await page.emulateMedia({ media: 'print' });
  // Every model named with its backend and the reason.
  await expect(page.getByTestId('report-backends')).toHaveText('Ran on WASM (WebGPU is not available in this browser): Detector, ResNet-18, VGG-16, VGG-16 (seed 5).');
  await page.emulateMedia({ media: 'screen' });
});

test.describe('with --enable-unsafe-webgpu (a software adapter)', () => {
  let browser: Browser;
  test.beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
  });
  test.afterAll(async () => {
    await browser.close();
  });
  const freshContext = (baseURL: string | undefined): Promise<BrowserContext> => browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });

  test('the backend is measured on the first recording, WASM wins, and the choice is cached', async ({ baseURL }) => {
    test.setTimeout(420_000);
    const context = await freshContext(baseURL);
    const page = await context.newPage();
    await page.goto('/');
    const adapter = await page.evaluate(async () => Boolean(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
    expect(adapter, 'Chromium offers a WebGPU adapter with --enable-unsafe-webgpu').toBe(true);
    await analyse(page);
    const chip = page.getByTestId('backend');
    await expect(chip).toHaveAttribute('data-how', 'measured', { timeout: 300_000 });
    await expect(chip).toHaveAttribute('data-backend', 'wasm');
    await expect(chip).toHaveText(/^Runs on: WASM — measured \d+ ms vs WebGPU \d+ ms$/);
    const wasmMs = Number(await chip.getAttribute('data-wasm-ms'));
    const webgpuMs = Number(await chip.getAttribute('data-webgpu-ms'));
    expect(wasmMs).toBeGreaterThan(0);
    expect(webgpuMs, 'the software adapter is slower than WASM').toBeGreaterThan(wasmMs);
    test.info().annotations.push({ type: 'measured', description: `WASM ${wasmMs} ms vs WebGPU ${webgpuMs} ms (detector + event models, first 5 s)` });
    // The first analysis ran on WASM; the models now say the measurement is why.
    for (const m of await modelBackends(page)) expect(m.backend, m.id).toBe('wasm');
    await page.screenshot({ path: `${ARTIFACTS}/backend-measured.png` });

    // Cached in this browser: a new page measures no more and shows the same times at once.
    const cached = await page.evaluate(() => localStorage.getItem('auscult.backendMeasurement'));
    expect(Math.abs((JSON.parse(cached ?? '{}') as { wasmMs: number }).wasmMs - wasmMs)).toBeLessThan(0.05);
    await analyse(page, LONG_WAV);
    await expect(chip).toHaveAttribute('data-how', 'measured');
    await expect(chip).toHaveAttribute('data-wasm-ms', wasmMs.toFixed(1));
    await expect(chip).toHaveAttribute('data-webgpu-ms', webgpuMs.toFixed(1));
    for (const m of await modelBackends(page)) expect(m, m.id).toMatchObject({ backend: 'wasm', reason: expect.stringMatching(/^measured \d+ ms vs WebGPU \d+ ms$/) });
    expect(await page.evaluate(() => localStorage.getItem('auscult.backendMeasurement'))).toBe(cached);
    await context.close();
  });

  test('forced WebGPU runs every model on WebGPU, and its outputs equal WASM within 1e-3', async ({ baseURL }) => {
    test.setTimeout(1_200_000);
    const context = await freshContext(baseURL);
    const page = await context.newPage();
    // WASM first (set as the menu stores it), then WebGPU chosen in the chip's menu.
    await page.goto('/');
    await page.evaluate(() => localStorage.setItem('auscult.backend', 'wasm'));
    const recordings = [WHEEZE_WAV, LONG_WAV];
    const cpu: Record<string, Awaited<ReturnType<typeof lungOutputs>>> = {};
    for (const wav of recordings) {
      await analyse(page, wav);
      await expect(page.getByTestId('backend')).toHaveText('Runs on: WASM — your choice');
      for (const m of await modelBackends(page)) expect(m, m.id).toMatchObject({ backend: 'wasm', reason: 'chosen in the settings' });
      cpu[wav] = await lungOutputs(page);
      expect(cpu[wav].events.length, `${wav}: events to compare`).toBeGreaterThan(0);
    }
    const cpuHeart = await heartOutputs(page);
    expect(cpuHeart.backend).toBe('wasm');

    await analyse(page);
    await chooseBackend(page, 'webgpu');
    for (const wav of recordings) {
      await analyse(page, wav);
      await expect(page.getByTestId('backend')).toHaveText('Runs on: WebGPU — your choice');
      const shown = await modelBackends(page);
      expect(shown.map((m) => m.id.replace(/-.*/, '')).sort()).toEqual(['detector', 'resnet18', 'vgg16', 'vgg16']);
      for (const m of shown) expect(m, m.id).toEqual({ id: m.id, backend: 'webgpu', reason: '' });
      await expect(page.getByTestId('backend-note')).toHaveCount(0);
      if (wav === WHEEZE_WAV) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${ARTIFACTS}/backend-webgpu.png` });
      }
      const gpu = await lungOutputs(page);
      expect(gpu.events.map((e) => [e.start, e.end]), `${wav}: the same events`).toEqual(cpu[wav].events.map((e) => [e.start, e.end]));
      expectClose(gpu.record, cpu[wav].record, `${wav} record probabilities`);
      cpu[wav].events.forEach((e, i) => {
        expectClose(gpu.events[i].probs, e.probs, `${wav} event ${i + 1} probabilities`);
        expect(Object.keys(gpu.events[i].votes).sort()).toEqual(Object.keys(e.votes).sort());
        for (const [model, probs] of Object.entries(e.votes)) expectClose(gpu.events[i].votes[model], probs, `${wav} event ${i + 1} ${model}`);
      });
    }
    const gpuHeart = await heartOutputs(page);
    expect(gpuHeart.backend, 'the heart model').toBe('webgpu');
    const classes = Object.keys(cpuHeart.probs).sort();
    expectClose(classes.map((c) => gpuHeart.probs[c]), classes.map((c) => cpuHeart.probs[c]), 'heart probabilities');
    await context.close();
  });
});
