// The one label table and colour palette of the app; training/ reads the same JSON.
import table from './labels.json';

export interface LabelInfo {
  readonly name: string;
  readonly color: string;
}

export interface EventLabelInfo extends LabelInfo {
  /** The spelling the SPRSound challenge uses for Task 1-2 outputs. */
  readonly challenge: string;
  /** Record-level group the event contributes to. */
  readonly group: 'normal' | 'CAS' | 'DAS' | 'CAS & DAS';
}

export const EVENT_CLASSES: readonly EventLabelInfo[] = table.eventClasses as EventLabelInfo[];
export const RECORD_CLASSES: readonly LabelInfo[] = table.recordClasses;
export const HEART_CLASSES: readonly LabelInfo[] = table.heartClasses;

export type EventClassName = string;

const UNKNOWN_COLOR = '#000000';

export function eventColor(name: string): string {
  return EVENT_CLASSES.find((c) => c.name === name || c.challenge === name)?.color ?? UNKNOWN_COLOR;
}

export function recordColor(name: string): string {
  return RECORD_CLASSES.find((c) => c.name === name)?.color ?? UNKNOWN_COLOR;
}

export function heartColor(name: string): string {
  return HEART_CLASSES.find((c) => c.name === name)?.color ?? UNKNOWN_COLOR;
}

/** SPRSound spells the mixed class "Wheeze+Crackle" in annotations and "Wheeze & Crackle" in challenge outputs. */
export function toChallengeEventName(name: string): string {
  return EVENT_CLASSES.find((c) => c.name === name)?.challenge ?? name;
}

export function fromAnyEventName(name: string): string | undefined {
  return EVENT_CLASSES.find((c) => c.name === name || c.challenge === name)?.name;
}

/** The names the record verdict and the challenge tasks use beside the class table. */
export const NORMAL = 'Normal';
export const POOR_QUALITY = 'Poor Quality';
/** Task 1-1 / 2-1: any class other than Normal (and Poor Quality, for records). */
export const ADVENTITIOUS = 'Adventitious';

/** Event class names in label-table order: the order of every `probs` array the app keeps. */
export const EVENT_NAMES: readonly string[] = EVENT_CLASSES.map((c) => c.name);

/** The adventitious families: continuous (CAS) and discontinuous (DAS) sounds. */
export type Family = 'CAS' | 'DAS';
export const FAMILIES: readonly Family[] = ['CAS', 'DAS'];

/** The families of a label-table group ('CAS & DAS': both; 'normal': none). */
export function groupFamilies(group: string): Family[] {
  return FAMILIES.filter((f) => group.split(' & ').includes(f));
}

/** The families an event class belongs to (Wheeze+Crackle: both; Normal or unknown: none). */
export function eventFamilies(name: string): Family[] {
  return groupFamilies(EVENT_CLASSES.find((c) => c.name === name || c.challenge === name)?.group ?? 'normal');
}
