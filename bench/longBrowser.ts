// A 60-minute, 48 kHz WAV through the built app in headless Chromium, as a clinician would open it:
// time to the timeline, time to the verdict, events shown, and the browser's memory at the end.
// `npx tsx bench/longBrowser.ts [minutes]` after `npm run build` (not part of `npm test`: minutes long).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { REPO_ROOT } from '../src/testing/data';
import { writeLongWav } from '../src/testing/longWav';

const PORT = 4179;

async function main(): Promise<void> {
  const minutes = Number(process.argv[2] ?? 60);
  const dir = path.join(tmpdir(), 'auscult-bench');
  const file = path.join(dir, `long-${minutes}min-48k.wav`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeLongWav(file, minutes * 60, 48000);
  }
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { cwd: REPO_ROOT, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 3000));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${PORT}/`);
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(file);
    await page.getByTestId('long-recording-note').waitFor({ timeout: 600_000 });
    const tTimeline = Date.now() - t0;
    await page.getByTestId('verdict').waitFor({ timeout: 900_000 });
    const tVerdict = Date.now() - t0;
    const events = await page.getByTestId('event-count').textContent();
    const verdict = await page.getByTestId('verdict-label').textContent();
    const cdp = await page.context().newCDPSession(page);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    console.log(
      `${minutes} min 48 kHz WAV in the built app: timeline after ${(tTimeline / 1000).toFixed(1)} s, verdict ${verdict} after ` +
        `${(tVerdict / 1000).toFixed(1)} s, events ${events}, page JS heap ${(heap / 1e6).toFixed(0)} MB`,
    );
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
