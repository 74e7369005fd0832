// The spectrogram the event model saw for the selected event: its `features` output for the
// event's first input window (normalised log-STFT, low frequencies at the bottom), drawn with the
// timeline's colour map. Fetched from the worker a moment after the selection settles.
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, useState } from 'react';
import type { AnalysedEvent, EventFeatureMap } from '../../core/types';
import type { LoadedRecording } from '../../core/recording';
import { SPECTROGRAM_COLOR_MAP } from '../timeline/colorMap';
import { eventFeatureMap } from './jobs';
import { COLORS, withAlpha } from '../theme';

const WIDTH = 240;
const HEIGHT = 130;

/** Paints a frequency-major map into RGBA, scaled min..max, low frequencies at the bottom. */
export function paintFeatures(map: EventFeatureMap): ImageData {
  const { nFreq, nTime, data } = map;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const img = new ImageData(nTime, nFreq);
  for (let f = 0; f < nFreq; f++) {
    const row = nFreq - 1 - f;
    for (let t = 0; t < nTime; t++) {
      const c = SPECTROGRAM_COLOR_MAP[Math.max(0, Math.min(255, Math.round(((data[f * nTime + t] - lo) / span) * 255)))];
      const o = (row * nTime + t) * 4;
      img.data[o] = c[0] * 255;
      img.data[o + 1] = c[1] * 255;
      img.data[o + 2] = c[2] * 255;
      img.data[o + 3] = 255;
    }
  }
  return img;
}

function hz(x?: number): string {
  if (x === undefined) return '?';
  return x >= 1000 ? `${(x / 1000).toFixed(1)} kHz` : `${Math.round(x)} Hz`;
}

export function EventSpectrogram({ recording, event, model }: { recording: LoadedRecording; event?: AnalysedEvent; model: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [map, setMap] = useState<EventFeatureMap>();
  const [error, setError] = useState<string>();
  const key = event ? `${event.start}:${event.end}:${model}` : '';

  useEffect(() => {
    if (!event || !model) return;
    let cancelled = false;
    setError(undefined);
    // Stepping quickly through events must not queue a feature request for each one.
    const t = setTimeout(() => {
      eventFeatureMap(recording, event, model)
        .then((m) => !cancelled && setMap(m))
        .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
    // The event's times and the model are what matter, not the object's identity.
  }, [key, recording.id]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !map) return;
    c.width = map.nTime;
    c.height = map.nFreq;
    c.getContext('2d')?.putImageData(paintFeatures(map), 0, 0);
  }, [map]);

  return (
    <Box
      component="figure"
      sx={{ m: 0, px: 2, py: 1.5, width: WIDTH + 32, flexShrink: 0 }}
      aria-label="What the model heard"
      data-testid="event-spectrogram"
      data-ready={Boolean(map && event)}
      data-model={map?.modelId ?? ''}
      data-shape={map ? `${map.nFreq}x${map.nTime}` : ''}
    >
      <Typography variant="body2" sx={{ fontWeight: 700 }}>
        What the model heard
      </Typography>
      {!event ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Select an event (click it, or ↑/↓) to see the spectrogram the model classified.
        </Typography>
      ) : (
        <>
          <Box sx={{ position: 'relative', width: WIDTH, height: HEIGHT, mt: 0.5, bgcolor: COLORS.black, borderRadius: 0.5, overflow: 'hidden' }}>
            <canvas ref={canvas} style={{ width: WIDTH, height: HEIGHT, imageRendering: 'pixelated', display: map ? 'block' : 'none' }} />
            {map && (
              <>
                <Box sx={{ position: 'absolute', left: 4, top: 2, font: '600 10px/14px system-ui', color: COLORS.paper, bgcolor: withAlpha(COLORS.black, 0.55), px: 0.5 }}>{hz(map.fMaxHz)}</Box>
                <Box sx={{ position: 'absolute', left: 4, bottom: 2, font: '600 10px/14px system-ui', color: COLORS.paper, bgcolor: withAlpha(COLORS.black, 0.55), px: 0.5 }}>{hz(map.fMinHz)}</Box>
              </>
            )}
          </Box>
          <Typography variant="caption" color={error ? 'error' : 'text.secondary'} component="figcaption" sx={{ display: 'block', mt: 0.5 }}>
            {error
              ? `Not available: ${error}`
              : map
                ? `${map.modelId} input: ${map.windowS.toFixed(1)} s window${map.tiled ? ' (the event repeated to fill it)' : ' (first window of the event)'}, ${map.nFreq} bands × ${map.nTime} frames, normalised.`
                : 'Computing…'}
          </Typography>
        </>
      )}
    </Box>
  );
}
