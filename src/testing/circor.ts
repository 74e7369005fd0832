// CirCor DigiScope 2022 recordings with their hand-checked segmentation: the reference heart rate
// for src/dsp/heartRate.ts. segmentation/<rec>.tsv holds `start_s end_s state` rows (state 1 = S1,
// 2 = systole, 3 = S2, 4 = diastole, 0 = unannotated); the reference rate is 60 / the median interval
// between successive S1 onsets — the median, so an unannotated stretch between two annotated
// ones (one long "interval") does not move it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { median } from '../core/math';
import { DATA } from './data';
import { readFlacFile, type FlacAudio } from './flac';

export const CIRCOR_DIR = DATA.circor.path;

/** Recording names (`<patient>_<location>`) that have a segmentation file, sorted. */
export function circorRecordings(): string[] {
  return readdirSync(path.join(CIRCOR_DIR, 'segmentation'))
    .filter((f) => f.endsWith('.tsv'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** S1 onsets in seconds, in time order. */
export function s1Onsets(recording: string): number[] {
  const rows = readFileSync(path.join(CIRCOR_DIR, 'segmentation', `${recording}.tsv`), 'utf8').trim().split(/\r?\n/);
  const onsets: number[] = [];
  for (const row of rows) {
    const [start, , state] = row.trim().split(/\s+/).map(Number);
    if (state === 1) onsets.push(start);
  }
  return onsets.sort((a, b) => a - b);
}

/** 60 / median S1-to-S1 interval; null with fewer than 3 annotated S1 (2 intervals). */
export function referenceBpm(recording: string): number | null {
  const on = s1Onsets(recording);
  if (on.length < 3) return null;
  return 60 / median(on.slice(1).map((t, i) => t - on[i]));
}

export function circorAudio(recording: string): FlacAudio {
  return readFlacFile(path.join(CIRCOR_DIR, 'audio', `${recording}.flac`));
}

export function circorAudioPath(recording: string): string {
  return path.join(CIRCOR_DIR, 'audio', `${recording}.flac`);
}
