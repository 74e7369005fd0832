// The spectrogram an event model actually saw: its ONNX `features` output ([B, 1, F, T], the
// normalised log-STFT after its own front end) for the event's first input window. Showing the
// model's input, not a display spectrogram, lets a clinician judge what the decision rests on.
import type { AudioClip, EventFeatureMap, EventSpan } from '../core/types';
import { sourceAt, type AudioSource } from '../audio/source';
import { EVENT_TASK } from './eventClassifier';
import { eventSampleRange, eventWindows } from './eventWindows';
import { resolveModelChoice } from './manifest';
import type { ModelStore } from './modelStore';
import { ort } from './runtime';

export async function eventFeatures(store: ModelStore, audio: AudioClip | AudioSource, span: EventSpan, choice: string): Promise<EventFeatureMap> {
  // An ensemble's members may differ in front end; the first member's input is shown (and named).
  const model = resolveModelChoice(store.manifest, EVENT_TASK, choice)[0];
  const name = model.outputs.features;
  if (!name) throw new Error(`Model "${model.id}" does not expose its input spectrogram (no "features" output).`);
  const rate = model.sampleRate;
  const source = sourceAt(audio, rate);
  const [s, t] = eventSampleRange(span.startMs, span.endMs, rate, source.length);
  const event = await source.read(s, Math.max(s, t));
  const window = eventWindows(event, model.input)[0];
  const { session } = await store.session(model);
  const input = new ort.Tensor('float32', Float32Array.from(window), [1, model.input.clipSamples]);
  const out = await session.run({ [model.input.name]: input }, [name]);
  const tensor = out[name];
  const dims = tensor.dims;
  const nFreq = Number(dims[dims.length - 2]);
  const nTime = Number(dims[dims.length - 1]);
  const data = Float32Array.from((tensor.data as Float32Array).subarray(0, nFreq * nTime));
  input.dispose();
  for (const v of Object.values(out)) v.dispose();
  const f = model.feature as { fMin?: unknown; fMax?: unknown };
  return {
    modelId: model.id,
    nFreq,
    nTime,
    data,
    fMinHz: typeof f.fMin === 'number' ? f.fMin : undefined,
    fMaxHz: typeof f.fMax === 'number' ? f.fMax : undefined,
    windowS: model.input.clipSamples / rate,
    tiled: event.length < model.input.clipSamples,
  };
}
