// The input length policy for event models, the TypeScript twin of training/'s: an event
// shorter than a clip is tiled to fill it; a longer one is cut into clips every
// `windowHopSamples`, plus one aligned to its end, and their probabilities are averaged.
import type { EventInputPolicy } from './manifest';

export function eventSampleRange(startMs: number, endMs: number, sampleRate: number, length: number): [number, number] {
  const start = Math.max(0, Math.floor((startMs * sampleRate) / 1000));
  const end = Math.min(length, Math.floor((endMs * sampleRate) / 1000));
  return [start, end];
}

/** The model inputs for one event's samples: each exactly clipSamples long. */
export function eventWindows(event: Float32Array, policy: Pick<EventInputPolicy, 'clipSamples' | 'windowHopSamples'>): Float32Array[] {
  const { clipSamples: clip, windowHopSamples: hop } = policy;
  const n = event.length;
  if (n === 0) throw new RangeError('An event with no samples cannot be classified.');
  if (n < clip) {
    const tiled = new Float32Array(clip);
    for (let i = 0; i < clip; i++) tiled[i] = event[i % n];
    return [tiled];
  }
  const windows: Float32Array[] = [];
  let start = 0;
  for (; start + clip <= n; start += hop) windows.push(event.subarray(start, start + clip));
  const lastStart = start - hop;
  if (lastStart + clip < n) windows.push(event.subarray(n - clip, n));
  return windows;
}
