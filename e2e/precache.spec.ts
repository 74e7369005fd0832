// What the service worker downloads on the first visit: the precache manifest of the built
// dist/sw.js. It must hold everything the app needs offline (shell, worker, ORT runtime, every
// shipped model) and stay within the 40 MB budget; the test prints every file and its size. Here in
// e2e/ because `npm test` runs the unit tests before the build and dist/ exists only after it.
import { expect, test } from '@playwright/test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DIST = resolve('dist');
const BUDGET_BYTES = 40e6;

/** The `url` of every entry of workbox's `precacheAndRoute([...])` call in the generated sw.js. */
function precacheUrls(sw: string): string[] {
  const start = sw.indexOf('precacheAndRoute([');
  if (start < 0) throw new Error('dist/sw.js has no precacheAndRoute([...]) call');
  const end = sw.indexOf('])', start);
  const list = sw.slice(start, end);
  return [...list.matchAll(/url:\s*"([^"]+)"/g)].map((m) => m[1]);
}

test('the precache holds the app, the ORT runtime and every model, within 40 MB', async ({}, testInfo) => {
  const swPath = join(DIST, 'sw.js');
  expect(existsSync(swPath), 'dist/sw.js (run `npm run build` first)').toBe(true);
  const urls = precacheUrls(readFileSync(swPath, 'utf8'));
  expect(urls.length).toBeGreaterThan(5);
  expect(new Set(urls).size, 'no file is precached twice').toBe(urls.length);

  const missing = urls.filter((u) => !existsSync(join(DIST, u)));
  expect(missing, 'precached files absent from dist/').toEqual([]);
  const files = urls.map((url) => ({ url, bytes: statSync(join(DIST, url)).size })).sort((a, b) => b.bytes - a.bytes);
  const total = files.reduce((s, f) => s + f.bytes, 0);
  const table = [
    ...files.map((f) => `${(f.bytes / 1e6).toFixed(3).padStart(9)} MB  ${f.url}`),
    `${(total / 1e6).toFixed(3).padStart(9)} MB  total, ${files.length} files (budget ${BUDGET_BYTES / 1e6} MB)`,
  ].join('\n');
  console.log(`Precache (dist/sw.js):\n${table}`);
  await testInfo.attach('precache.txt', { body: table, contentType: 'text/plain' });

  // Offline needs the shell, the ORT WebAssembly runtime and every shipped model with its manifest.
  expect(urls).toContain('index.html');
  expect(urls.some((u) => /ort-wasm-simd-threaded-[^.]+\.wasm$/.test(u)), "ORT's WebAssembly runtime (the WASM build)").toBe(true);
  // The WebGPU (JSEP) runtime is cached on first use instead (runtimeCaching), not precached.
  expect(urls.filter((u) => /jsep/.test(u)), 'the WebGPU runtime is not precached').toEqual([]);
  expect(readFileSync(swPath, 'utf8'), 'the WebGPU runtime is cached when first used').toMatch(/ort-webgpu-runtime/);
  const manifest = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as { models: { file: string }[] };
  for (const m of manifest.models) expect(urls, `model ${m.file}`).toContain(`models/${m.file}`);
  expect(urls).toContain('models/manifest.json');

  expect(total, table).toBeLessThanOrEqual(BUDGET_BYTES);
});
