// Records from a microphone / electronic stethoscope at the device's own rate, with every
// processing stage the browser might add (echo cancellation, noise suppression, AGC) turned off:
// they are built for speech and would erase or distort crackles and wheezes.
import { appendChunk, beginSession, markStopped, sessionLockName } from '../storage/recordingChunks';

export type RecorderErrorCode = 'permission-denied' | 'no-device' | 'device-busy' | 'unsupported' | 'failed';

export class RecorderError extends Error {
  readonly code: RecorderErrorCode;
  constructor(code: RecorderErrorCode, message: string) {
    super(message);
    this.name = 'RecorderError';
    this.code = code;
  }
}

export interface RecorderProgress {
  elapsedS: number;
  /** Peak absolute sample value of the latest block, 0..1. */
  peak: number;
}

export interface FinishedRecording {
  sessionId: string;
  name: string;
  samples: Float32Array;
  sampleRate: number;
  deviceLabel: string;
  /** Set when the recording ended without the user pressing Stop (device unplugged, …). */
  interruption?: string;
  /** Set when chunks could not be saved (e.g. storage full): the recording exists only in memory. */
  storageWarning?: string;
}

export interface StartOptions {
  deviceId?: string;
  onProgress: (p: RecorderProgress) => void;
  /** The recording stopped by itself; what was captured is handed over. */
  onInterrupted: (result: FinishedRecording) => void;
}

const CHUNK_SECONDS = 0.5;
const FLUSH_TIMEOUT_MS = 1000;

function mapGetUserMediaError(e: unknown): RecorderError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new RecorderError(
        'permission-denied',
        'Microphone access was denied. Allow the microphone for this site (the icon at the left of the address bar) and press Record again.',
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new RecorderError('no-device', 'No microphone or stethoscope input was found. Connect one and press Record again.');
    case 'NotReadableError':
    case 'AbortError':
      return new RecorderError('device-busy', 'The input device could not be opened; another application may be using it.');
    default:
      return new RecorderError('failed', `Recording could not start: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function recordingName(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `Recording ${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

function concat(blocks: readonly Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

async function openStream(deviceId: string | undefined): Promise<MediaStream> {
  const processing = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: deviceId ? { ...processing, deviceId: { exact: deviceId } } : processing,
    });
  } catch (e) {
    // A remembered device that is no longer plugged in: fall back to the default input.
    const name = e instanceof Error ? e.name : '';
    if (deviceId && (name === 'OverconstrainedError' || name === 'NotFoundError')) return openStream(undefined);
    throw mapGetUserMediaError(e);
  }
}

interface SampleMessage {
  type: 'samples';
  samples: Float32Array;
  peak: number;
}

function isSampleMessage(data: unknown): data is SampleMessage {
  return typeof data === 'object' && data !== null && 'type' in data && data.type === 'samples';
}

export class MicRecorder {
  private readonly blocks: Float32Array[] = [];
  private totalSamples = 0;
  private pending: Float32Array[] = [];
  private pendingSamples = 0;
  private seq = 0;
  private writes: Promise<void> = Promise.resolve();
  private storageWarning?: string;
  private finishing?: Promise<FinishedRecording>;
  private releaseLock?: () => void;

  private constructor(
    private readonly stream: MediaStream,
    private readonly ctx: AudioContext,
    private readonly node: AudioWorkletNode,
    private readonly source: MediaStreamAudioSourceNode,
    readonly sessionId: string,
    readonly name: string,
    readonly deviceLabel: string,
    private readonly opts: StartOptions,
  ) {
    node.port.onmessage = (event: MessageEvent<unknown>) => {
      if (isSampleMessage(event.data)) this.onSamples(event.data);
    };
    const track = stream.getAudioTracks()[0];
    track.addEventListener('ended', () => {
      void this.finish(`The input device "${deviceLabel}" was disconnected; the audio recorded until then was kept.`).then(
        (result) => opts.onInterrupted(result),
      );
    });
  }

  static async start(opts: StartOptions): Promise<MicRecorder> {
    if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
      throw new RecorderError('unsupported', 'This browser cannot record audio here (a secure https:// page is required).');
    }
    const stream = await openStream(opts.deviceId);
    const track = stream.getAudioTracks()[0];
    const deviceRate = track.getSettings().sampleRate;
    let ctx: AudioContext;
    try {
      ctx = new AudioContext(deviceRate ? { sampleRate: deviceRate } : {});
    } catch {
      ctx = new AudioContext(); // the browser refused the device rate; it will resample
    }
    try {
      await ctx.audioWorklet.addModule(`${import.meta.env.BASE_URL}worklets/capture-processor.js`);
      const node = new AudioWorkletNode(ctx, 'auscult-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
      const source = ctx.createMediaStreamSource(stream);
      const startedAt = new Date();
      const sessionId = `mic-${startedAt.getTime().toString(36)}`;
      const name = recordingName(startedAt);
      const deviceLabel = track.label || 'Default input';
      const recorder = new MicRecorder(stream, ctx, node, source, sessionId, name, deviceLabel, opts);
      try {
        await beginSession({ id: sessionId, name, startedAt: startedAt.getTime(), sampleRate: ctx.sampleRate, deviceLabel, state: 'recording' });
      } catch (e) {
        recorder.storageWarning = `Crash protection is off: the recording could not be saved in the browser (${e instanceof Error ? e.message : String(e)}).`;
      }
      void navigator.storage?.persist?.().catch(() => false);
      void navigator.locks
        ?.request(sessionLockName(sessionId), () =>
          recorder.finishing ? Promise.resolve() : new Promise<void>((release) => (recorder.releaseLock = release)),
        )
        .catch(() => undefined);
      source.connect(node);
      await ctx.resume();
      return recorder;
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      void ctx.close();
      throw e instanceof RecorderError ? e : new RecorderError('failed', `Recording could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  get sampleRate(): number {
    return this.ctx.sampleRate;
  }

  get elapsedS(): number {
    return this.totalSamples / this.ctx.sampleRate;
  }

  private onSamples(msg: SampleMessage): void {
    this.blocks.push(msg.samples);
    this.totalSamples += msg.samples.length;
    this.pending.push(msg.samples);
    this.pendingSamples += msg.samples.length;
    if (this.pendingSamples >= CHUNK_SECONDS * this.ctx.sampleRate) this.saveChunk();
    this.opts.onProgress({ elapsedS: this.elapsedS, peak: msg.peak });
  }

  private saveChunk(): void {
    if (this.pendingSamples === 0 || this.storageWarning) {
      this.pending = [];
      this.pendingSamples = 0;
      return;
    }
    const chunk = concat(this.pending, this.pendingSamples);
    const seq = this.seq++;
    this.pending = [];
    this.pendingSamples = 0;
    // Chained so chunks land in order; a failure turns crash protection off but never stops recording.
    this.writes = this.writes
      .then(() => appendChunk(this.sessionId, seq, chunk))
      .catch((e: unknown) => {
        this.storageWarning ??= `Crash protection stopped: the recording could not be saved in the browser (${e instanceof Error ? e.message : String(e)}).`;
      });
  }

  private waitForFlush(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
      const previous = this.node.port.onmessage;
      this.node.port.onmessage = (event: MessageEvent<unknown>) => {
        previous?.call(this.node.port, event);
        const data = event.data;
        if (typeof data === 'object' && data !== null && 'type' in data && data.type === 'flushed') {
          clearTimeout(timer);
          resolve();
        }
      };
      this.node.port.postMessage('flush');
    });
  }

  stop(): Promise<FinishedRecording> {
    return this.finish(undefined);
  }

  private finish(interruption: string | undefined): Promise<FinishedRecording> {
    this.finishing ??= (async () => {
      if (this.ctx.state !== 'closed') await this.waitForFlush();
      this.source.disconnect();
      this.node.port.onmessage = null;
      this.stream.getTracks().forEach((t) => t.stop());
      await this.ctx.close().catch(() => undefined);
      this.saveChunk();
      await this.writes;
      if (!this.storageWarning) await markStopped(this.sessionId).catch(() => undefined);
      this.releaseLock?.();
      return {
        sessionId: this.sessionId,
        name: this.name,
        samples: concat(this.blocks, this.totalSamples),
        sampleRate: this.ctx.sampleRate,
        deviceLabel: this.deviceLabel,
        interruption,
        storageWarning: this.storageWarning,
      };
    })();
    return this.finishing;
  }
}
