// SPRSound annotation files (`<recording>.json`) dropped next to their recording become
// timeline events, so clinicians can compare the reference labels with what they hear.
import type { TimedEvent } from '../core/types';
import { fromAnyEventName } from '../core/labels';
import { AudioInputError } from './errors';

export interface Annotation {
  recordLabel?: string;
  events: TimedEvent[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ms(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n / 1000 : undefined;
}

/** Accepts both SPRSound spellings: string or integer milliseconds, `record_annotation` or `recording_annotation`. */
export function parseSprsoundAnnotation(text: string): Annotation {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AudioInputError('not-audio', 'This JSON file could not be parsed, so it is not an SPRSound annotation.');
  }
  if (!isRecord(json) || !Array.isArray(json.event_annotation)) {
    throw new AudioInputError('not-audio', 'This JSON file is not an SPRSound annotation (no "event_annotation" list).');
  }
  const events: TimedEvent[] = [];
  for (const raw of json.event_annotation) {
    if (!isRecord(raw)) continue;
    const start = ms(raw.start);
    const end = ms(raw.end);
    const label = typeof raw.type === 'string' ? fromAnyEventName(raw.type) : undefined;
    if (start === undefined || end === undefined || !label || end <= start) continue;
    events.push({ start, end, label, confidence: 1 });
  }
  events.sort((a, b) => a.start - b.start);
  const recordLabel = json.record_annotation ?? json.recording_annotation;
  return { recordLabel: typeof recordLabel === 'string' ? recordLabel : undefined, events };
}

export function baseName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

export function isJsonFile(file: File): boolean {
  return file.type === 'application/json' || file.name.toLowerCase().endsWith('.json');
}
