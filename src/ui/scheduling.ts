// Helpers for splitting UI-thread work into tasks short enough (< 50 ms) that input,
// playback and painting are never held up.

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
