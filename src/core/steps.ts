// Progress and cancellation of long work, shared by DSP, inference and the pipelines (and recognised
// by the UI), so it lives in the core rather than in either layer. Long work (a 60-minute
// recording) reports progress and can be cancelled between its steps: each step awaits, so a cancel
// message reaching the worker is seen before the next chunk starts.

export interface StepHooks {
  signal?: AbortSignal;
  /** `done` of `total` steps (chunks, batches) finished. */
  onStep?: (done: number, total: number) => void;
}

export class AnalysisCancelled extends Error {
  constructor() {
    super('The analysis was cancelled.');
    this.name = 'AnalysisCancelled';
  }
}

export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AnalysisCancelled();
}

/** Comlink passes an Error's name and message: this recognises a cancellation on the UI side. */
export function isCancellation(e: unknown): boolean {
  return e instanceof Error && e.name === 'AnalysisCancelled';
}
