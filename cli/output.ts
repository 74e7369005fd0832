// Output files for the CLI. Names come from input files, so every path is checked to stay
// inside the output directory the user gave (no "../" or absolute names escaping it).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export function safeOutputPath(outDir: string, name: string): string {
  const root = path.resolve(outDir);
  const target = path.resolve(root, name);
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new Error(`Refusing to write "${name}" outside the output directory ${root}.`);
  }
  return target;
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, JSON.stringify(value, null, 2) + '\n');
}
