// `classify --task 11|12`: every audio file in a folder is one event clip (the event classifiers);
// `classify --task 21|22`: every file is one recording (the lung pipeline's record verdict).
import { resample } from '../src/dsp/resample';
import { EventClassifier } from '../src/inference/eventClassifier';
import { decideNormal } from '../src/inference/decision';
import { decisionsFor, resolveModelChoice } from '../src/inference/manifest';
import { toChallengeEventName } from '../src/core/labels';
import type { ModelStore } from '../src/inference/modelStore';
import { task21Label } from '../src/metrics/events';
import { forEachAnalysis, type FileError } from './analyze';
import { listAudioFiles, readAudioFile } from './audioFiles';

export type EventTask = '11' | '12';
export type RecordTask = '21' | '22';

export interface ClassifyEventFilesResult {
  labels: Record<string, string>;
  errors: { name: string; error: string }[];
}

export async function classifyEventFiles(
  store: ModelStore,
  dir: string,
  task: EventTask,
  modelChoice: string,
  maxDurationS = 600,
): Promise<ClassifyEventFilesResult> {
  const members = resolveModelChoice(store.manifest, modelChoice);
  const rate = members[0].sampleRate;
  const decisions = decisionsFor(store.manifest, modelChoice, members);
  const classifier = new EventClassifier(store);
  const labels: Record<string, string> = {};
  const errors: { name: string; error: string }[] = [];
  const names = await listAudioFiles(dir);
  // Files are read and classified in groups to bound memory on large folders.
  const GROUP = 64;
  for (let g = 0; g < names.length; g += GROUP) {
    const clips: Float32Array[] = [];
    const clipNames: string[] = [];
    for (const name of names.slice(g, g + GROUP)) {
      const r = await readAudioFile(dir, name, maxDurationS);
      if (!r.audio) {
        errors.push({ name, error: r.error ?? 'unreadable' });
        continue;
      }
      clips.push(resample(r.audio.samples, r.audio.sampleRate, rate));
      clipNames.push(name);
    }
    if (!clips.length) continue;
    const result = await classifier.classifyClips(clips, members, decisions);
    result.predictions.forEach((p, i) => {
      // Task 1-1 has its own rule (threshold chosen on validation), not a relabelled Task 1-2 answer.
      labels[clipNames[i]] = task === '11' ? decideNormal(p.probs, result.classes, decisions.task11) : toChallengeEventName(p.label);
    });
  }
  return { labels, errors };
}

/** Task 2-1: Normal / Adventitious / Poor Quality; Task 2-2: the record classes as they are. */
export function recordTaskLabel(task: RecordTask, label: string): string {
  return task === '21' ? task21Label(label) : label;
}

/** `classify --task 21|22 --wav <dir>`: {fileName: label}. */
export async function classifyRecordFiles(store: ModelStore, dir: string, task: RecordTask, detectorId?: string): Promise<{ labels: Record<string, string>; errors: FileError[] }> {
  const labels: Record<string, string> = {};
  const errors = await forEachAnalysis(
    store,
    dir,
    async (name, result) => {
      if (!result.verdict) throw new Error('The manifest has no respiratory-detector model.');
      labels[name] = recordTaskLabel(task, result.verdict.label);
    },
    detectorId,
  );
  return { labels, errors };
}
