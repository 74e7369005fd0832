// Where the real datasets live for tests, benchmarks and the CLI tests: ../shared/data unless
// AUSCULT_DATA names the folder that holds them. A test that needs data or a model that is not there
// FAILS with a message naming what is missing, where it was looked for and where it comes from: a
// skipped test would let a machine without the data report green while testing nothing. The one
// opt-out is AUSCULT_SKIP_MISSING_DATA=1 (the Python tests in training/tests honour it too).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const REPO_ROOT = repoRoot;
export const DATA_DIR = path.resolve(process.env.AUSCULT_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data'));
export const SPRSOUND_DIR = path.join(DATA_DIR, 'sprsound-2022-train');
export const MODELS_DIR = path.resolve(process.env.AUSCULT_MODELS ?? path.join(repoRoot, 'public', 'models'));

export const SKIP_MISSING_DATA_VAR = 'AUSCULT_SKIP_MISSING_DATA';

/** True only under the documented opt-out: then a test whose data is missing is skipped, not failed. */
export function skippingMissingData(): boolean {
  return process.env[SKIP_MISSING_DATA_VAR] === '1';
}

/** One thing a test reads from disk: where it is, what it is, and where it comes from. */
export interface DataNeed {
  path: string;
  what: string;
  source: string;
  /** Committed in this repository (models, golden files): missing is always a failure, never skipped. */
  committed?: boolean;
}

export class MissingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingDataError';
  }
}

/** The message for a missing need: what, where it was looked for, where it comes from, how to fix. */
export function missingDataMessage(need: DataNeed): string {
  // Relative to the repository when it is beside it (../shared/data/...), as the README names it.
  const rel = path.relative(repoRoot, need.path);
  const where = rel.startsWith(`..${path.sep}..`) || path.isAbsolute(rel) ? need.path : `${rel} (${need.path})`;
  return (
    `${need.what} not found at ${where} — ${need.source}.` +
    (need.committed ? '' : ` (${SKIP_MISSING_DATA_VAR}=1 skips the tests that need it instead of failing them.)`)
  );
}

/** The needs that are not on disk (empty when everything is there). */
export function missingData(...needs: DataNeed[]): DataNeed[] {
  return needs.filter((n) => !existsSync(n.path));
}

/**
 * `p` when it exists. Otherwise throws a MissingDataError naming what is missing, where it was
 * looked for and where it comes from — also under AUSCULT_SKIP_MISSING_DATA=1: callers that
 * honour the opt-out check `missingData` first and skip (src/testing/withData.ts, e2e/helpers.ts).
 */
export function requireData(p: string, what: string, source: string): string;
export function requireData(need: DataNeed): string;
export function requireData(p: string | DataNeed, what?: string, source?: string): string {
  const need = typeof p === 'string' ? { path: p, what: what ?? p, source: source ?? '' } : p;
  if (!existsSync(need.path)) throw new MissingDataError(missingDataMessage(need));
  return need.path;
}

const inData = (folder: string) => `set AUSCULT_DATA to the folder that holds ${folder}/`;

const SPRSOUND_SOURCE = `SPRSound, Zhang Q. et al., IEEE TBioCAS 2022 (github.com/SJTU-YONGFU-RESEARCH-GRP/SPRSound); ${inData('sprsound-2022-train')}`;
const PASCAL_SOURCE = `PASCAL Classifying Heart Sounds Challenge 2011 (Kaggle "heartbeat-sounds")`;
const CIRCOR_SOURCE = `CirCor DigiScope 2022, PhysioNet (physionet.org/content/circor-heart-sound); ${inData('circor-2022')}`;

/** The datasets and models the tests read; each test names the ones it needs. */
export const DATA = {
  sprsound: { path: SPRSOUND_DIR, what: 'SPRSound 2022 training release', source: SPRSOUND_SOURCE },
  sprsoundOriginalWav: {
    path: path.join(SPRSOUND_DIR, 'original-wav'),
    what: 'SPRSound original WAV files (original-wav/, 20 files with the published malformed headers)',
    source: SPRSOUND_SOURCE,
  },
  sprsoundJson: { path: path.join(SPRSOUND_DIR, 'json'), what: 'SPRSound annotations (json/)', source: SPRSOUND_SOURCE },
  heartbeatSounds: {
    path: path.join(DATA_DIR, 'heartbeat-sounds'),
    what: 'PASCAL heart sounds (heartbeat-sounds/, FLAC)',
    source: `${PASCAL_SOURCE}; ${inData('heartbeat-sounds')}`,
  },
  heartOriginalWav: {
    path: path.join(DATA_DIR, 'heartbeat-sounds-original-wav'),
    what: 'PASCAL heart-sound original WAV files (heartbeat-sounds-original-wav/, 8 files with LIST chunks)',
    source: `${PASCAL_SOURCE}; ${inData('heartbeat-sounds-original-wav')}`,
  },
  circor: { path: path.join(DATA_DIR, 'circor-2022'), what: 'CirCor DigiScope 2022 heart sounds with segmentation', source: CIRCOR_SOURCE },
  models: {
    path: path.join(MODELS_DIR, 'manifest.json'),
    what: 'the shipped ONNX models (public/models/manifest.json)',
    source: 'committed in this repository (training/cards/ say how they are exported); AUSCULT_MODELS overrides the folder',
    committed: true,
  },
} satisfies Record<string, DataNeed>;
