// The typed contract between the UI thread and the analysis worker (Comlink).
// Everything heavy — WAV parsing, resampling, spectrograms, ONNX inference — lives behind it.

/** Mono audio at a known rate. `samples` buffers are transferred, not copied. */
export interface AudioClip {
  samples: Float32Array;
  sampleRate: number;
}

/** What the tolerant WAV reader found, besides the mono samples. */
export interface DecodedAudio extends AudioClip {
  channels: number;
  /** e.g. 'pcm16', 'pcm24', 'float32' */
  encoding: string;
  durationS: number;
  /** What the reader had to repair (e.g. NaN samples replaced by silence). */
  warnings: string[];
}

import type { SpectrogramData, SpectrogramKind, SpectrogramParams } from '../src/dsp/spectrogram';
import type { ClassifyResult, EventSpan } from '../src/inference/eventClassifier';
import type { Backend } from '../src/inference/runtime';

export type { Backend, ClassifyResult, EventSpan };

/** Which backend inference runs on, and why a preferred one was not used. */
export interface InferenceStatus {
  backend: Backend | null;
  preferred: Backend[];
  notes: string[];
}

export type { SpectrogramKind };
export type SpectrogramOptions = SpectrogramParams;
/** Frame-major magnitudes: data[frame * nBins + bin]; for 'logstft' natural log of (magnitude + 1e-10). */
export type Spectrogram = SpectrogramData;

/** A recording made ready for the timeline and the models. */
export interface PreparedRecording {
  /** Native-rate mono audio, as 16-bit WAV bytes for playback (no second decode on the UI thread). */
  playbackWav: ArrayBuffer;
  durationS: number;
  nativeRate: number;
  /** The audio at the analysis rate (8 kHz for lung sounds). */
  analysis: AudioClip;
  /** Min/max peaks for the waveform display, one pair per bucket, interleaved. */
  peaks: Float32Array;
  /** Display spectrogram, quantised to 0..255 per bin for wavesurfer: frames × bins, frame-major. */
  display: { nFrames: number; nBins: number; sampleRate: number; data: Uint8Array };
}

export interface PrepareOptions {
  analysisRate: number;
  /** Peaks buckets for the waveform. */
  peakBuckets: number;
}

export interface AnalysisWorkerApi {
  /** Parse WAV bytes with the tolerant reader. Throws an Error named 'AudioInputError' with a clear message. */
  decodeWav(bytes: ArrayBuffer, maxDurationS: number): Promise<DecodedAudio>;
  /** Resample, compute peaks and the display spectrogram for already-decoded mono audio. */
  prepare(clip: AudioClip, options: PrepareOptions): Promise<PreparedRecording>;
  resample(clip: AudioClip, toRate: number): Promise<AudioClip>;
  spectrogram(clip: AudioClip, options: SpectrogramOptions): Promise<Spectrogram>;
  /** Choose the inference backends to try, in order (default WebGPU, then WASM). */
  configureInference(backends: Backend[]): Promise<void>;
  /** Classify events of a recording with 'resnet18', 'vgg16', 'ensemble' or a model id. */
  classifyEvents(clip: AudioClip, spans: EventSpan[], model: string): Promise<ClassifyResult>;
  inferenceStatus(): Promise<InferenceStatus>;
}

/** An event on the timeline; times in seconds from the start of the recording. */
export interface TimedEvent {
  start: number;
  end: number;
  /** An event class name from src/labels (e.g. 'Fine Crackle'). */
  label: string;
  /** 0..1 */
  confidence: number;
}
