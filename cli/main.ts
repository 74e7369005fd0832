// The Auscult command line: the browser app's analysis, for whole folders.
// Exit codes: 0 all files processed, 1 usage or fatal error, 2 some files were unreadable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, required, UsageError } from './args';
import { classifyEventFiles, type EventTask } from './classify';
import { openNodeModelStore } from './nodeModels';
import { writeJson } from './output';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_MODELS = path.join(REPO_ROOT, 'public', 'models');

const USAGE = `Usage:
  auscult classify --task 11|12 --wav <dir> --out <file.json> [--model resnet18|vgg16|ensemble] [--models <dir>]
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  const flags = parseFlags(rest);
  const store = await openNodeModelStore(flags.models ?? DEFAULT_MODELS);
  let errors: { name: string; error: string }[] = [];
  if (command === 'classify') {
    const task = required(flags, 'task');
    if (task !== '11' && task !== '12') throw new UsageError(`--task must be 11 or 12 for event clips, got "${task}".`);
    const result = await classifyEventFiles(store, required(flags, 'wav'), task as EventTask, flags.model ?? 'ensemble');
    await writeJson(required(flags, 'out'), result.labels);
    errors = result.errors;
  } else {
    throw new UsageError(`Unknown command "${command}".`);
  }
  for (const e of errors) process.stderr.write(`${e.name}: ${e.error}\n`);
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
