// Decodes compressed formats with the browser's own decoders, at the file's native rate.
import { AudioInputError } from './errors';

export interface BrowserDecoded {
  samples: Float32Array;
  sampleRate: number;
  channels: number;
}

/** Browsers accept OfflineAudioContext rates from 3000 to at least 384000 Hz; outside that we must resample. */
const MIN_CONTEXT_RATE = 3000;
const MAX_CONTEXT_RATE = 384000;
/** Mixing is done in slices so a long multichannel file never blocks the UI thread for long. */
const MIX_SLICE = 1 << 18;

function yieldToUi(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function mixToMono(buffer: AudioBuffer): Promise<Float32Array> {
  // A copy: the AudioBuffer owns its channel memory, which cannot be transferred to the worker.
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0).slice();
  const out = new Float32Array(buffer.length);
  const scale = 1 / buffer.numberOfChannels;
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const ch = buffer.getChannelData(c);
    for (let start = 0; start < ch.length; start += MIX_SLICE) {
      const end = Math.min(ch.length, start + MIX_SLICE);
      for (let i = start; i < end; i++) out[i] += ch[i] * scale;
      if (end < ch.length) await yieldToUi();
    }
  }
  return out;
}

/**
 * `decodeAudioData` always resamples to its context's rate, so the context is created at the
 * rate the header states; the decode itself runs off the UI thread inside the browser.
 */
export async function decodeWithBrowser(bytes: ArrayBuffer, nativeRate: number, formatLabel: string): Promise<BrowserDecoded> {
  const rate = Math.min(MAX_CONTEXT_RATE, Math.max(MIN_CONTEXT_RATE, Math.round(nativeRate)));
  let buffer: AudioBuffer;
  try {
    const ctx = new OfflineAudioContext(1, 1, rate);
    buffer = await ctx.decodeAudioData(bytes);
  } catch (e) {
    const detail = e instanceof Error && e.message ? ` (${e.message})` : '';
    throw new AudioInputError(
      'decode-failed',
      `The ${formatLabel} data could not be decoded: the file is damaged, truncated, or uses a codec this browser does not support${detail}.`,
    );
  }
  if (buffer.length === 0) throw new AudioInputError('no-samples', 'The file contains no audio samples.');
  return { samples: await mixToMono(buffer), sampleRate: buffer.sampleRate, channels: buffer.numberOfChannels };
}
