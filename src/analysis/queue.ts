// Analyses run one recording at a time, in the order they were asked for: the worker is single and
// a drop of fifty files must neither flood memory nor starve the recording being looked at.
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly cancelled = new Set<string>();
  private waiting = 0;

  /** Runs `job` after every earlier one; a job cancelled before its turn is skipped. */
  push(key: string, job: () => Promise<void>, onError: (e: unknown) => void = () => undefined): Promise<void> {
    this.cancelled.delete(key);
    this.waiting++;
    this.tail = this.tail.then(async () => {
      this.waiting--;
      if (this.cancelled.has(key)) return;
      try {
        await job();
      } catch (e) {
        onError(e);
      }
    });
    return this.tail;
  }

  cancel(key: string): void {
    this.cancelled.add(key);
  }

  /** Jobs not started yet. */
  get pending(): number {
    return this.waiting;
  }
}
