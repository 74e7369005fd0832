// The analysis worker: all decoding-heavy work runs here so the UI thread stays responsive.
// Buffers cross the boundary as transferables.
import * as Comlink from 'comlink';
import { readWav } from '../src/audio/wav';
import { prepareRecording } from '../src/dsp/prepare';
import { resample } from '../src/dsp/resample';
import { spectrogram } from '../src/dsp/spectrogram';
import { openBrowserModelStore } from '../src/inference/browserModels';
import { estimateHeartRate } from '../src/dsp/heartRate';
import { modelCatalog } from '../src/inference/catalog';
import { EventClassifier } from '../src/inference/eventClassifier';
import { eventFeatures } from '../src/inference/eventFeatures';
import { HeartClassifier } from '../src/inference/heartClassifier';
import { analyzeRecording } from '../src/inference/recordingAnalysis';
import type { ModelStore } from '../src/inference/modelStore';
import type { AnalysisWorkerApi, AudioClip, Backend, DecodedAudio, EventFeatureMap, HeartAnalysis, InferenceStatus, PreparedRecording } from './api';

let backends: Backend[] = ['webgpu', 'wasm'];
let store: Promise<ModelStore> | undefined;
const status: InferenceStatus = { backend: null, preferred: backends, notes: [] };

function modelStore(): Promise<ModelStore> {
  store ??= openBrowserModelStore(backends, {
    onFallback: (id, reason) => status.notes.push(`${id}: ${reason}`),
  });
  store.catch(() => (store = undefined)); // let a later call retry, e.g. once back online
  return store;
}

const api: AnalysisWorkerApi = {
  async decodeWav(bytes, maxDurationS) {
    const wav = readWav(bytes, { maxDurationS });
    const decoded: DecodedAudio = { ...wav };
    return Comlink.transfer(decoded, [decoded.samples.buffer]);
  },

  async prepare(clip, options) {
    const prepared: PreparedRecording = prepareRecording(clip, options);
    return Comlink.transfer(prepared, [
      prepared.playbackWav,
      prepared.analysis.samples.buffer,
      prepared.peaks.buffer,
      prepared.display.data.buffer,
    ]);
  },

  async resample(clip, toRate) {
    const out: AudioClip = { samples: resample(clip.samples, clip.sampleRate, toRate), sampleRate: toRate };
    return Comlink.transfer(out, [out.samples.buffer]);
  },

  async spectrogram(clip, options) {
    const spec = spectrogram(clip.samples, clip.sampleRate, options);
    return Comlink.transfer(spec, [spec.data.buffer]);
  },

  async configureInference(preferred) {
    backends = preferred;
    status.preferred = preferred;
    store = undefined;
  },

  async classifyEvents(clip, spans, model) {
    const result = await new EventClassifier(await modelStore()).classify(clip, spans, model);
    status.backend = result.backend;
    return result;
  },

  async inferenceStatus() {
    return { ...status, notes: [...status.notes] };
  },

  async modelCatalog() {
    return modelCatalog((await modelStore()).manifest);
  },

  async analyzeRecording(clip, options, onProgress) {
    const result = await analyzeRecording(await modelStore(), clip, options, (p) => {
      // A proxied callback returns a promise; progress is fire-and-forget.
      void Promise.resolve(onProgress?.(p)).catch(() => undefined);
    });
    status.backend = result.backend;
    return result;
  },

  async eventFeatures(clip, span, model) {
    const map: EventFeatureMap = await eventFeatures(await modelStore(), clip, span, model);
    return Comlink.transfer(map, [map.data.buffer]);
  },

  async analyzeHeart(wav) {
    const clip: AudioClip = readWav(wav);
    const result = await new HeartClassifier(await modelStore()).classify(clip);
    status.backend = result.backend;
    const hr = estimateHeartRate(clip.samples, clip.sampleRate);
    const analysis: HeartAnalysis = {
      modelId: result.modelId,
      backend: result.backend,
      top: { className: result.topPrediction.className, confidence: result.topPrediction.confidence },
      predictions: result.predictions.map((p) => ({ className: p.className, confidence: p.confidence })),
      windows: result.windows.map((w) => ({ start: w.start, end: w.end, className: w.className, confidence: w.confidence })),
      heartRate: hr.bpm === null ? { bpm: null, reason: hr.reason } : { bpm: hr.bpm, confidence: hr.confidence },
      analysedAt: Date.now(),
    };
    return analysis;
  },
};

Comlink.expose(api);
