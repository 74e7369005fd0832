// Heart or lung mode is remembered per file name, so reopening the same file keeps it. Lung mode is
// the default and is not stored; a browser without storage remembers nothing (the open recording
// keeps its mode all the same).

export type Mode = 'lung' | 'heart';

export const MODE_SETTING = 'auscult.modeByName';

/** The part of the Web Storage API used here; tests pass a Map-backed one. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): KeyValueStore | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // storage disabled (some private windows throw on access)
  }
}

function readMap(storage: KeyValueStore): Record<string, string> {
  const parsed: unknown = JSON.parse(storage.getItem(MODE_SETTING) ?? '{}');
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
}

export function rememberedMode(name: string, storage: KeyValueStore | undefined = browserStorage()): Mode {
  try {
    return storage && readMap(storage)[name] === 'heart' ? 'heart' : 'lung';
  } catch {
    return 'lung'; // unreadable setting: the default
  }
}

export function rememberMode(name: string, mode: Mode, storage: KeyValueStore | undefined = browserStorage()): void {
  if (!storage) return;
  try {
    const map = readMap(storage);
    if (mode === 'heart') map[name] = 'heart';
    else delete map[name];
    storage.setItem(MODE_SETTING, JSON.stringify(map));
  } catch {
    // storage full or disabled: remembered for this visit only
  }
}
