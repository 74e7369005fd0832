import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { memo, useEffect, useRef, useState, type ReactNode } from 'react';
import type { LoadedRecording } from '../../core/recording';
import { DownloadIcon } from '../icons';
import { BreakableName } from '../BreakableName';
import { downloadWav } from '../download';
import { COLORS, withAlpha } from '../theme';
import { formatChannels, formatDuration, formatRate } from '../format';
import { SPECTROGRAM_GRADIENT_CSS } from './colorMap';
import { SPECTROGRAM_DISPLAY_RANGE_DB } from './displayScale';
import { Legend } from './Legend';
import { Transport } from './Transport';
import { useTimelineKeys, type TimelineKeyActions } from './useTimelineKeys';
import { LANE_HEIGHT } from './regions';
import { ACTIVITY_LANE_PX } from './activityLane';
import { FrequencyAxis } from './FrequencyAxis';
import { SPECTROGRAM_HEIGHT, SPECTROGRAM_TOP, useWaveSurfer, type TimelineOverlay, type WaveSurferControls } from './useWaveSurfer';
import { ZOOM_STEP } from './zoom';
import { useStagedMount } from '../scheduling';

/** Chest sounds mostly lie below 1–2 kHz; narrower ranges give that band more of the height. */
const SPECTROGRAM_RANGES_HZ = [2000, 1000];

export interface TimelineViewProps {
  recording: LoadedRecording;
  onShowShortcuts: () => void;
  overlay: TimelineOverlay;
  /** Event stepping and editing keys, added to the timeline's own. */
  eventKeys?: Pick<TimelineKeyActions, 'stepEvent' | 'playSelected' | 'deleteSelected' | 'addEvent' | 'clearSelection'>;
  /** Hands the playback controls to the panels beside the timeline (table rows play events). */
  onControls?: (controls: WaveSurferControls) => void;
  /** Shown in the header, e.g. the lung / heart switch. */
  headerExtra?: ReactNode;
}

export const TimelineView = memo(function TimelineView({ recording, onShowShortcuts, overlay, eventKeys, onControls, headerExtra }: TimelineViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const nyquist = recording.prepared.display.sampleRate / 2;
  const [maxHz, setMaxHz] = useState(nyquist);
  const [view, controls] = useWaveSurfer(containerRef, recording, maxHz, overlay);
  // The drawing area first (wavesurfer needs its container); the controls a task later. MUI's
  // Tooltip and ToggleButtonGroup set state while their refs attach, which makes React re-render
  // and run every pending effect in the same task: mounted with the drawing area, they would join
  // wavesurfer's set-up into one long task.
  const stage = useStagedMount(2, recording.id);
  const zoomIn = () => controls.zoomTo(view.pxPerSec * ZOOM_STEP);
  const zoomOut = () => controls.zoomTo(view.pxPerSec / ZOOM_STEP);
  const controlsRef = useRef(controls);
  controlsRef.current = controls;
  useEffect(() => {
    // Stable forwarding functions: the panels keep one object for the recording's lifetime.
    onControls?.({
      playPause: () => controlsRef.current.playPause(),
      playRange: (s, e) => controlsRef.current.playRange(s, e),
      seekTo: (t) => controlsRef.current.seekTo(t),
      currentTime: () => controlsRef.current.currentTime(),
      zoomTo: (px, x) => controlsRef.current.zoomTo(px, x),
      skip: (s) => controlsRef.current.skip(s),
    });
  }, [onControls]);

  useTimelineKeys(
    { playPause: controls.playPause, zoomIn, zoomOut, zoomFit: () => controls.zoomTo(0), skip: controls.skip, ...eventKeys },
    view.ready,
  );
  const hasLane = Boolean(overlay.layers.reference);
  const activityPx = overlay.layers.activity ? ACTIVITY_LANE_PX : 0;

  // Ctrl/⌘ + wheel zooms around the pointer; a plain wheel keeps scrolling the page.
  const wheelZoom = useRef(controls.zoomTo);
  wheelZoom.current = controls.zoomTo;
  const pxRef = useRef(view.pxPerSec);
  pxRef.current = view.pxPerSec;
  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      const factor = Math.exp(-e.deltaY * 0.002);
      wheelZoom.current(pxRef.current * factor, e.clientX - el.getBoundingClientRect().left);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  return (
    <Paper component="section" aria-label={`Recording ${recording.name}`} variant="outlined" sx={{ overflow: 'hidden' }}>
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'baseline', flexWrap: 'wrap', px: 2, pt: 1.5 }}>
        <Typography variant="h6" component="h2" sx={{ fontWeight: 700 }}>
          <BreakableName name={recording.name} />
        </Typography>
        <Typography variant="body1" color="text.secondary" data-testid="recording-meta">
          {recording.format} · {formatRate(recording.nativeRate)} · {formatChannels(recording.channels)} · Duration{' '}
          <Box component="span" data-testid="recording-duration" data-seconds={recording.durationS} sx={{ color: 'text.primary', fontWeight: 600 }}>
            {formatDuration(recording.durationS)}
          </Box>
        </Typography>
        {headerExtra && stage >= 2 && <Box sx={{ ml: 'auto' }}>{headerExtra}</Box>}
        {recording.source !== 'file' && (
          <Button size="small" startIcon={<DownloadIcon />} onClick={() => downloadWav(recording)} sx={{ ml: headerExtra ? 0 : 'auto' }}>
            Download WAV
          </Button>
        )}
      </Stack>
      {stage >= 2 && (
        <Transport
          ready={view.ready}
          playing={view.playing}
          currentTime={view.currentTime}
          durationS={recording.durationS}
          pxPerSec={view.pxPerSec}
          fitPxPerSec={view.fitPxPerSec}
          onPlayPause={controls.playPause}
          onZoom={(px) => controls.zoomTo(px)}
          onZoomIn={zoomIn}
          onZoomOut={zoomOut}
          onShowShortcuts={onShowShortcuts}
        />
      )}
      {view.error && (
        <Alert severity="error" sx={{ mx: 2, mb: 1 }}>
          The recording could not be shown: {view.error}
        </Alert>
      )}
      <Box sx={{ position: 'relative', px: 2 }}>
        {!view.ready && <LinearProgress aria-label="Drawing the waveform" sx={{ position: 'absolute', left: 16, right: 16, top: 0 }} />}
        {view.spectrogramReady && <FrequencyAxis maxHz={maxHz} top={SPECTROGRAM_TOP} height={SPECTROGRAM_HEIGHT} />}
        {view.ready && activityPx > 0 && (
          <Box
            aria-hidden
            sx={{
              position: 'absolute',
              right: 20,
              top: SPECTROGRAM_TOP + SPECTROGRAM_HEIGHT + 1,
              zIndex: 6,
              pointerEvents: 'none',
              font: '600 9px/9px system-ui, sans-serif',
              color: COLORS.text,
              textAlign: 'right',
            }}
          >
            CAS
            <br />
            DAS
          </Box>
        )}
        {view.ready && hasLane && (
          <Box
            aria-hidden
            sx={{
              position: 'absolute',
              right: 20,
              top: SPECTROGRAM_TOP + SPECTROGRAM_HEIGHT + activityPx + 6,
              zIndex: 6,
              pointerEvents: 'none',
              font: '600 11px/16px system-ui, sans-serif',
              color: COLORS.text,
              bgcolor: withAlpha(COLORS.paper, 0.6),
              px: 0.5,
              borderRadius: 0.5,
            }}
          >
            Annotation
          </Box>
        )}
        <Box
          ref={containerRef}
          data-testid="timeline"
          data-ready={view.ready}
          data-spectrogram-ready={view.spectrogramReady}
          sx={{ minHeight: 344 + activityPx + (hasLane ? LANE_HEIGHT : 0), cursor: 'text' }}
        />
      </Box>
      {stage >= 2 && (
        <>
          <Stack direction="row" spacing={3} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', px: 2, py: 1 }}>
            <Typography variant="body2" color="text.secondary">
              Waveform auto-scaled (rare loud clicks are clipped).
            </Typography>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography variant="body2" color="text.secondary" id="spec-range-label">
                Spectrogram
              </Typography>
              <ToggleButtonGroup
                size="small"
                exclusive
                value={maxHz}
                onChange={(_, v: number | null) => v && setMaxHz(v)}
                aria-labelledby="spec-range-label"
              >
                {SPECTROGRAM_RANGES_HZ.filter((hz) => hz < nyquist).concat(nyquist).sort((a, b) => b - a).map((hz) => (
                  <ToggleButton key={hz} value={hz} sx={{ py: 0.25, px: 1 }}>
                    0–{hz / 1000} kHz
                  </ToggleButton>
                ))}
              </ToggleButtonGroup>
            </Stack>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} aria-label="Spectrogram colour scale">
              <Typography variant="body2" color="text.secondary">
                quiet
              </Typography>
              <Box sx={{ width: 120, height: 12, borderRadius: 0.5, background: SPECTROGRAM_GRADIENT_CSS }} />
              <Typography variant="body2" color="text.secondary">
                loud ({SPECTROGRAM_DISPLAY_RANGE_DB} dB range)
              </Typography>
            </Stack>
          </Stack>
          {recording.warnings.map((w) => (
            <Alert key={w} severity="warning" sx={{ mx: 2, mb: 1 }}>
              {w}
            </Alert>
          ))}
          {recording.prepared.longRecording && (
            <Alert severity="info" sx={{ mx: 2, mb: 1 }} data-testid="long-recording-note">
              Long recording ({recording.prepared.longRecording.reason})
            </Alert>
          )}
          <Divider />
          <Legend
            events={overlay.layers.heart ? [] : recording.events}
            reference={recording.reference?.events}
            heart={overlay.layers.heart}
            source={recording.eventsSource}
            agreement={overlay.layers.agreement?.counts}
          />
        </>
      )}
    </Paper>
  );
});
