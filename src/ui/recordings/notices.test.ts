import { describe, expect, it } from 'vitest';
import { messageOf, withNotice, withProblem, without } from './notices';

describe('notices and problems', () => {
  it('stacks notices but never the same message twice', () => {
    let n = withNotice([], 'info', 'Recovered a recording', 'n1');
    n = withNotice(n, 'error', 'Saving failed', 'n2');
    const again = withNotice(n, 'warning', 'Saving failed', 'n3');
    expect(again).toBe(n);
    expect(n.map((x) => [x.id, x.severity])).toEqual([
      ['n1', 'info'],
      ['n2', 'error'],
    ]);
    expect(without(n, 'n1').map((x) => x.id)).toEqual(['n2']);
  });

  it('keeps one problem per file, also for the same message', () => {
    let p = withProblem([], 'a.wav', 'The file is empty (0 bytes).');
    p = withProblem(p, 'b.wav', 'The file is empty (0 bytes).');
    expect(p.map((x) => x.fileName)).toEqual(['a.wav', 'b.wav']);
    expect(new Set(p.map((x) => x.id)).size).toBe(2);
  });

  it('words any thrown value', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf('plain')).toBe('plain');
  });
});
