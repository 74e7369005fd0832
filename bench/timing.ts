// Median-based timing: these 2-core machines are noisy, so warm-up runs and medians.

/** ONNX Runtime settles (allocations, kernel choices) over the first few runs. */
const WARMUP_RUNS = 5;

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function timeRuns(reps: number, fn: () => Promise<void>): Promise<Timing> {
  for (let i = 0; i < WARMUP_RUNS; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { medianMs: median(times), minMs: Math.min(...times), runs: reps };
}
