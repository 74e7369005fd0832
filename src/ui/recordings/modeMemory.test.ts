import { describe, expect, it } from 'vitest';
import { MODE_SETTING, rememberedMode, rememberMode, type KeyValueStore } from './modeMemory';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('mode memory', () => {
  it('remembers heart mode per file name and forgets it when set back to lung', () => {
    const store = memoryStore();
    expect(rememberedMode('a.wav', store)).toBe('lung');
    rememberMode('a.wav', 'heart', store);
    rememberMode('b.wav', 'heart', store);
    expect(rememberedMode('a.wav', store)).toBe('heart');
    rememberMode('a.wav', 'lung', store);
    expect(rememberedMode('a.wav', store)).toBe('lung');
    expect(JSON.parse(store.data.get(MODE_SETTING)!)).toEqual({ 'b.wav': 'heart' });
  });

  it('falls back to lung mode when storage is missing, unreadable or full', () => {
    expect(rememberedMode('a.wav', undefined)).toBe('lung');
    expect(rememberedMode('a.wav', memoryStore({ [MODE_SETTING]: 'not json' }))).toBe('lung');
    expect(rememberedMode('a.wav', memoryStore({ [MODE_SETTING]: '["heart"]' }))).toBe('lung');
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => rememberMode('a.wav', 'heart', full)).not.toThrow();
    expect(() => rememberMode('a.wav', 'heart', undefined)).not.toThrow();
  });
});
