// The one analysis worker of the UI, created on first use and re-created if it dies
// (e.g. out of memory on a huge file), so one bad file never takes the app down.
import * as Comlink from 'comlink';
import type { AnalysisWorkerApi } from './api';

interface Connection {
  worker: Worker;
  remote: Comlink.Remote<AnalysisWorkerApi>;
  /** Settles when the worker crashes; Comlink calls in flight would otherwise never settle. */
  died: Promise<never>;
}

let connection: Connection | undefined;

function connect(): Connection {
  const worker = new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`The analysis worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}.`));
      if (connection?.worker === worker) resetAnalysisWorker();
    });
  });
  died.catch(() => undefined); // only observed while a call is in flight
  return { worker, remote: Comlink.wrap<AnalysisWorkerApi>(worker), died };
}

/** Runs one call on the analysis worker; rejects instead of hanging if the worker dies meanwhile. */
export function withAnalysisWorker<T>(call: (api: Comlink.Remote<AnalysisWorkerApi>) => Promise<T>): Promise<T> {
  connection ??= connect();
  return Promise.race([call(connection.remote), connection.died]);
}

export function resetAnalysisWorker(): void {
  if (!connection) return;
  connection.remote[Comlink.releaseProxy]();
  connection.worker.terminate();
  connection = undefined;
}
