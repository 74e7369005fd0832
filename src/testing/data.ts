// Where the real datasets live for tests and the CLI: ../shared/data unless AUSCULT_DATA says otherwise.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DATA_DIR = process.env.AUSCULT_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');
export const SPRSOUND_DIR = path.join(DATA_DIR, 'sprsound-2022-train');
export const REPO_ROOT = repoRoot;
