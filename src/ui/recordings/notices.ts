// App-level messages (notices) and the per-file problems under the recording list, as pure list
// updates: the hooks keep the lists in React state, these functions decide what they become.

export interface Notice {
  id: string;
  severity: 'info' | 'success' | 'warning' | 'error';
  message: string;
}

export type Severity = Notice['severity'];
/** How every part of the app reports to the clinician. */
export type Notify = (severity: Severity, message: string) => void;

/** A file that could not be opened, shown under the list until dismissed. */
export interface FileProblem {
  id: string;
  fileName: string;
  message: string;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let counter = 0;
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A message already on screen is not stacked a second time (e.g. the same failure per drag step). */
export function withNotice(notices: readonly Notice[], severity: Severity, message: string, id = uid('notice')): readonly Notice[] {
  return notices.some((n) => n.message === message) ? notices : [...notices, { id, severity, message }];
}

/** Every problem is kept: two files may fail for the same reason, each is named. */
export function withProblem(problems: readonly FileProblem[], fileName: string, message: string, id = uid('problem')): readonly FileProblem[] {
  return [...problems, { id, fileName, message }];
}

export function without<T extends { id: string }>(items: readonly T[], id: string): readonly T[] {
  return items.filter((x) => x.id !== id);
}
