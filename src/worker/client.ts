// The UI's two instances of the analysis worker, each created on first use and re-created if it
// dies (e.g. out of memory on a huge file), so one bad file never takes the app down.
//
// One instance runs inference (the models, the analyses); the other opens recordings (decoding,
// resampling, the waveform's peaks and the spectrogram) and never loads the runtime. ONNX Runtime's
// start and the opening of a session are long synchronous calls: with one worker, a recording
// dropped while the models were loading waited for them before it was even decoded (1.4 s on a
// fresh page on the bench machine), and its waveform with it.
import * as Comlink from 'comlink';
import type { AnalysisWorkerApi } from './api';

/** Which instance a call goes to. */
export type WorkerRole = 'inference' | 'audio';

interface Connection {
  worker: Worker;
  remote: Comlink.Remote<AnalysisWorkerApi>;
  /** Settles when the worker crashes; Comlink calls in flight would otherwise never settle. */
  died: Promise<never>;
}

const connections = new Map<WorkerRole, Connection>();

function connect(role: WorkerRole): Connection {
  const worker = new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: role });
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`The analysis worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}.`));
      if (connections.get(role)?.worker === worker) resetWorker(role);
    });
  });
  died.catch(() => undefined); // only observed while a call is in flight
  return { worker, remote: Comlink.wrap<AnalysisWorkerApi>(worker), died };
}

function withWorker<T>(role: WorkerRole, call: (api: Comlink.Remote<AnalysisWorkerApi>) => Promise<T>): Promise<T> {
  let connection = connections.get(role);
  if (!connection) {
    connection = connect(role);
    connections.set(role, connection);
  }
  return Promise.race([call(connection.remote), connection.died]);
}

/** Runs one call on the inference instance; rejects instead of hanging if the worker dies meanwhile. */
export function withAnalysisWorker<T>(call: (api: Comlink.Remote<AnalysisWorkerApi>) => Promise<T>): Promise<T> {
  return withWorker('inference', call);
}

/** Runs one call on the instance that opens recordings (decode, prepare); never waits for the models. */
export function withAudioWorker<T>(call: (api: Comlink.Remote<AnalysisWorkerApi>) => Promise<T>): Promise<T> {
  return withWorker('audio', call);
}

function resetWorker(role: WorkerRole): void {
  const connection = connections.get(role);
  if (!connection) return;
  connection.remote[Comlink.releaseProxy]();
  connection.worker.terminate();
  connections.delete(role);
}
