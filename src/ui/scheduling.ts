// Helpers for splitting UI-thread work into tasks short enough (< 50 ms) that input,
// playback and painting are never held up.
import { startTransition, useEffect, useState } from 'react';

/** Resolves in a new task (a MessageChannel avoids setTimeout's 4 ms clamp). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** Resolves after the next frame has been rendered, so pending style and layout are already done. */
export function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => void nextTask().then(resolve)));
}

/**
 * How many of `count` stages of a view to show: one more per task, starting again at 1 whenever
 * `resetKey` changes. A view's first commit inserts its DOM, runs its components' style insertion
 * and layout effects in one task that React cannot split; mounting a large view in stages keeps
 * each of those tasks short. Later updates of mounted stages are ordinary re-renders.
 */
export function useStagedMount(count: number, resetKey: unknown): number {
  // The stage is stored with the key it belongs to and derived on render: a stored stage of
  // another key reads as 1 (a reset), with no state update during render.
  const [state, setState] = useState({ key: resetKey, stage: 1 });
  const stage = Object.is(state.key, resetKey) ? state.stage : 1;
  useEffect(() => {
    if (stage >= count) return;
    let cancelled = false;
    void nextTask().then(() => {
      if (cancelled) return;
      startTransition(() => setState((s) => ({ key: resetKey, stage: Math.max(Object.is(s.key, resetKey) ? s.stage : 1, stage + 1) })));
    });
    return () => {
      cancelled = true;
    };
  }, [stage, count, resetKey]);
  return stage;
}
