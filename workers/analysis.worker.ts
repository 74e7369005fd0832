// The analysis worker: all decoding-heavy work runs here so the UI thread stays responsive.
// Buffers cross the boundary as transferables. The UI runs two instances (src/worker/client.ts): one
// opens recordings, one runs the models; ONNX Runtime loads only in the instance that asks for a model.
import * as Comlink from 'comlink';
import { openWavSource, type AudioSource } from '../src/audio/source';
import { encodeWav, readWav } from '../src/audio/wav';
import { resample } from '../src/dsp/resample';
import { spectrogram } from '../src/dsp/spectrogram';
import { modelCatalog } from '../src/inference/catalog';
import { EventClassifier } from '../src/inference/eventClassifier';
import { eventFeatures } from '../src/inference/eventFeatures';
import * as heart from '../src/pipelines/heart';
import * as lung from '../src/pipelines/lung';
import * as prepare from '../src/pipelines/prepare';
import type { AnalysisAudio, AudioClip, DecodedAudio, EventFeatureMap, PreparedRecording } from '../src/core/types';
import type { AnalysisWorkerApi, CancellableJob } from '../src/worker/api';
import { InferenceBackends } from './inferenceBackends';

const backends = new InferenceBackends();
const modelStore = () => backends.models();

/** A long file's header is read again per call (1 MiB at most): each message brings a new Blob object. */
async function audioOf(audio: AnalysisAudio): Promise<AudioClip | AudioSource> {
  return 'file' in audio ? openWavSource(audio.file) : audio;
}

// Jobs that can be cancelled, by kind: an analysis and the opening of the next file run
// interleaved in this worker, and cancelling one must not stop the other.
const running: Record<CancellableJob, Set<AbortController>> = { analysis: new Set(), opening: new Set() };

async function cancellable<T>(kind: CancellableJob, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  running[kind].add(controller);
  try {
    return await job(controller.signal);
  } finally {
    running[kind].delete(controller);
  }
}

/** A proxied callback returns a promise; progress is fire-and-forget. */
function fireAndForget<A extends unknown[]>(callback?: (...args: A) => unknown): (...args: A) => void {
  return (...args) => void Promise.resolve(callback?.(...args)).catch(() => undefined);
}

const api: AnalysisWorkerApi = {
  async decodeWav(bytes, maxDurationS) {
    const wav = readWav(bytes, { maxDurationS });
    const decoded: DecodedAudio = { ...wav };
    return Comlink.transfer(decoded, [decoded.samples.buffer]);
  },

  async prepare(clip, options) {
    const prepared: PreparedRecording = await prepare.run(clip, options);
    return Comlink.transfer(prepared, [
      ...(prepared.analysis ? [prepared.analysis.samples.buffer] : []),
      prepared.peaks.buffer,
      prepared.display.data.buffer,
    ]);
  },

  async prepareLongWav(file, options, onProgress) {
    const report = fireAndForget(onProgress);
    const prepared = await cancellable('opening', (signal) => prepare.run({ file }, options, { signal, onStep: (done, total) => report(done / total) }));
    return Comlink.transfer(prepared, [prepared.peaks.buffer, prepared.display.data.buffer]);
  },

  async encodeWav(clip) {
    return new Blob([encodeWav(clip.samples, clip.sampleRate)], { type: 'audio/wav' });
  },

  async cancel(kind) {
    for (const c of running[kind]) c.abort();
  },

  async resample(clip, toRate) {
    const out: AudioClip = { samples: resample(clip.samples, clip.sampleRate, toRate), sampleRate: toRate };
    return Comlink.transfer(out, [out.samples.buffer]);
  },

  async spectrogram(clip, options) {
    const spec = spectrogram(clip.samples, clip.sampleRate, options);
    return Comlink.transfer(spec, [spec.data.buffer]);
  },

  async configureInference({ setting, measurement }) {
    backends.configure(setting, measurement);
  },

  async classifyEvents(audio, spans, model) {
    return new EventClassifier(await modelStore()).classify(await audioOf(audio), spans, model);
  },

  async inferenceStatus() {
    return backends.status();
  },

  async warmUp(savedChoice) {
    await backends.warmUp(savedChoice);
  },

  async backendMeasurement() {
    return backends.measurement();
  },

  async modelCatalog() {
    return modelCatalog(await backends.manifestOnce());
  },

  async analyzeRecording(audio, options, onProgress) {
    const input = await audioOf(audio);
    const waitStart = performance.now();
    const models = await modelStore();
    const waitedMs = Math.round(performance.now() - waitStart);
    // The app types the events with the event classifiers (the detector's type is one more vote).
    const result = await cancellable('analysis', (signal) =>
      lung.run(models, input, options, { signal, onProgress: fireAndForget(onProgress) }),
    );
    // Off the critical path: this verdict is already on its way; the next job waits for the choice.
    if (!('file' in audio)) backends.measureAfter(audio, options.eventModel);
    return { ...result, stageMs: { models: waitedMs, ...result.stageMs } };
  },

  async eventFeatures(audio, span, model) {
    const map: EventFeatureMap = await eventFeatures(await modelStore(), await audioOf(audio), span, model);
    return Comlink.transfer(map, [map.data.buffer]);
  },

  async analyzeHeart(wav) {
    return heart.run(await modelStore(), readWav(await wav.arrayBuffer()));
  },
};

Comlink.expose(api);
