// The domain types every layer shares: audio, events, analyses, model catalogue. Imports nothing, so
// any module (DSP, inference, pipelines, worker, UI, CLI) can name them without pulling code in.

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

/**
 * A long WAV file, analysed straight from the file a chunk at a time (never decoded whole): what the
 * worker takes instead of an in-memory clip.
 */
export interface FileAudio {
  file: Blob;
}

/** What the analysis functions take: audio in memory, or a long WAV file read in chunks. */
export type AnalysisAudio = AudioClip | FileAudio;

/** A recording made ready for the timeline and the models. */
export interface PreparedRecording {
  /**
   * What the timeline plays and History stores: native-rate mono 16-bit WAV made by the worker, or,
   * for a long recording, the file itself (played and read in chunks, never decoded whole).
   */
  playback: Blob;
  durationS: number;
  nativeRate: number;
  /** The audio at the analysis rate (8 kHz for lung sounds); absent for a long recording, read from `playback`. */
  analysis?: AudioClip;
  /** Set for a long recording: why it is shown and analysed in chunks. */
  longRecording?: { reason: string };
  /** Min/max peaks for the waveform display, one pair per bucket, interleaved. */
  peaks: Float32Array;
  /** Display spectrogram, quantised to 0..255 per bin for wavesurfer: frames × bins, frame-major. */
  display: { nFrames: number; nBins: number; sampleRate: number; data: Uint8Array };
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

/** An event's extent in milliseconds from the start of the recording (what the models are asked to classify). */
export interface EventSpan {
  startMs: number;
  endMs: number;
}

/** Where ONNX inference runs. */
export type Backend = 'webgpu' | 'wasm';

/** Where one model ran, and why not on WebGPU when it ran on WASM (a fallback or the backend choice). */
export interface ModelBackend {
  backend: Backend;
  reason?: string;
}

/** The user's backend setting: 'auto' follows the measurement. */
export type BackendSetting = 'auto' | Backend;

/**
 * The backend in force and how it was chosen: 'measured' (both backends timed on a real input; the
 * faster wins, WASM on a tie), 'user' (the override), 'only-wasm' (no WebGPU adapter), 'pending'
 * (WebGPU is there but not measured yet: WASM meanwhile).
 */
export interface BackendChoice {
  backend: Backend;
  how: 'measured' | 'user' | 'only-wasm' | 'pending';
  /** For 'measured': ms of one run of the detector and the event model(s) on the same input. */
  timings?: { wasmMs: number; webgpuMs: number | null };
  /** For 'measured': what the measurement is valid for (browser, adapter, model set). */
  key?: string;
  /** e.g. "measured 57 ms vs WebGPU 1427 ms". */
  reason: string;
}

/** Both backends timed on the same real input; what the browser caches so it is measured once. */
export interface BackendMeasurement {
  /** What it is valid for: the browser (user agent), its WebGPU adapter and the model files' sha256s. */
  key: string;
  /** ms of one run of the detector and the event model(s), sessions already open. */
  wasmMs: number;
  /** null when WebGPU could not run every model; `webgpuError` says why. */
  webgpuMs: number | null;
  webgpuError?: string;
  measuredAt: number;
}

/** Where each model that has run in this session ran, and the backend choice in force. */
export interface InferenceStatus {
  /** By model id: only models that have run. */
  models: Record<string, ModelBackend>;
  choice: BackendChoice | null;
  setting: BackendSetting;
  /** Fallbacks as they happened: "<model id>: <reason>". */
  notes: string[];
}

/** How one task's answer follows from class probabilities (chosen in training, read from the manifest). */
export interface DecisionRule {
  rule: 'argmax' | 'pNormalBelow';
  /** For 'pNormalBelow': Normal only when P(Normal) reaches this. */
  threshold?: number;
  chosenOn?: string;
}

export interface EventDecisions {
  task11: DecisionRule;
  task12: DecisionRule;
}

/** What preparing a recording for the timeline takes (the prepare pipeline's options). */
export interface PrepareOptions {
  /** Rate (Hz) of the analysis audio and of the display spectrogram. */
  analysisRate: number;
  /** Peaks buckets for the waveform. */
  peakBuckets: number;
}

/** One event classified by the chosen event model(s). */
export interface EventPrediction {
  /** Mean probability per class, in the result's `classes` order. */
  probs: number[];
  label: string;
  confidence: number;
  /** Each member model's own probabilities, keyed by model id. */
  perModel: Record<string, number[]>;
}

/** Events classified by an event model choice (one model or an ensemble). */
export interface ClassifyResult {
  classes: string[];
  /** The rules that turned `probs` into `label` (also what the CLI applies for Task 1-1). */
  decisions: EventDecisions;
  predictions: EventPrediction[];
  models: string[];
  backend: Backend;
  /** Where each member model ran, and why on WASM. */
  modelBackends?: Record<string, ModelBackend>;
}

export interface AnalyzeOptions {
  /** 'resnet18', 'vgg16', an ensemble id or a model id. */
  eventModel: string;
  detectorId?: string;
  /** Annotated events (ms) to classify as well: Tasks 1-1 / 1-2 of the dataset metrics. */
  referenceSpans?: EventSpan[];
}

export interface AnalysisProgress {
  stage: 'models' | 'detecting' | 'classifying' | 'reference' | 'done';
  /** 0..1 over the whole analysis. */
  fraction: number;
  message: string;
}

/** One model's opinion on one event. */
export interface ModelVote {
  modelId: string;
  label: string;
  confidence: number;
  /** Probabilities in label-table (EVENT_CLASSES) order. */
  probs: number[];
}

/** A timeline event with what the models said about it. */
export interface AnalysedEvent extends TimedEvent {
  id: string;
  /** The chosen model's (or the ensemble's) probability per class, in label-table order. */
  probs?: number[];
  /** Each event model's vote, and the detector's own frame-class vote. */
  votes?: ModelVote[];
  /** Detector: mean frame activity over the event (0..1). */
  activity?: number;
  /** The event classifier choice that typed it ('ensemble', 'resnet18', …). */
  model?: string;
  /** Boundaries changed or added by the clinician. */
  edited?: boolean;
  added?: boolean;
  /** The label was set by the clinician, not by a model. */
  labelByClinician?: boolean;
  /**
   * The event model's own label, kept when the recording's verdict typed the event otherwise
   * (VerdictResult.eventTyping); absent when they agree.
   */
  ownLabel?: string;
}

export interface VerdictResult {
  /** Normal / CAS / DAS / CAS & DAS / Poor Quality */
  label: string;
  confidence: number;
  /** The record head's probabilities, in `recordClasses` order, when the detector has one. */
  recordProbs?: number[];
  recordClasses?: string[];
  /** How the detector decides: 'hierarchical' or 'head' (record head) or 'rules' (from the events). */
  method?: string;
  /** 'hierarchical': P(CAS or DAS or CAS & DAS | not Poor Quality) and the threshold it was held to. */
  adventitiousProbability?: number;
  adventitiousThreshold?: number;
  /** 'verdict-weighted': the events are typed with the record's verdict and probabilities. */
  eventTyping?: EventTyping;
}

/** How a detector's verdict types the events (inference/postprocess.ts typeWithRecord). */
export type EventTyping = 'verdict-weighted';

/**
 * Where the detector hears each adventitious family: per bin of `binS` seconds (bin i starts at
 * offsetS + i·binS), the highest frame activity × the family's class probability in it, 0..1.
 */
export interface FamilyActivity {
  binS: number;
  offsetS: number;
  CAS: number[];
  DAS: number[];
}

export interface ReferenceClassification {
  label: string;
  confidence: number;
  probs: number[];
}

export interface RecordingAnalysis {
  /** null when the manifest has no detector: no events, no verdict. */
  detectorId: string | null;
  eventModel: string;
  /** The event models that voted (manifest ids). */
  eventModels: string[];
  backend: Backend;
  /** Where each model (detector, event models) ran; absent in analyses saved before it was kept. */
  modelBackends?: Record<string, ModelBackend>;
  durationMs: number;
  events: AnalysedEvent[];
  verdict: VerdictResult | null;
  /** The detector's CAS / DAS activity along the recording (absent without a detector). */
  familyActivity?: FamilyActivity;
  /** Classifications of the annotated events, in the order given. */
  reference?: ReferenceClassification[];
  /** How the chosen model's probabilities became labels (manifest rules chosen on validation patients). */
  decisions?: EventDecisions;
  /** Each event model's own rules, by model id (for its vote). */
  modelDecisions?: Record<string, EventDecisions>;
  /** e.g. why there are no events. */
  notes: string[];
  /** ms since the epoch */
  analysedAt: number;
  /** Wall time of the analysis in the worker, ms. */
  elapsedMs: number;
  /**
   * Where that time went, ms: 'detect' (incl. opening the detector), 'classify', 'reference'; and,
   * before it and not in `elapsedMs`, 'models': the wait for the models (runtime start, sessions, warm-up).
   */
  stageMs?: Partial<Record<'models' | 'detect' | 'classify' | 'reference', number>>;
}

/** Frequency-major [nFreq][nTime] values of the model's normalised input spectrogram. */
export interface EventFeatureMap {
  modelId: string;
  nFreq: number;
  nTime: number;
  data: Float32Array;
  /** Frequency range the bins cover, Hz (from the manifest's feature description). */
  fMinHz?: number;
  fMaxHz?: number;
  /** Seconds of audio the window covers; `tiled` when the event was shorter and repeated. */
  windowS: number;
  tiled: boolean;
}

export interface ModelVersion {
  id: string;
  task: string;
  architecture?: string;
  file: string;
  sha256: string;
  commit?: string;
}

export interface EventModelChoice {
  /** What analyzeRecording's `eventModel` takes: 'resnet18', 'vgg16' or an ensemble id. */
  id: string;
  label: string;
  members: string[];
  /** The Task 1-2 score it is ranked by: the manifest's selectionMetrics (validation, never test), if any. */
  score?: number;
}

export interface ModelCatalog {
  eventChoices: EventModelChoice[];
  defaultEventChoice: string;
  /** Why that default (e.g. "the ensemble scores 0.81 vs 0.77 on held-out patients"). */
  defaultReason: string;
  detectorId: string | null;
  heartModelId: string | null;
  models: ModelVersion[];
  /** Each event model's decision rules, by model id. */
  modelDecisions: Record<string, EventDecisions>;
}

export interface HeartAnalysis {
  modelId: string;
  backend: Backend;
  /** Why the heart model ran on WASM, when it did; absent in analyses saved before it was kept. */
  backendReason?: string;
  /** The record label (the class most windows give) and its mean probability over the windows. */
  top: { className: string; confidence: number };
  /** Windows giving the record label, out of all; absent in analyses saved before it was kept. */
  support?: { windows: number; of: number };
  /** Every heart class, in the label table's order. */
  predictions: { className: string; confidence: number }[];
  windows: { start: number; end: number; className: string; confidence: number }[];
  heartRate: { bpm: number; confidence: number } | { bpm: null; reason: string };
  analysedAt: number;
}
