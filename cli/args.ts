// A small flag parser: `--name value` pairs after a sub-command.

export type Flags = Record<string, string>;

export class UsageError extends Error {}

export function parseFlags(argv: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new UsageError(`Unexpected argument "${a}".`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`Flag ${a} needs a value.`);
    flags[a.slice(2)] = value;
    i++;
  }
  return flags;
}

export function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (v === undefined) throw new UsageError(`Missing --${name}.`);
  return v;
}
