// The clinician's workflow on real SPRSound recordings: drop WAV + annotation → the analysis runs
// in the worker → regions and table agree → keyboard stepping → edit and re-classify → exports →
// history across a reload → dataset metrics for a set of annotated recordings. One file of ~400
// lines because the steps share one page and its helpers; each test still stands alone.
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import type { RecordingEvents } from '../src/metrics/events';
import { ARTIFACTS, dataPath, dropFiles, expectTimelineDrawn, fileFromDisk, WHEEZE_WAV } from './helpers';

// src/core/labels imports its JSON table without an import attribute, which Playwright's Node loader
// refuses; tsx (as the CLI uses) loads the app's own metrics module and label table.
const srcModule = <T>(rel: string) => tsImport(rel, import.meta.url) as Promise<T>;

const jsonOf = (wav: string) => wav.replace('original-wav/', 'json/').replace(/\.wav$/, '.json');

async function dropPair(page: Page, wav: string): Promise<void> {
  await dropFiles(page, [fileFromDisk(dataPath(wav), 'audio/wav'), fileFromDisk(dataPath(jsonOf(wav)), 'application/json')]);
}

async function waitForAnalysis(page: Page): Promise<void> {
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
}

/**
 * Predicted regions on the timeline, as [start, end] in seconds, in time order. Wavesurfer's Regions
 * plugin puts a new region's element in the DOM a task after it is added (and only while it is in
 * view), so after the regions are redrawn read this through expect.poll.
 */
async function regionTimes(page: Page): Promise<[number, number][]> {
  const regions = page.locator('[data-testid="timeline"] [data-lane="prediction"]');
  const n = await regions.count();
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const r = regions.nth(i);
    out.push([Number(await r.getAttribute('data-start')), Number(await r.getAttribute('data-end'))]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

async function rowTimes(page: Page): Promise<[number, number][]> {
  const rows = page.getByTestId('event-row');
  const n = await rows.count();
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const r = rows.nth(i);
    out.push([Number(await r.getAttribute('data-start')), Number(await r.getAttribute('data-end'))]);
  }
  return out;
}

test('drop WAV + JSON: the analysis runs, regions and table agree, keyboard stepping plays each event', async ({ page }) => {
  await page.goto('/');
  await dropPair(page, WHEEZE_WAV);
  await expectTimelineDrawn(page);
  // Progress is visible while the worker runs (or the analysis is already done on a fast machine).
  await waitForAnalysis(page);
  await expect(page.getByTestId('backend')).toContainText(/WASM|WebGPU/);

  const rows = await rowTimes(page);
  expect(rows.length).toBeGreaterThan(0);
  await expect.poll(() => regionTimes(page)).toEqual(rows);
  await expect(page.getByTestId('event-count')).toHaveText(`(${rows.length})`);
  // The annotation lane: one region per annotated event, each marked with its agreement.
  const annotation = JSON.parse(readFileSync(dataPath(jsonOf(WHEEZE_WAV)), 'utf8')) as { event_annotation: unknown[] };
  await expect(page.locator('[data-testid="timeline"] [data-lane="reference"][data-agreement]')).toHaveCount(annotation.event_annotation.length);
  await expect(page.getByTestId('verdict-label')).toHaveText(/^(Normal|CAS|DAS|CAS & DAS|Poor Quality)$/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/workflow-analysed.png`, fullPage: true });

  // Every row shows every class's probability and each model's vote.
  const first = page.getByTestId('event-row').first();
  await expect(first.getByTestId('vote').first()).not.toHaveText('—');

  // ↓ selects the first event and plays it; ↓ again the next; ↑ back.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('event-row').nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect(page.locator('[data-testid="timeline"] [data-lane="prediction"][data-selected]')).toHaveAttribute('data-start', rows[0][0].toFixed(3));
  if (rows.length > 1) {
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('event-row').nth(1)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowUp');
    await expect(page.getByTestId('event-row').nth(0)).toHaveAttribute('aria-selected', 'true');
  }
  // Hovering a row outlines its region.
  await page.getByTestId('event-row').nth(0).hover();
  await expect(page.locator('[data-testid="timeline"] [data-lane="prediction"][data-hovered]')).toHaveCount(1);
  // The spectrogram the model saw for the selected event.
  await expect(page.getByTestId('event-spectrogram')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('event-spectrogram')).toHaveAttribute('data-shape', /^\d+x\d+$/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/workflow-selected.png`, fullPage: true });
});

interface SprsoundJson {
  record_annotation: string;
  record_confidence?: number;
  event_annotation: { start: number; end: number; type: string; confidence: number }[];
}

test('edit events (resize, relabel, add, delete), re-classify, export JSON + CSV + report, and find it all again in History after a reload', async ({ page }, testInfo) => {
  await page.addInitScript(() => {
    // window.print() would open a dialog in a headed browser; count the calls instead.
    const w = window as unknown as { __printCalls: number };
    w.__printCalls = 0;
    window.print = () => {
      w.__printCalls++;
    };
  });
  await page.goto('/');
  // A recording with several detected events, so stepping and editing have something to work on.
  const wav = 'original-wav/65097128_5.6_1_p1_2332.wav';
  await dropPair(page, wav);
  await waitForAnalysis(page);
  const rows = page.getByTestId('event-row');
  let n = await rows.count();
  if (n === 0) {
    // The detector may find nothing: add an event to work on (A at the cursor).
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    await expect(rows).toHaveCount(1);
    n = 1;
  }

  // Resize: drag the first region's right edge to the right; the event is classified again.
  const region = page.locator('[data-testid="timeline"] [data-lane="prediction"]').first();
  const before = { start: Number(await region.getAttribute('data-start')), end: Number(await region.getAttribute('data-end')) };
  const handle = region.locator('[part~="region-handle-right"]');
  const box = await handle.boundingBox();
  if (!box) throw new Error('no resize handle');
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 30, box.y + 40, { steps: 5 });
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + 40, { steps: 5 });
  await page.mouse.up();
  const firstRow = rows.first();
  await expect.poll(async () => Number(await firstRow.getAttribute('data-end'))).toBeGreaterThan(before.end + 0.1);
  await expect(firstRow.getByTestId('event-confidence')).toContainText('edited');
  const resizedEnd = Number(await firstRow.getAttribute('data-end'));
  expect(Number(await firstRow.getAttribute('data-start'))).toBeCloseTo(before.start, 2);
  // Region and row still agree after the edit.
  await expect.poll(() => regionTimes(page)).toEqual(await rowTimes(page));
  await expect(page.getByTestId('recording-status')).toContainText('edited');

  // Relabel through the menu, then ask the model again.
  await firstRow.getByTestId('relabel').click();
  await page.getByRole('menuitem', { name: 'Stridor' }).click();
  await expect(firstRow).toHaveAttribute('data-label', 'Stridor');
  await expect(firstRow.getByTestId('event-confidence')).toHaveText('set by you');
  await expect(page.locator('[data-testid="timeline"] [data-lane="prediction"]').first()).toHaveAttribute('data-class', 'Stridor');
  await firstRow.getByTestId('relabel').click();
  await page.getByRole('menuitem', { name: 'Classify again with the model' }).click();
  await expect(firstRow.getByTestId('event-confidence')).not.toHaveText('set by you');
  const modelLabel = await firstRow.getAttribute('data-label');
  // Relabel for good: this is what the exports and History must keep.
  await firstRow.getByTestId('relabel').click();
  await page.getByRole('menuitem', { name: 'Fine Crackle' }).click();
  await expect(firstRow).toHaveAttribute('data-label', 'Fine Crackle');

  // Add (A at the cursor) and delete (Delete on the selection).
  await page.getByRole('button', { name: 'Play', exact: true }).focus();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('a');
  await expect(rows).toHaveCount(n + 1);
  await expect(page.locator('[data-testid="event-row"][aria-selected="true"] [data-testid="event-confidence"]')).not.toHaveText('classifying…');
  await page.keyboard.press('Delete');
  await expect(rows).toHaveCount(n);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/workflow-edited.png`, fullPage: true });

  const expected = await rowTimes(page);
  const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
  const verdict = (await page.getByTestId('verdict-label').textContent())!.trim();

  // SPRSound JSON: integer ms, the edited events, the verdict.
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SPRSound JSON' }).click()]);
  expect(jsonDl.suggestedFilename()).toBe('65097128_5.6_1_p1_2332.json');
  const jsonPath = testInfo.outputPath('export.json');
  await jsonDl.saveAs(jsonPath);
  const exported = JSON.parse(readFileSync(jsonPath, 'utf8')) as SprsoundJson;
  expect(exported.record_annotation).toBe(verdict);
  expect(exported.event_annotation).toHaveLength(n);
  exported.event_annotation.forEach((e, i) => {
    expect(Number.isInteger(e.start) && Number.isInteger(e.end)).toBe(true);
    expect(Math.abs(e.start / 1000 - expected[i][0])).toBeLessThanOrEqual(0.001);
    expect(Math.abs(e.end / 1000 - expected[i][1])).toBeLessThanOrEqual(0.001);
    expect(e.type).toBe(labels[i]);
    expect(e.confidence).toBeGreaterThanOrEqual(0);
    expect(e.confidence).toBeLessThanOrEqual(1);
  });
  expect(exported.event_annotation[0].type).toBe('Fine Crackle');

  // CSV: one row per event, every class's probability and each model's vote.
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Events CSV' }).click()]);
  const csvPath = testInfo.outputPath('events.csv');
  await csvDl.saveAs(csvPath);
  const lines = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  expect(lines).toHaveLength(n + 1);
  for (const c of ['start_s', 'end_s', 'duration_s', 'class', 'confidence', 'p_Normal', 'p_Fine Crackle', 'p_Wheeze+Crackle']) expect(header).toContain(c);
  expect(header.some((h) => h.startsWith('vote_resnet18'))).toBe(true);
  expect(header.some((h) => h.startsWith('vote_vgg16'))).toBe(true);
  const firstCsv = lines[1].split(',');
  expect(Number(firstCsv[header.indexOf('end_s')])).toBeCloseTo(expected[0][1], 3);
  expect(firstCsv[header.indexOf('class')]).toBe('Fine Crackle');
  const probs = header.flatMap((h, k) => (h.startsWith('p_') ? [Number(firstCsv[k])] : []));
  expect(probs).toHaveLength(7);
  expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);

  // The one-page report: verdict, picture, events, models with sha256 prefixes and commits.
  await page.getByRole('button', { name: 'Print report…' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __printCalls: number }).__printCalls)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  const report = page.getByTestId('report');
  await expect(report).toBeVisible();
  await expect(page.getByTestId('report-verdict')).toHaveText(verdict);
  await expect(page.getByTestId('report-picture')).toBeVisible();
  await expect(page.getByTestId('report-events').locator('tbody tr')).toHaveCount(n);
  const manifest = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as { models: { id: string; sha256: string; training?: { commit: string } }[] };
  for (const id of ['resnet18', 'vgg16', 'detector']) {
    const m = manifest.models.find((x) => x.id.startsWith(id))!;
    const row = page.getByTestId('report-models').locator(`tr[data-model-id="${m.id}"]`);
    await expect(row).toContainText(m.sha256.slice(0, 12));
    if (m.training?.commit) await expect(row).toContainText(m.training.commit.slice(0, 12));
  }
  await expect(page.locator('header')).toBeHidden();
  await page.screenshot({ path: `${ARTIFACTS}/report-print.png`, fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
  expect(pages, 'the report fits one page').toBe(1);
  await page.emulateMedia({ media: 'screen' });
  testInfo.annotations.push({ type: 'model label after re-classify', description: String(modelLabel) });

  // History survives a reload: the entry is listed, and reopens with the edits, without re-analysis.
  await page.waitForTimeout(800); // the debounced save
  await page.reload();
  const item = page.getByTestId('history-item').filter({ hasText: '65097128_5.6_1_p1_2332.wav' });
  await expect(item).toContainText('edited');
  await expect(page.getByTestId('storage-use')).toContainText('storage used');
  await item.click();
  await expect(page.getByTestId('verdict-label')).toHaveText(verdict);
  await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
  await expect(rows).toHaveCount(n);
  expect(await rowTimes(page)).toEqual(expected);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')))).toEqual(labels);
  expect(Number(await rows.first().getAttribute('data-end'))).toBeCloseTo(resizedEnd, 3);
  await expectTimelineDrawn(page);
  await expect.poll(() => regionTimes(page)).toEqual(expected);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/history-reopened.png`, fullPage: true });

  // Closed, it is listed in History again; deleting it there removes it for good.
  await page.getByRole('button', { name: 'Remove 65097128_5.6_1_p1_2332.wav' }).click();
  await expect(item).toBeVisible();
  await page.getByRole('button', { name: 'Delete 65097128_5.6_1_p1_2332.wav from History' }).click();
  await expect(page.getByTestId('history-item')).toHaveCount(0);
  await expect(page.getByTestId('history')).toHaveAttribute('data-saved', '0');
});

test('a full History: the save fails with a clear message, and nothing saved before is lost', async ({ page }) => {
  await page.addInitScript(() => {
    // Simulates a browser whose storage quota is used up, once the test flips the switch.
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'audio' && localStorage.getItem('auscult.test.failQuota') === '1') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
  });
  await page.goto('/');
  await dropFiles(page, [fileFromDisk(dataPath('original-wav/41186340_6.6_0_p2_2106.wav'), 'audio/wav')]);
  await waitForAnalysis(page);
  await expect(page.getByTestId('history')).toHaveAttribute('data-saved', '1');

  await page.evaluate(() => localStorage.setItem('auscult.test.failQuota', '1'));
  await dropFiles(page, [fileFromDisk(dataPath('original-wav/64561565_6.7_1_p4_592.wav'), 'audio/wav')]);
  const notice = page.getByTestId('notice').filter({ hasText: 'could not be saved to History' });
  await expect(notice).toBeVisible({ timeout: 90_000 });
  await expect(notice).toContainText('64561565_6.7_1_p4_592.wav');
  await expect(notice).toContainText('storage for Auscult is full');
  await expect(notice).toContainText('Nothing already in History was lost');
  await expect(page.getByTestId('history-save-failed')).toBeVisible();
  await expect(page.getByTestId('history')).toHaveAttribute('data-saved', '1');
  // The recording itself stays open and usable.
  await expect(page.getByTestId('recording-item')).toHaveCount(2);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/history-quota.png` });

  await page.evaluate(() => localStorage.removeItem('auscult.test.failQuota'));
  await page.reload();
  await expect(page.getByTestId('history-item')).toHaveCount(1);
  await expect(page.getByTestId('history-item')).toContainText('41186340_6.6_0_p2_2106.wav');
});

/** The SPRSound challenge score, re-implemented here so the app's number is checked independently. */
function challengeScore(truth: string[], pred: string[]): number {
  let n = 0, nr = 0, a = 0, ar = 0;
  truth.forEach((t, i) => {
    if (t === 'Normal') {
      n++;
      if (pred[i] === 'Normal') nr++;
    } else {
      a++;
      if (pred[i] === t) ar++;
    }
  });
  const se = a ? ar / a : 0;
  const sp = n ? nr / n : 0;
  const as = (se + sp) / 2;
  const hs = se + sp ? (2 * se * sp) / (se + sp) : 0;
  return (as + hs) / 2;
}

test('many WAV + JSON pairs are analysed in turn and scored in the Dataset metrics panel', async ({ page }) => {
  const set = [
    'original-wav/41251473_2.7_1_p1_2489.wav', // CAS
    'original-wav/41186340_6.6_0_p2_2106.wav', // DAS
    'original-wav/40069321_15.3_0_p1_981.wav', // Poor Quality
    'original-wav/41156815_7.2_1_p3_667.wav', // Normal
    'original-wav/64743918_7.0_0_p3_2340.wav', // DAS
  ];
  await page.goto('/');
  await dropFiles(page, set.flatMap((w) => [fileFromDisk(dataPath(w), 'audio/wav'), fileFromDisk(dataPath(jsonOf(w)), 'application/json')]));
  // A queue: while one recording is analysed the others wait their turn, and the list says so.
  await expect(page.getByTestId('recording-status').filter({ hasText: /Queued for analysis|Analysing/ }).first()).toBeVisible();
  const statuses = page.getByTestId('recording-status');
  await expect(statuses.filter({ hasText: /^(Normal|CAS|DAS|CAS & DAS|Poor Quality) \d+%/ })).toHaveCount(set.length, { timeout: 110_000 });

  await page.getByTestId('metrics-tab').click();
  const panel = page.getByTestId('dataset-metrics');
  await expect(panel).toHaveAttribute('data-recordings', String(set.length));
  const annotatedEvents = set.reduce((n, w) => n + (JSON.parse(readFileSync(dataPath(jsonOf(w)), 'utf8')) as { event_annotation: unknown[] }).event_annotation.length, 0);
  await expect(panel.locator('[data-task="Task 1-2"][data-testid="task-row"]')).toHaveAttribute('data-n', String(annotatedEvents));
  await expect(panel.locator('[data-task="Task 1-1"][data-testid="task-row"]')).toHaveAttribute('data-n', String(annotatedEvents));
  await expect(panel.locator('[data-task="Task 2-2"][data-testid="task-row"]')).toHaveAttribute('data-n', String(set.length));
  await expect(panel.getByTestId('confusion')).toHaveCount(4);
  const eventF1 = panel.getByTestId('event-f1');
  await expect(eventF1).toHaveAttribute('data-f1', /^\d\.\d{4}$/);

  // Task 2-2 from the verdicts the list shows, against the annotations' record labels.
  const names = await page.getByTestId('recording-item').evaluateAll((els) => els.map((e) => e.querySelector('p, span')?.textContent ?? ''));
  const verdicts = await statuses.evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/ \d+%.*$/, '')));
  const truth = set.map((w) => (JSON.parse(readFileSync(dataPath(jsonOf(w)), 'utf8')) as { record_annotation: string }).record_annotation);
  const order = set.map((w) => names.findIndex((n) => n.replace(/\s/g, '').includes(w.replace('original-wav/', ''))));
  expect(order.every((i) => i >= 0)).toBe(true);
  const expectedScore = challengeScore(truth, order.map((i) => verdicts[i]));
  const shown = Number(await panel.locator('[data-task="Task 2-2"][data-testid="task-row"]').getAttribute('data-score'));
  expect(shown).toBeCloseTo(expectedScore, 3);

  // The event F1: src/metrics/events.ts on the annotations and the events the app shows for each
  // recording (rows carry start / end in s to the ms, as the metrics round them).
  const shownF1 = { agnostic: await eventF1.getAttribute('data-f1'), classAware: await eventF1.getAttribute('data-class-f1') };
  const familyF1 = panel.getByTestId('family-f1');
  const shownFamilies = {
    family: await familyF1.getAttribute('data-family-f1'),
    cas: await familyF1.getAttribute('data-cas-f1'),
    das: await familyF1.getAttribute('data-das-f1'),
    stretch: await familyF1.getAttribute('data-stretch-f1'),
  };
  await page.getByRole('tab', { name: 'Recording', exact: true }).click();
  const perRecording: RecordingEvents[] = [];
  const annotated: RecordingEvents[] = []; // the partial-label metrics leave Poor Quality out
  for (const w of set) {
    const item = page.getByTestId('recording-item').filter({ hasText: w.replace('original-wav/', '') });
    await item.click();
    await expect(item).toHaveClass(/Mui-selected/);
    await expect(page.locator('[data-testid="verdict"][data-label]')).toBeVisible();
    const estimated = await page.getByTestId('event-row').evaluateAll((els) =>
      els.map((e) => ({
        start: Math.round(Number(e.getAttribute('data-start')) * 1000),
        end: Math.round(Number(e.getAttribute('data-end')) * 1000),
        type: e.getAttribute('data-label') ?? '',
      })),
    );
    const annotation = JSON.parse(readFileSync(dataPath(jsonOf(w)), 'utf8')) as { record_annotation: string; event_annotation: { start: string; end: string; type: string }[] };
    const reference = annotation.event_annotation.map((e) => ({ start: Number(e.start), end: Number(e.end), type: e.type }));
    perRecording.push({ reference, estimated });
    if (annotation.record_annotation !== 'Poor Quality') annotated.push({ reference, estimated });
  }
  const { eventScores, familyScores } = await srcModule<typeof import('../src/metrics/events')>('../src/metrics/events.ts');
  const { EVENT_CLASSES } = await srcModule<typeof import('../src/core/labels')>('../src/core/labels/index.ts');
  const expectedEvents = eventScores(perRecording, EVENT_CLASSES.map((c) => c.name));
  expect(perRecording.reduce((n, r) => n + r.estimated.length, 0), 'events shown').toBeGreaterThan(0);
  expect(shownF1, JSON.stringify(expectedEvents.agnostic)).toEqual({
    agnostic: expectedEvents.agnostic.f1.toFixed(4),
    classAware: expectedEvents.classAware.f1.toFixed(4),
  });
  const expectedFamilies = familyScores(annotated);
  expect(shownFamilies).toEqual({
    family: expectedFamilies.familyEvent.f1.toFixed(4),
    cas: expectedFamilies.segment.CAS.f1.toFixed(4),
    das: expectedFamilies.segment.DAS.f1.toFixed(4),
    stretch: expectedFamilies.agnosticInStretch.f1.toFixed(4),
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/dataset-metrics.png`, fullPage: true });
});

test('Open folder: every recording and annotation in a folder is opened, paired and scored', async ({ page }, testInfo) => {
  const dir = testInfo.outputPath('sprsound-folder');
  mkdirSync(dir, { recursive: true });
  const set = ['original-wav/65045423_5.0_1_p2_218.wav', 'original-wav/64561565_6.7_1_p4_592.wav'];
  for (const w of set) {
    copyFileSync(dataPath(w), `${dir}/${basename(w)}`);
    copyFileSync(dataPath(jsonOf(w)), `${dir}/${basename(jsonOf(w))}`);
  }
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(dir);
  await expect(page.getByTestId('recording-item')).toHaveCount(2);
  await expect(page.getByTestId('recording-status').filter({ hasText: /^(Normal|CAS|DAS|CAS & DAS|Poor Quality) \d+%/ })).toHaveCount(2, { timeout: 90_000 });
  await page.getByTestId('metrics-tab').click();
  await expect(page.getByTestId('dataset-metrics')).toHaveAttribute('data-recordings', '2');
  await expect(page.locator('[data-task="Task 2-2"][data-testid="task-row"]')).toHaveAttribute('data-n', '2');
});
