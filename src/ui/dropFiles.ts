// Files from a drop, including the files inside dropped folders (e.g. a whole SPRSound folder of
// WAV + JSON pairs). Entries must be taken during the drop event itself; reading folders is async.

type Entry = FileSystemEntry;

function isDir(e: Entry): e is FileSystemDirectoryEntry {
  return e.isDirectory;
}

function fileOf(e: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => e.file(resolve, reject));
}

async function readAll(dir: FileSystemDirectoryEntry): Promise<Entry[]> {
  const reader = dir.createReader();
  const out: Entry[] = [];
  // readEntries returns at most ~100 entries per call; call until it returns none.
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return out;
    out.push(...batch);
  }
}

async function walk(entries: Entry[], out: File[], depth = 0): Promise<void> {
  for (const e of entries) {
    if (isDir(e)) {
      if (depth < 8) await walk(await readAll(e), out, depth + 1);
    } else if (e.isFile && !e.name.startsWith('.')) {
      out.push(await fileOf(e as FileSystemFileEntry));
    }
  }
}

/** Call synchronously from the drop handler; resolves to every file, folders expanded, by name. */
export function droppedFiles(dt: DataTransfer): Promise<File[]> {
  const entries = Array.from(dt.items ?? [])
    .map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null))
    .filter((e): e is Entry => Boolean(e));
  const files = Array.from(dt.files ?? []);
  if (!entries.some(isDir)) return Promise.resolve(files);
  const out: File[] = [];
  return walk(entries, out).then(() => out.sort((a, b) => a.name.localeCompare(b.name)));
}
