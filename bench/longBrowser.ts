// A 60-minute, 48 kHz WAV through the built app in headless Chromium, as a clinician would open it:
// time to the timeline, time to the verdict, events shown, and the browser's memory at the end.
// `npx tsx bench/longBrowser.ts [minutes]` after `npm run build` (not part of `npm test`: a minute
// or two); DETAIL=1 lists every Chromium process's resident memory at the timeline and at the end.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { REPO_ROOT } from '../src/testing/data';
import { writeLongWav } from '../src/testing/longWav';

const PORT = 4179;

/** Resident memory of every Chromium process on the machine (this benchmark's browser is the only one). */
function chromiumRssMB(): number {
  try {
    const out = execFileSync('ps', ['-C', 'chromium', '-o', 'rss='], { encoding: 'utf8' });
    return out.split('\n').reduce((s, l) => s + (Number(l.trim()) || 0), 0) / 1024;
  } catch {
    return 0;
  }
}

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
    await page.waitForTimeout(2000);
    console.log(`page loaded: Chromium ${chromiumRssMB().toFixed(0)} MB`);
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, chromiumRssMB())), 500);
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(file);
    await page.getByTestId('long-recording-note').waitFor({ timeout: 600_000 });
    const tTimeline = Date.now() - t0;
    console.log(`at the timeline: Chromium ${chromiumRssMB().toFixed(0)} MB`);
    if (process.env.DETAIL) console.log(execFileSync('ps', ['-C', 'chromium', '-o', 'rss=,args='], { encoding: 'utf8' }).split('\n').map((l) => l.slice(0, 160)).join('\n'));
    await page.getByTestId('verdict').waitFor({ timeout: 900_000 });
    const tVerdict = Date.now() - t0;
    clearInterval(sampler);
    const events = await page.getByTestId('event-count').textContent();
    const verdict = await page.getByTestId('verdict-label').textContent();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    if (process.env.DETAIL) console.log(execFileSync('ps', ['-C', 'chromium', '-o', 'rss=,args='], { encoding: 'utf8' }).split('\n').map((l) => l.slice(0, 160)).join('\n'));
    console.log(`Chromium processes' resident memory now: ${chromiumRssMB().toFixed(0)} MB (peak while analysing: ${peakRss.toFixed(0)} MB)`);
    console.log(
      `${minutes} min 48 kHz WAV in the built app: timeline after ${(tTimeline / 1000).toFixed(1)} s, verdict ${verdict} after ` +
        `${(tVerdict / 1000).toFixed(1)} s, events ${events}, page's JS heap ${(heap / 1e6).toFixed(0)} MB`,
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
