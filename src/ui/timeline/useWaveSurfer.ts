// One wavesurfer instance per shown recording. It is fed the worker's peaks, duration and
// display spectrogram, so the UI thread never decodes audio or runs an FFT.
import { startTransition, useEffect, useRef, useState, type RefObject } from 'react';
import WaveSurfer from 'wavesurfer.js';
import RegionsPlugin from 'wavesurfer.js/plugins/regions';
import type { LoadedRecording } from '../../core/recording';
import { spectrogramPalette } from './colorMap';
import { robustPeak } from './displayScale';
import { highlightRegions, LANE_HEIGHT, showRegions, type RegionLayers } from './regions';
import { afterNextPaint, nextTask } from '../scheduling';
import { COLORS } from '../theme';
import { SpectrogramImagePlugin } from './spectrogramImage';
import { ReferenceLanePlugin } from './referenceLane';
import { ACTIVITY_ROW_HEIGHT, ActivityLanePlugin } from './activityLane';
import { RulerPlugin } from './ruler';
import { clampZoom } from './zoom';

export const WAVEFORM_HEIGHT = 120;
export const RULER_HEIGHT = 24;
export const SPECTROGRAM_HEIGHT = 200;
/** Where the spectrogram starts inside the timeline container. */
export const SPECTROGRAM_TOP = WAVEFORM_HEIGHT + RULER_HEIGHT;
const TIME_UPDATE_MS = 50;

export interface WaveSurferView {
  ready: boolean;
  /** The spectrogram has been drawn at least once. */
  spectrogramReady: boolean;
  playing: boolean;
  currentTime: number;
  /** Current zoom in px/s, and the zoom at which the whole recording fits the view. */
  pxPerSec: number;
  fitPxPerSec: number;
  error?: string;
}

export interface WaveSurferControls {
  playPause: () => void;
  /** Plays [start, end) and scrolls it into view when zoomed in. */
  playRange: (start: number, end: number) => void;
  seekTo: (seconds: number) => void;
  /** Where the playback cursor is now (s). */
  currentTime: () => number;
  /** Zoom keeping the time under `anchorX` (px from the view's left edge) in place. */
  zoomTo: (pxPerSec: number, anchorX?: number) => void;
  skip: (seconds: number) => void;
}

/** What the timeline draws over the audio, and what it reports back. */
export interface TimelineOverlay {
  layers: RegionLayers;
  selectedId?: string;
  hoveredId?: string;
  /** A predicted event was clicked (it also plays). */
  onEventClick: (id: string) => void;
  /** A predicted event's edge was dragged to a new place. */
  onEventResized: (id: string, start: number, end: number) => void;
  onHover: (id: string | undefined) => void;
}

export function useWaveSurfer(
  container: RefObject<HTMLDivElement | null>,
  recording: LoadedRecording,
  spectrogramMaxHz: number,
  overlay: TimelineOverlay,
): [WaveSurferView, WaveSurferControls] {
  const overlayRef = useRef(overlay);
  overlayRef.current = overlay;
  // The annotated events, in their lane under the spectrogram.
  const laneRef = useRef<ReferenceLanePlugin | null>(null);
  // The detector's CAS / DAS activity, in two rows under the spectrogram.
  const activityRef = useRef<ActivityLanePlugin | null>(null);
  const wsRef = useRef<WaveSurfer | null>(null);
  const regionsRef = useRef<InstanceType<typeof RegionsPlugin> | null>(null);
  const spectrogramRef = useRef<SpectrogramImagePlugin | null>(null);
  // Set once the waveform is drawn: the spectrogram is drawn a task after it.
  const [spectrogramDue, setSpectrogramDue] = useState(false);
  const [view, setView] = useState<WaveSurferView>({ ready: false, spectrogramReady: false, playing: false, currentTime: 0, pxPerSec: 0, fitPxPerSec: 1 });

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const { prepared } = recording;
    let cancelled = false;
    const disposers: (() => void)[] = [];
    const fail = (e: unknown) => {
      if (cancelled || (e instanceof DOMException && e.name === 'AbortError')) return;
      setView((v) => ({ ...v, error: e instanceof Error ? e.message : String(e) }));
    };

    // Set up in stages, each its own task, so no single task blocks the UI for long:
    // wavesurfer (after the page's own layout has been painted) → waveform → time ruler →
    // spectrogram (the effects below).
    void (async () => {
      await afterNextPaint();
      if (cancelled) return;

      const regions = RegionsPlugin.create();
      const spectrogram = SpectrogramImagePlugin.create({ height: SPECTROGRAM_HEIGHT, palette: spectrogramPalette() });
      const lane = ReferenceLanePlugin.create({ height: LANE_HEIGHT });
      const activityLane = ActivityLanePlugin.create({ rowHeight: ACTIVITY_ROW_HEIGHT });
      const ws = WaveSurfer.create({
        container: el,
        height: WAVEFORM_HEIGHT,
        waveColor: COLORS.wave,
        progressColor: COLORS.primary,
        cursorColor: COLORS.accent,
        cursorWidth: 2,
        // Chest recordings are often quiet and have rare loud clicks: scale to a robust peak.
        normalize: true,
        maxPeak: robustPeak(prepared.peaks),
        dragToSeek: true,
        autoScroll: true,
        autoCenter: true,
        plugins: [regions, spectrogram, activityLane, lane],
      });
      wsRef.current = ws;
      regionsRef.current = regions;
      spectrogramRef.current = spectrogram;
      laneRef.current = lane;
      activityRef.current = activityLane;
      disposers.push(() => {
        activityRef.current = null;
        ws.destroy();
        wsRef.current = null;
        regionsRef.current = null;
        spectrogramRef.current = null;
        laneRef.current = null;
      });
      disposers.push(
        ...subscribe(ws, regions, el),
        spectrogram.on('drawn', () => startTransition(() => setView((v) => (v.spectrogramReady ? v : { ...v, spectrogramReady: true })))),
      );

      await nextTask();
      if (cancelled) return;
      try {
        await ws.loadBlob(prepared.playback, [prepared.peaks], prepared.durationS);
      } catch (e) {
        fail(e);
        return;
      }

      // The ruler follows from `ready` (effect below); the spectrogram comes a task later.
      await nextTask();
      await nextTask();
      if (cancelled) return;
      startTransition(() => setSpectrogramDue(true));
    })().catch(fail);

    return () => {
      cancelled = true;
      setSpectrogramDue(false);
      disposers.reverse().forEach((d) => d());
    };
    // A new instance only for a different recording; events are updated in place below.
  }, [recording.id]);

  // The ruler is registered once the waveform is drawn: its first build is a task of its own.
  useEffect(() => {
    const ws = wsRef.current;
    if (!ws || !view.ready) return;
    const ruler = ws.registerPlugin(RulerPlugin.create({ height: RULER_HEIGHT }));
    return () => ws.unregisterPlugin(ruler);
  }, [view.ready]);

  // The spectrogram is drawn again whenever its frequency range changes.
  useEffect(() => {
    const spectrogram = spectrogramRef.current;
    if (!spectrogram || !spectrogramDue) return;
    const { display } = recording.prepared;
    spectrogram.show(display, Math.min(spectrogramMaxHz, display.sampleRate / 2)).catch((e: unknown) =>
      setView((v) => ({ ...v, error: `The spectrogram could not be drawn: ${e instanceof Error ? e.message : String(e)}` })),
    );
  }, [spectrogramDue, spectrogramMaxHz, recording.prepared]);

  /** View state follows wavesurfer's events; returns the unsubscribers. */
  function subscribe(ws: WaveSurfer, regions: InstanceType<typeof RegionsPlugin>, el: HTMLElement): (() => void)[] {
    const fit = () => Math.max(1, el.clientWidth / Math.max(recording.durationS, 1e-3));
    let lastTimeUpdate = 0;
    // Re-rendering the transport is never urgent next to drawing the waveform.
    const update = (f: (v: WaveSurferView) => WaveSurferView) => startTransition(() => setView(f));
    return [
      ws.on('ready', () => update((v) => ({ ...v, ready: true, fitPxPerSec: fit(), pxPerSec: Math.max(v.pxPerSec, fit()) }))),
      ws.on('play', () => setView((v) => ({ ...v, playing: true }))),
      ws.on('pause', () => setView((v) => ({ ...v, playing: false }))),
      ws.on('finish', () => setView((v) => ({ ...v, playing: false }))),
      ws.on('timeupdate', (t) => {
        const now = performance.now();
        // Every animation frame would re-render the transport 60×/s for no visible gain.
        if (now - lastTimeUpdate < TIME_UPDATE_MS && ws.isPlaying()) return;
        lastTimeUpdate = now;
        setView((v) => ({ ...v, currentTime: t }));
      }),
      ws.on('zoom', (px) => setView((v) => ({ ...v, pxPerSec: px }))),
      ws.on('resize', () => update((v) => ({ ...v, fitPxPerSec: fit(), pxPerSec: Math.max(v.pxPerSec, fit()) }))),
      ws.on('error', (e) => setView((v) => ({ ...v, error: e.message }))),
      regions.on('region-clicked', (region, e) => {
        // Without this the click would also reach the waveform and seek to the click position.
        e.stopPropagation();
        region.play(true);
        if (region.element?.getAttribute('data-lane') === 'prediction') overlayRef.current.onEventClick(region.id);
      }),
      regions.on('region-updated', (region) => {
        if (region.element?.getAttribute('data-lane') === 'prediction') overlayRef.current.onEventResized(region.id, region.start, region.end);
      }),
    ];
  }

  const { layers } = overlay;
  useEffect(() => {
    const regions = regionsRef.current;
    if (!view.ready || !regions) return;
    // In a task of its own: new layers come with a new analysis, whose panels React mounts in
    // the same commit, and building the regions and lanes is work of the same size.
    let cancelled = false;
    void nextTask().then(() => {
      if (cancelled) return;
      laneRef.current?.setEvents(layers.reference, layers.agreement?.reference);
      activityRef.current?.setActivity(layers.activity);
      showRegions(regions, layers, recording.durationS, WAVEFORM_HEIGHT, { onHover: (id) => overlayRef.current.onHover(id) });
      highlightRegions(regions, overlayRef.current.selectedId, overlayRef.current.hoveredId);
    });
    return () => {
      cancelled = true;
    };
  }, [view.ready, layers, recording.durationS]);

  useEffect(() => {
    const regions = regionsRef.current;
    if (view.ready && regions) highlightRegions(regions, overlay.selectedId, overlay.hoveredId);
  }, [view.ready, overlay.selectedId, overlay.hoveredId]);

  const controls: WaveSurferControls = {
    playPause: () => void wsRef.current?.playPause().catch(() => undefined),
    playRange: (start, end) => {
      const ws = wsRef.current;
      if (!ws) return;
      void ws.play(start, end).catch(() => undefined);
    },
    seekTo: (t) => {
      const ws = wsRef.current;
      if (ws) ws.setTime(Math.max(0, Math.min(t, recording.durationS)));
    },
    currentTime: () => wsRef.current?.getCurrentTime() ?? 0,
    skip: (s) => wsRef.current?.skip(s),
    zoomTo: (px, anchorX) => {
      const ws = wsRef.current;
      const el = container.current;
      if (!ws || !el || !view.ready) return;
      const next = clampZoom(px, view.fitPxPerSec);
      const current = ws.options.minPxPerSec > 0 ? Math.max(ws.options.minPxPerSec, view.fitPxPerSec) : view.fitPxPerSec;
      const x = anchorX ?? el.clientWidth / 2;
      const anchorTime = (ws.getScroll() + x) / current;
      ws.zoom(next);
      ws.setScroll(Math.max(0, anchorTime * next - x));
    },
  };
  return [view, controls];
}
