// The analysis worker: all decoding-heavy work runs here so the UI thread stays responsive.
// Buffers cross the boundary as transferables.
import * as Comlink from 'comlink';
import { readWav } from '../src/audio/wav';
import { prepareRecording } from '../src/dsp/prepare';
import { resample } from '../src/dsp/resample';
import { spectrogram } from '../src/dsp/spectrogram';
import type { AnalysisWorkerApi, AudioClip, DecodedAudio, PreparedRecording } from './api';

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
};

Comlink.expose(api);
