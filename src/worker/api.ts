// The typed contract between the UI thread and the analysis worker (Comlink).
// Everything heavy — WAV parsing, resampling, spectrograms, ONNX inference — lives behind it.
import type {
  AnalysisAudio,
  AnalysisProgress,
  AnalyzeOptions,
  AudioClip,
  BackendMeasurement,
  BackendSetting,
  ClassifyResult,
  DecodedAudio,
  EventFeatureMap,
  EventSpan,
  HeartAnalysis,
  InferenceStatus,
  ModelCatalog,
  PrepareOptions,
  PreparedRecording,
  RecordingAnalysis,
} from '../core/types';
import type { SpectrogramData, SpectrogramParams } from '../dsp/spectrogram';

export type CancellableJob = 'analysis' | 'opening';

/** Progress of preparing a long recording for display (0..1). */
export type PrepareProgress = (fraction: number) => void;

export interface AnalysisWorkerApi {
  /** Parse WAV bytes with the tolerant reader. Throws an Error named 'AudioInputError' with a clear message. */
  decodeWav(bytes: ArrayBuffer, maxDurationS: number): Promise<DecodedAudio>;
  /** Resample, compute peaks and the display spectrogram for already-decoded mono audio. */
  prepare(clip: AudioClip, options: PrepareOptions): Promise<PreparedRecording>;
  /**
   * The same for a long WAV file, read a chunk at a time (bounded memory): peaks, a display
   * spectrogram of bounded size, and the file itself for playback. Cancelled by `cancel()`.
   */
  prepareLongWav(file: Blob, options: PrepareOptions, onProgress?: PrepareProgress): Promise<PreparedRecording>;
  /** Mono audio as a 16-bit WAV file (a long microphone recording then takes the long-file path). */
  encodeWav(clip: AudioClip): Promise<Blob>;
  /**
   * Stops the running `analyzeRecording` ('analysis') or `prepareLongWav` ('opening') between two
   * chunks; it rejects with AnalysisCancelled. The two kinds run interleaved and are cancelled apart.
   */
  cancel(kind: CancellableJob): Promise<void>;
  resample(clip: AudioClip, toRate: number): Promise<AudioClip>;
  /** Frame-major magnitudes: data[frame * nBins + bin]; for 'logstft' natural log of (magnitude + 1e-10). */
  spectrogram(clip: AudioClip, options: SpectrogramParams): Promise<SpectrogramData>;
  /**
   * The user's backend setting ('auto': by measurement) and the measurement this browser cached (used
   * when its key matches this browser and model set). A changed setting reopens the models.
   */
  configureInference(settings: { setting: BackendSetting; measurement: BackendMeasurement | null }): Promise<void>;
  /** Classify events of a recording with 'resnet18', 'vgg16', 'ensemble' or a model id. */
  classifyEvents(audio: AnalysisAudio, spans: EventSpan[], model: string): Promise<ClassifyResult>;
  /** Where each model that ran is running, and the backend choice in force and why. */
  inferenceStatus(): Promise<InferenceStatus>;
  /**
   * The backend measurement the first analysis started (for the UI to cache in the browser), once it
   * has finished; null when none was due or it failed.
   */
  backendMeasurement(): Promise<BackendMeasurement | null>;
  /**
   * Opens the models a first analysis needs, before any recording arrives: the detector and the
   * members of `savedChoice` (the event model choice saved on this device; the catalog's default when
   * null or no longer offered, as the UI resolves it: eventChoiceFor).
   */
  warmUp(savedChoice: string | null): Promise<void>;
  /** What the manifest offers: event model choices (and the default), detector, heart model, versions. */
  modelCatalog(): Promise<ModelCatalog>;
  /**
   * The clinician's analysis of one recording (the lung pipeline): the detector finds the events and
   * the record verdict, then the chosen event model(s) classify every event (each class's
   * probability, each model's vote), and the annotated reference events too when `referenceSpans` is
   * given (for the challenge metrics). `onProgress` is a Comlink.proxy callback.
   */
  analyzeRecording(audio: AnalysisAudio, options: AnalyzeOptions, onProgress?: (p: AnalysisProgress) => void): Promise<RecordingAnalysis>;
  /** The model's input spectrogram (`features` output) for the first window of one event. */
  eventFeatures(audio: AnalysisAudio, span: EventSpan, model: string): Promise<EventFeatureMap>;
  /**
   * Heart mode (the heart pipeline): the heart-sound classifier (per-window and whole-record) and the
   * heart rate, on the recording at its native rate (the playback WAV), exactly as the model was validated.
   */
  analyzeHeart(wav: Blob): Promise<HeartAnalysis>;
}
