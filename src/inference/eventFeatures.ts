// The spectrogram an event model actually saw: its ONNX `features` output ([B, 1, F, T], the
// normalised log-STFT after its own front end) for the event's first input window. Showing the
// model's input, not a display spectrogram, lets a clinician judge what the decision rests on.
import type { AudioClip, EventFeatureMap, EventSpan } from '../core/types';
import { sourceAt, type AudioSource } from '../audio/source';
import { eventSampleRange, eventWindows } from './eventWindows';
import { resolveModelChoice } from './manifest';
import type { ModelStore } from './modelStore';

export async function eventFeatures(store: ModelStore, audio: AudioClip | AudioSource, span: EventSpan, choice: string): Promise<EventFeatureMap> {
  // An ensemble's members may differ in front end; the first member's input is shown (and named).
  const model = resolveModelChoice(store.manifest, choice)[0];
  const name = model.outputs.features;
  if (!name) throw new Error(`Model "${model.id}" does not expose its input spectrogram (no "features" output).`);
  const rate = model.sampleRate;
  const source = sourceAt(audio, rate);
  const [s, t] = eventSampleRange(span.startMs, span.endMs, rate, source.length);
  const event = await source.read(s, Math.max(s, t));
  const window = eventWindows(event, model.input)[0];
  const { nFreq, nTime, data } = await store
    .run(model, 'while computing an event spectrogram', async ({ session, Tensor }) => {
      const input = new Tensor('float32', Float32Array.from(window), [1, model.input.clipSamples]);
      const out = await session.run({ [model.input.name]: input }, [name]).finally(() => input.dispose());
      const dims = out[name].dims;
      const f = Number(dims[dims.length - 2]);
      const t = Number(dims[dims.length - 1]);
      const values = Float32Array.from((out[name].data as Float32Array).subarray(0, f * t));
      for (const v of Object.values(out)) v.dispose();
      return { nFreq: f, nTime: t, data: values };
    });
  return {
    modelId: model.id,
    nFreq,
    nTime,
    data,
    fMinHz: model.feature.fMin,
    fMaxHz: model.feature.fMax,
    windowS: model.input.clipSamples / rate,
    tiled: event.length < model.input.clipSamples,
  };
}
