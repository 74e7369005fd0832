// Suites that read real data or models: they run when it is there; when it is not, the suite FAILS
// with the message of src/testing/data.ts (what is missing, where it was looked for, where it comes
// from) — or, under AUSCULT_SKIP_MISSING_DATA=1 and only for data from outside the repository, is
// skipped with that message as the reason. The body is not collected when something is missing,
// so bodies may read their files at once.
import { describe, it } from 'vitest';
import { MissingDataError, missingData, missingDataMessage, skippingMissingData, type DataNeed } from './data';

export function describeWithData(name: string, needs: DataNeed[], body: () => void | Promise<void>): void {
  const missing = missingData(...needs);
  const messages = missing.map(missingDataMessage);
  if (missing.length === 0) {
    describe(name, body);
  } else if (skippingMissingData() && missing.every((n) => !n.committed)) {
    describe.skip(name, () => {
      for (const m of messages) it.skip(m, () => {});
    });
  } else {
    describe(name, () => {
      it('has the data it needs', () => {
        throw new MissingDataError(messages.join('\n'));
      });
    });
  }
}
