// Exports of a recording's (possibly edited) events: SPRSound-format JSON (integer ms, SPRSound
// type spellings, so the file can be dropped back onto Auscult or scored by the challenge tools) —
// the one writer of that format, used by the app's export and by `auscult analyze` alike — and a
// CSV a spreadsheet opens, with every class's probability and every model's vote.
import type { AnalysedEvent } from '../core/types';
import { EVENT_CLASSES } from '../core/labels';

export interface SprsoundExport {
  record_annotation: string;
  /** The verdict's confidence (0..1, 4 decimals; an addition to the SPRSound format). */
  record_confidence?: number;
  event_annotation: { start: number; end: number; type: string; confidence: number }[];
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** `events` times in seconds (written as integer ms); confidences rounded to 4 decimals. */
export function toSprsound(recordLabel: string, recordConfidence: number | undefined, events: readonly AnalysedEvent[]): SprsoundExport {
  return {
    record_annotation: recordLabel,
    ...(recordConfidence !== undefined ? { record_confidence: round4(recordConfidence) } : {}),
    event_annotation: events.map((e) => ({
      start: Math.round(e.start * 1000),
      end: Math.round(e.end * 1000),
      type: e.label,
      confidence: round4(e.confidence),
    })),
  };
}

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per event; times in seconds (3 decimals), probabilities rounded to 4 decimals. */
export function toCsv(events: readonly AnalysedEvent[]): string {
  const models = [...new Set(events.flatMap((e) => (e.votes ?? []).map((v) => v.modelId)))];
  const header = [
    'index',
    'start_s',
    'end_s',
    'duration_s',
    'class',
    'confidence',
    'label_source',
    ...EVENT_CLASSES.map((c) => `p_${c.name}`),
    ...models.flatMap((m) => [`vote_${m}`, `vote_${m}_confidence`]),
  ];
  const rows = events.map((e, i) => {
    const votes = new Map((e.votes ?? []).map((v) => [v.modelId, v]));
    return [
      i + 1,
      e.start.toFixed(3),
      e.end.toFixed(3),
      (e.end - e.start).toFixed(3),
      e.label,
      round4(e.confidence),
      e.labelByClinician ? 'clinician' : `model${e.edited ? ' (edited boundaries)' : ''}${e.ownLabel ? `, typed with the record (event model alone: ${e.ownLabel})` : ''}`,
      ...EVENT_CLASSES.map((_, k) => (e.probs ? round4(e.probs[k]) : undefined)),
      ...models.flatMap((m) => {
        const v = votes.get(m);
        return [v?.label, v ? round4(v.confidence) : undefined];
      }),
    ].map(csvCell);
  });
  return [header.map(csvCell), ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/** "41251473_2.7_1_p1_2489.wav" -> "41251473_2.7_1_p1_2489.auscult.json" */
export function exportName(recordingName: string, suffix: string): string {
  const dot = recordingName.lastIndexOf('.');
  const base = (dot > 0 ? recordingName.slice(0, dot) : recordingName).replace(/[\\/:*?"<>|]+/g, '-');
  return `${base}${suffix}`;
}
