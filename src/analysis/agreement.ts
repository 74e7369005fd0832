// Agreement between the predicted events and the annotated (reference) ones, with the same matching
// rules as the event F1 (src/metrics/events.ts): onset within 200 ms, offset within max(200 ms, 20 %).
// First the class-aware matches, then time-only matches among what is left.
import type { TimedEvent } from '../core/types';
import { matchEvents, type ScoredEvent } from '../metrics/events';

/** match: same time and class; time-only: same time, other class; missed / extra: no partner. */
export type AgreementKind = 'match' | 'time-only' | 'missed' | 'extra';

export interface Agreement {
  /** Per reference event. */
  reference: { kind: AgreementKind; partner?: number }[];
  /** Per predicted event. */
  predicted: { kind: AgreementKind; partner?: number }[];
  counts: Record<AgreementKind, number>;
}

export function toScored(e: TimedEvent): ScoredEvent {
  return { start: Math.round(e.start * 1000), end: Math.round(e.end * 1000), type: e.label };
}

export function agreement(reference: readonly TimedEvent[], predicted: readonly TimedEvent[]): Agreement {
  const refs = reference.map(toScored);
  const ests = predicted.map(toScored);
  const ref: Agreement['reference'] = refs.map(() => ({ kind: 'missed' }));
  const est: Agreement['predicted'] = ests.map(() => ({ kind: 'extra' }));
  for (const [i, j] of matchEvents(refs, ests, true)) {
    ref[i] = { kind: 'match', partner: j };
    est[j] = { kind: 'match', partner: i };
  }
  const freeRefs = refs.map((_, i) => i).filter((i) => ref[i].kind === 'missed');
  const freeEsts = ests.map((_, j) => j).filter((j) => est[j].kind === 'extra');
  for (const [a, b] of matchEvents(freeRefs.map((i) => refs[i]), freeEsts.map((j) => ests[j]), false)) {
    const i = freeRefs[a];
    const j = freeEsts[b];
    ref[i] = { kind: 'time-only', partner: j };
    est[j] = { kind: 'time-only', partner: i };
  }
  const counts: Record<AgreementKind, number> = { match: 0, 'time-only': 0, missed: 0, extra: 0 };
  for (const r of ref) counts[r.kind]++;
  for (const e of est) if (e.kind === 'extra') counts.extra++;
  return { reference: ref, predicted: est, counts };
}

export const AGREEMENT_TEXT: Record<AgreementKind, { mark: string; text: string }> = {
  match: { mark: '✓', text: 'agrees with the annotation (time and class)' },
  'time-only': { mark: '≈', text: 'same time as an annotated event, different class' },
  missed: { mark: '✗', text: 'annotated, not found by the model' },
  extra: { mark: '+', text: 'found by the model, not annotated' },
};
