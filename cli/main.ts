// The Auscult command line: the browser app's analysis, for whole folders.
// Exit codes: 0 all files processed, 1 usage or fatal error, 2 some files were unreadable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFiles } from './analyze';
import { AUDIO_EXTENSIONS, listAudioFiles } from './audioFiles';
import { parseFlags, required, UsageError } from './args';
import { classifyEventFiles, classifyRecordFiles, type EventTask, type RecordTask } from './classify';
import { heartFiles } from './heart';
import { openNodeModelStore } from '../src/inference/nodeModels';
import { writeJson } from './output';
import { scoreEventFolders, scoreEventPredictions } from './score';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_MODELS = path.join(REPO_ROOT, 'public', 'models');

const USAGE = `Usage:
  auscult classify --task 11|12 --wav <dir> --out <file.json> [--model resnet18|vgg16|ensemble] [--models <dir>]
  auscult heart --wav <dir> --out <file.json> [--model <heart model id>] [--models <dir>]
  auscult classify --task 21|22 --wav <dir> --out <file.json> [--detector <id>] [--models <dir>]
      every file is one recording (Task 2-1: Normal | Adventitious | Poor Quality;
      Task 2-2: Normal | CAS | DAS | CAS & DAS | Poor Quality)
  auscult analyze --wav <dir> --out <dir> [--detector <id>] [--models <dir>]
      writes <out>/<name>.json per recording: {"record_annotation", "record_confidence",
      "event_annotation": [{"start", "end", "type", "confidence"}]} (integer ms)
  auscult score --task 11|12 --truth <labels.json> --pred <out.json>
      challenge scores (SE, SP, AS, HS, Score), per-class recall and confusion matrix of a classify output
  auscult score --task events --truth <dir of SPRSound .json> --pred <dir written by analyze>
      event F1 (any class, same class) and the partial-label metrics: adventitious-family event F1,
      CAS / DAS 1-s segment F1, F1 inside each recording's annotated stretch (Poor Quality left out)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  const flags = parseFlags(rest);
  if (command === 'score') {
    const task = required(flags, 'task');
    if (task === 'events') {
      const report = await scoreEventFolders(required(flags, 'truth'), required(flags, 'pred'));
      process.stdout.write(JSON.stringify(report, null, 1) + '\n');
      return 0;
    }
    if (task !== '11' && task !== '12') throw new UsageError(`--task must be 11, 12 or events, got "${task}".`);
    const report = await scoreEventPredictions(task, required(flags, 'truth'), required(flags, 'pred'));
    process.stdout.write(JSON.stringify(report, null, 1) + '\n');
    return 0;
  }
  const store = await openNodeModelStore(flags.models ?? DEFAULT_MODELS);
  let errors: { name: string; error: string }[] = [];
  if (command === 'classify') {
    const task = required(flags, 'task');
    if (task === '21' || task === '22') {
      const result = await classifyRecordFiles(store, required(flags, 'wav'), task as RecordTask, flags.detector);
      await writeJson(required(flags, 'out'), result.labels);
      errors = result.errors;
    } else {
      if (task !== '11' && task !== '12') throw new UsageError(`--task must be 11 or 12 (event clips) or 21 or 22 (recordings), got "${task}".`);
      const result = await classifyEventFiles(store, required(flags, 'wav'), task as EventTask, flags.model ?? 'ensemble');
      await writeJson(required(flags, 'out'), result.labels);
      errors = result.errors;
    }
  } else if (command === 'analyze') {
    const result = await analyzeFiles(store, required(flags, 'wav'), required(flags, 'out'), flags.detector);
    errors = result.errors;
  } else if (command === 'heart') {
    const result = await heartFiles(store, required(flags, 'wav'), flags.model);
    await writeJson(required(flags, 'out'), result.results);
    errors = result.errors;
  } else {
    throw new UsageError(`Unknown command "${command}".`);
  }
  for (const e of errors) process.stderr.write(`${e.name}: ${e.error}\n`);
  if (!(await listAudioFiles(flags.wav)).length) {
    process.stderr.write(`No audio files (${AUDIO_EXTENSIONS.join(', ')}) in ${flags.wav}: nothing was analysed.\n`);
  }
  return errors.length ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    if (e instanceof UsageError) process.stderr.write(USAGE);
    process.exit(1);
  },
);
