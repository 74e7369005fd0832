// Real event windows for benchmarks: events of the published SPRSound WAVs, cut by the models' policy.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readWav } from '../src/audio/wav';
import { eventSampleRange, eventWindows } from '../src/inference/eventWindows';
import type { EventModelEntry } from '../src/inference/manifest';
import { DATA_DIR, SPRSOUND_DIR } from '../src/testing/data';

export function realEventWindows(model: EventModelEntry, count: number): Float32Array[] {
  const dir = path.join(SPRSOUND_DIR, 'original-wav');
  const windows: Float32Array[] = [];
  for (const file of readdirSync(dir).sort()) {
    const bytes = readFileSync(path.join(dir, file));
    const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const ann = JSON.parse(readFileSync(path.join(SPRSOUND_DIR, 'json', file.replace(/\.wav$/, '.json')), 'utf8')) as {
      event_annotation: { start: string | number; end: string | number }[];
    };
    for (const e of ann.event_annotation) {
      const [s, t] = eventSampleRange(Number(e.start), Number(e.end), wav.sampleRate, wav.samples.length);
      if (t <= s) continue;
      windows.push(...eventWindows(wav.samples.subarray(s, t), model.input));
      if (windows.length >= count) return windows.slice(0, count);
    }
  }
  return windows;
}

export interface BenchRecording {
  name: string;
  clip: { samples: Float32Array; sampleRate: number };
}

/** A published recording of about `seconds` (the longest not over it, else the shortest over). */
export function longestRecording(kind: 'respiratory' | 'heart', seconds: number): BenchRecording {
  const dir = kind === 'respiratory' ? path.join(SPRSOUND_DIR, 'original-wav') : path.join(DATA_DIR, 'heartbeat-sounds-original-wav');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name));
      const wav = readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      return { name, clip: { samples: wav.samples, sampleRate: wav.sampleRate }, duration: wav.durationS };
    });
  const fitting = all.filter((r) => r.duration <= seconds + 0.5).sort((a, b) => b.duration - a.duration);
  const pick = fitting[0] ?? all.sort((a, b) => a.duration - b.duration)[0];
  return { name: pick.name, clip: pick.clip };
}
