import { describe, expect, it } from 'vitest';
import { SerialQueue } from './queue';

describe('SerialQueue', () => {
  it('runs jobs one at a time in order, skips cancelled ones and survives a failing one', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const job = (k: string, fail = false) => async () => {
      running++;
      expect(running).toBe(1);
      await new Promise((r) => setTimeout(r, 5));
      log.push(k);
      running--;
      if (fail) throw new Error(k);
    };
    const errors: unknown[] = [];
    q.push('a', job('a'));
    q.push('b', job('b', true), (e) => errors.push(e));
    q.push('c', job('c'));
    q.cancel('c');
    await q.push('d', job('d'));
    expect(log).toEqual(['a', 'b', 'd']);
    expect(errors).toHaveLength(1);
    expect(q.pending).toBe(0);
  });
});
