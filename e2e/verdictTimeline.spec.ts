// The record verdict and the timeline tell one story: a CAS / DAS verdict points to where it comes
// from — the events of that family in the table, or, where none is on the timeline, the stretch where
// the detector's activity lane for that family is highest — and a Normal verdict beside adventitious
// events says why; and the app's SPRSound export equals `npm run cli -- analyze` on the same file
// (one pipeline). Real recordings of ../shared/data: one annotated CAS, one annotated DAS.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dataPath, dropFiles, expectTimelineDrawn, fileFromDisk, waitForAnalysisDone, WHEEZE_WAV } from './helpers';

const CRACKLE_WAV = 'original-wav/64561565_6.7_1_p4_592.wav';
const CAS_CLASSES = ['Wheeze', 'Rhonchi', 'Stridor', 'Wheeze+Crackle'];
const DAS_CLASSES = ['Fine Crackle', 'Coarse Crackle', 'Wheeze+Crackle'];

async function tableLabels(page: Page): Promise<string[]> {
  const rows = page.getByTestId('event-row');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).getAttribute('data-label')) ?? '');
  return out;
}

interface SprsoundJson {
  record_annotation: string;
  record_confidence: number;
  event_annotation: { start: number; end: number; type: string; confidence: number }[];
}

/** The app's SPRSound export of the open recording and the CLI's analysis of the same file. */
async function checkSameAsCli(page: Page, wav: string, testInfo: TestInfo): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SPRSound JSON' }).click()]);
  const appPath = testInfo.outputPath('app.json');
  await download.saveAs(appPath);
  const app = JSON.parse(readFileSync(appPath, 'utf8')) as SprsoundJson;
  const dir = testInfo.outputPath('wav');
  mkdirSync(dir, { recursive: true });
  copyFileSync(dataPath(wav), join(dir, basename(wav)));
  const out = testInfo.outputPath('cli');
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'cli/main.ts', 'analyze', '--wav', dir, '--out', out], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const cli = JSON.parse(readFileSync(join(out, basename(wav).replace(/\.wav$/, '.json')), 'utf8')) as SprsoundJson;
  expect(app.record_annotation).toBe(cli.record_annotation);
  expect(Math.abs(app.record_confidence - cli.record_confidence)).toBeLessThanOrEqual(0.002);
  expect(app.event_annotation.map((e) => [e.start, e.end, e.type])).toEqual(cli.event_annotation.map((e) => [e.start, e.end, e.type]));
  app.event_annotation.forEach((e, i) => expect(Math.abs(e.confidence - cli.event_annotation[i].confidence)).toBeLessThanOrEqual(0.002));
}

/** Whether the shipped detector types the events with the record verdict (manifest postprocess.eventTyping). */
function typesWithRecord(): boolean {
  const manifest = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as { models: { task: string; postprocess?: { eventTyping?: string } }[] };
  return manifest.models.some((m) => m.task === 'respiratory-detector' && m.postprocess?.eventTyping === 'verdict-weighted');
}

async function checkAgreement(page: Page, wav: string): Promise<void> {
  await page.goto('/');
  await dropFiles(page, [fileFromDisk(dataPath(wav), 'audio/wav')]);
  await expectTimelineDrawn(page);
  await waitForAnalysisDone(page);

  // The activity lane: one CAS and one DAS row under the spectrogram.
  const lane = page.getByTestId('activity-lane');
  await expect(lane).toBeVisible();
  await expect(lane.locator('canvas[data-family="CAS"]')).toHaveCount(1);
  await expect(lane.locator('canvas[data-family="DAS"]')).toHaveCount(1);

  const verdict = (await page.getByTestId('verdict').getAttribute('data-label')) ?? '';
  const labels = await tableLabels(page);
  const families = verdict === 'CAS & DAS' ? ['CAS', 'DAS'] : verdict === 'CAS' || verdict === 'DAS' ? [verdict] : [];
  for (const family of families) {
    const inTable = labels.filter((l) => (family === 'CAS' ? CAS_CLASSES : DAS_CLASSES).includes(l)).length;
    const pointer = page.locator(`[data-testid="verdict-pointers"] [data-family="${family}"]`);
    if (inTable === 0) {
      // No event of the family: the verdict points into the recording, where that lane is highest.
      await expect(pointer, `${wav}: ${verdict} verdict, no ${family} event, so a pointer`).toHaveCount(1);
      const start = Number(await pointer.getAttribute('data-start'));
      const end = Number(await pointer.getAttribute('data-end'));
      expect(end).toBeGreaterThan(start);
      await pointer.click();
      await expect(page.getByTestId('timeline')).toBeVisible();
    } else {
      await expect(pointer).toHaveCount(0);
      // The supporting events listed under the verdict are the table's events of that family.
      await expect(page.locator('[data-testid="verdict-support"] .MuiChip-root').first()).toBeVisible();
    }
  }
  if (typesWithRecord()) {
    // Events typed with the record: no event names a family that the verdict rules out, and an event
    // whose type the record changed shows the event model's own class.
    const ruledOut = verdict === 'Normal' ? [...CAS_CLASSES, ...DAS_CLASSES] : verdict === 'CAS' ? DAS_CLASSES : verdict === 'DAS' ? CAS_CLASSES : [];
    expect(labels.filter((l) => ruledOut.includes(l)), `${wav}: ${verdict} verdict`).toEqual([]);
    const rows = page.getByTestId('event-row');
    for (let i = 0; i < (await rows.count()); i++) {
      const own = rows.nth(i).getByTestId('event-own-label');
      if (!(await own.count())) continue;
      const ownLabel = (await own.getAttribute('data-own-label')) ?? '';
      expect(['Normal', ...CAS_CLASSES, ...DAS_CLASSES]).toContain(ownLabel);
      expect(ownLabel).not.toBe(labels[i]);
    }
  }
  const adventitious = labels.filter((l) => l !== 'Normal').length;
  if (verdict === 'Normal' && adventitious > 0) {
    await expect(page.getByTestId('verdict-normal-note'), `${wav}: Normal beside ${adventitious} adventitious events`).toBeVisible();
  } else {
    await expect(page.getByTestId('verdict-normal-note')).toHaveCount(0);
  }
}

test('an annotated CAS recording: the verdict, the activity lane and the event table agree, and the CLI says the same', async ({ page }, testInfo) => {
  await checkAgreement(page, WHEEZE_WAV);
  await checkSameAsCli(page, WHEEZE_WAV, testInfo);
});

test('an annotated DAS recording: the verdict, the activity lane and the event table agree, and the CLI says the same', async ({ page }, testInfo) => {
  await checkAgreement(page, CRACKLE_WAV);
  await checkSameAsCli(page, CRACKLE_WAV, testInfo);
});
