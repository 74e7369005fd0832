// One recording, as the clinician works on it: the timeline (predicted events, the annotation
// lane, or heart windows), the analysis progress, the record verdict, the event table with the
// spectrogram the model saw, exports; and the selection that ties the timeline and the table.
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
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { AnalysedEvent } from '../core/types';
import { agreement as computeAgreement } from '../analysis/agreement';
import { addEvent, deleteEvent, nextEventId, relabelEvent, resizeEvent } from '../analysis/events';
import type { LoadedRecording } from '../core/recording';
import { EventSpectrogram } from './analysis/EventSpectrogram';
import { EventTable } from './analysis/EventTable';
import { ExportBar } from './analysis/ExportBar';
import { HeartPanel } from './analysis/HeartPanel';
import { ModelBar } from './analysis/ModelBar';
import type { ModelsState } from './analysis/useModels';
import { VerdictCard } from './analysis/VerdictCard';
import { tileWindows, type RegionLayers } from './timeline/regions';
import { TimelineView } from './timeline/TimelineView';
import type { WaveSurferControls } from './timeline/useWaveSurfer';
import type { useRecordings } from './useRecordings';
import { useStagedMount } from './scheduling';

type Store = ReturnType<typeof useRecordings>;

export interface WorkspaceProps {
  recording: LoadedRecording;
  models: ModelsState;
  store: Pick<Store, 'editEvents' | 'revertEdits' | 'reclassifyAll' | 'setMode' | 'requestAnalysis' | 'cancelAnalysis'>;
  onShowShortcuts: () => void;
  onPrint: () => void;
}

function AnalysisProgressLine({ recording, onCancel }: { recording: LoadedRecording; onCancel: () => void }) {
  const state = recording.analysisState;
  if (!state || state.status === 'done') return null;
  if (state.status === 'cancelled') {
    return (
      <Alert severity="info" sx={{ mx: 2, my: 1 }} data-testid="analysis-cancelled">
        The analysis was cancelled. The recording stays open; analyse it again when you need it.
      </Alert>
    );
  }
  if (state.status === 'error') {
    return (
      <Alert severity="error" sx={{ mx: 2, my: 1 }} data-testid="analysis-error">
        The analysis failed: {state.message}
      </Alert>
    );
  }
  const running = state.status === 'running';
  return (
    <Box role="status" aria-live="polite" sx={{ px: 2, py: 1 }} data-testid="analysis-progress" data-status={state.status}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="body2" sx={{ flex: 1 }}>
          {running ? `${state.progress.message}… ${Math.round(state.progress.fraction * 100)}%` : 'Queued: waiting for the recordings before it to be analysed…'}
        </Typography>
        <Button size="small" onClick={onCancel} data-testid="cancel-analysis">
          Cancel
        </Button>
      </Stack>
      <LinearProgress variant={running ? 'determinate' : 'indeterminate'} value={running ? Math.round(state.progress.fraction * 100) : undefined} sx={{ mt: 0.5 }} />
    </Box>
  );
}

export const Workspace = memo(function Workspace({ recording, models, store, onShowShortcuts, onPrint }: WorkspaceProps) {
  const [selectedId, setSelectedId] = useState<string>();
  const [hoveredId, setHoveredId] = useState<string>();
  const controls = useRef<WaveSurferControls | null>(null);
  const onControls = useCallback((c: WaveSurferControls) => {
    controls.current = c;
  }, []);
  const heartMode = recording.mode === 'heart';
  const events = recording.events;
  const eventsRef = useRef(events);
  eventsRef.current = events;
  const selected = events.find((e) => e.id === selectedId);

  const agreement = useMemo(
    () => (recording.reference && recording.analysis && !heartMode ? computeAgreement(recording.reference.events, events) : undefined),
    [recording.reference, recording.analysis, events, heartMode],
  );
  const heartSegments = useMemo(
    () => (heartMode && recording.heart ? tileWindows(recording.heart.windows, recording.durationS) : heartMode ? [] : undefined),
    [heartMode, recording.heart, recording.durationS],
  );
  const layers: RegionLayers = useMemo(
    () => ({
      predictions: heartMode ? [] : events,
      reference: heartMode ? undefined : recording.reference?.events,
      agreement,
      heart: heartSegments,
      activity: heartMode ? undefined : recording.analysis?.familyActivity,
      editable: !heartMode && Boolean(recording.analysis),
    }),
    [heartMode, events, recording.reference, agreement, heartSegments, recording.analysis],
  );

  const { editEvents } = store;
  const id = recording.id;
  const play = useCallback((ev: AnalysedEvent) => controls.current?.playRange(ev.start, ev.end), []);
  const selectEvent = useCallback(
    (eventId: string, andPlay = false) => {
      setSelectedId(eventId);
      const ev = eventsRef.current.find((e) => e.id === eventId);
      if (ev && andPlay) play(ev);
      else if (ev) controls.current?.seekTo(ev.start);
    },
    [play],
  );

  const canEdit = !heartMode && Boolean(recording.analysis);
  const selectedIdRef = useRef(selectedId);
  selectedIdRef.current = selectedId;
  const canEditRef = useRef(canEdit);
  canEditRef.current = canEdit;
  const durationRef = useRef(recording.durationS);
  durationRef.current = recording.durationS;
  const eventKeys = useMemo(
    () =>
      heartMode
        ? undefined
        : {
            stepEvent: (dir: -1 | 1) => {
              const list = eventsRef.current;
              if (!list.length) return;
              const at = list.findIndex((e) => e.id === selectedIdRef.current);
              let next: number;
              if (at >= 0) next = Math.max(0, Math.min(list.length - 1, at + dir));
              else {
                // Nothing selected yet: the first event after (or before) the playback cursor.
                const t = controls.current?.currentTime() ?? 0;
                next = dir > 0 ? Math.max(0, list.findIndex((e) => e.start >= t - 1e-3)) : Math.max(0, list.length - 1 - [...list].reverse().findIndex((e) => e.start < t));
                if (next >= list.length || next < 0) next = dir > 0 ? 0 : list.length - 1;
              }
              setSelectedId(list[next].id);
              play(list[next]);
            },
            playSelected: () => {
              const ev = eventsRef.current.find((e) => e.id === selectedIdRef.current);
              if (ev) play(ev);
            },
            deleteSelected: () => {
              const sel = selectedIdRef.current;
              if (!sel || !canEditRef.current) return;
              const list = eventsRef.current;
              const at = list.findIndex((e) => e.id === sel);
              void editEvents(id, (evs) => deleteEvent(evs, sel));
              // The next event takes the selection, so repeated Delete presses work through a list.
              const next = list[at + 1] ?? list[at - 1];
              setSelectedId(next?.id);
            },
            addEvent: () => {
              if (!canEditRef.current) return;
              const t = controls.current?.currentTime() ?? 0;
              const newId = nextEventId(eventsRef.current);
              // Classified at once; the model's label replaces the placeholder.
              void editEvents(id, (evs) => addEvent(evs, t, durationRef.current).events, [newId]);
              setSelectedId(newId);
            },
            clearSelection: () => setSelectedId(undefined),
          },
    [heartMode, editEvents, id, play],
  );

  const overlay = useMemo(
    () => ({
      layers,
      selectedId,
      hoveredId,
      onEventClick: (eventId: string) => setSelectedId(eventId),
      onEventResized: (eventId: string, start: number, end: number) =>
        void editEvents(id, (evs) => resizeEvent(evs, eventId, start, end, durationRef.current), [eventId]),
      onHover: setHoveredId,
    }),
    [layers, selectedId, hoveredId, editEvents, id],
  );

  const modeSwitch = (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={heartMode ? 'heart' : 'lung'}
      onChange={(_, v: 'lung' | 'heart' | null) => v && store.setMode(id, v)}
      aria-label="Kind of recording"
      data-testid="mode-switch"
    >
      <ToggleButton value="lung" sx={{ py: 0.25, px: 1.25 }}>
        Lung sounds
      </ToggleButton>
      <ToggleButton value="heart" sx={{ py: 0.25, px: 1.25 }}>
        Heart sounds
      </ToggleButton>
    </ToggleButtonGroup>
  );

  const analysis = recording.analysis;
  // The timeline first, then the analysis panel, then the results one part per task: mounted at
  // once, the whole workspace is one commit far longer than a 50 ms task. The verdict comes last,
  // so a verdict on screen means every result of the analysis is on screen.
  const workspaceStage = useStagedMount(2, id);
  const resultStage = useStagedMount(3, Boolean(analysis));
  const busy = recording.analysisState?.status === 'running' || recording.analysisState?.status === 'queued';
  return (
    <Stack spacing={2}>
      <TimelineView
        recording={recording}
        onShowShortcuts={onShowShortcuts}
        overlay={overlay}
        eventKeys={eventKeys}
        onControls={onControls}
        headerExtra={modeSwitch}
      />
      {workspaceStage >= 2 && (
        <Paper component="section" aria-label="Analysis" variant="outlined" sx={{ overflow: 'hidden' }} data-testid="analysis-panel">
          {heartMode ? (
            <HeartPanel heart={recording.heart} state={recording.heartState} />
          ) : (
            <>
              <ModelBar
                catalog={models.catalog}
                catalogError={models.error}
                choice={models.choice}
                usedModel={analysis?.eventModel}
                busy={busy}
                status={models.status}
                analysedWith={analysis?.modelBackends}
                analysedOn={analysis?.backend}
                backendSetting={models.backendSetting}
                onBackendSetting={models.setBackendSetting}
                onChoose={(c) => {
                  models.setChoice(c);
                  if (analysis) void store.reclassifyAll(id, c);
                }}
              />
              <AnalysisProgressLine recording={recording} onCancel={() => store.cancelAnalysis(id)} />
              {(recording.analysisState?.status === 'error' || recording.analysisState?.status === 'cancelled') && (
                <Box sx={{ px: 2, pb: 1 }}>
                  <Button size="small" variant="outlined" onClick={() => store.requestAnalysis(id, true)}>
                    Analyse again
                  </Button>
                </Box>
              )}
              {analysis && (
                <>
                  {resultStage >= 3 && (
                    <>
                      {analysis.notes.map((n) => (
                        <Alert key={n} severity="info" sx={{ mx: 2, my: 1 }}>
                          {n}
                        </Alert>
                      ))}
                      <VerdictCard
                        analysis={analysis}
                        events={events}
                        edited={Boolean(recording.edited)}
                        referenceLabel={recording.reference?.recordLabel}
                        durationS={recording.durationS}
                        onSelectEvent={(e) => selectEvent(e, true)}
                        onPlayRange={(start, end) => controls.current?.playRange(start, end)}
                      />
                    </>
                  )}
                  <Divider />
                  <Stack direction={{ xs: 'column', lg: 'row' }} sx={{ alignItems: 'stretch' }}>
                    <Box sx={{ flex: 1, minWidth: 0 }}>
                      <Stack direction="row" spacing={2} sx={{ px: 2, pt: 1.5, pb: 0.5, alignItems: 'baseline', flexWrap: 'wrap' }}>
                        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 700 }}>
                          Events <Box component="span" sx={{ color: 'text.secondary', fontWeight: 400 }} data-testid="event-count">({events.length})</Box>
                        </Typography>
                        <Typography variant="body2" color="text.secondary">
                          Columns N…W+C: each class's probability (%). ↑/↓ step and play · A adds at the cursor · Delete removes · drag a region's edge to resize
                        </Typography>
                      </Stack>
                      <EventTable
                        events={events}
                        selectedId={selectedId}
                        hoveredId={hoveredId}
                        agreement={agreement}
                        catalog={models.catalog}
                        onSelect={(e) => selectEvent(e)}
                        onHover={setHoveredId}
                        onPlay={(e) => selectEvent(e, true)}
                        onRelabel={(e, label) => void editEvents(id, (evs) => relabelEvent(evs, e, label))}
                        onReclassify={(e) => void editEvents(id, (evs) => evs.map((x) => (x.id === e ? { ...x, labelByClinician: false } : x)), [e])}
                        onDelete={(e) => {
                          void editEvents(id, (evs) => deleteEvent(evs, e));
                          if (selectedId === e) setSelectedId(undefined);
                        }}
                      />
                    </Box>
                    {resultStage >= 2 && (
                      <>
                        <Divider orientation="vertical" flexItem />
                        <EventSpectrogram recording={recording} event={selected} model={analysis.eventModel} />
                      </>
                    )}
                  </Stack>
                  {resultStage >= 2 && (
                    <>
                      <Divider />
                      <ExportBar recording={recording} onPrint={onPrint} onRevert={() => store.revertEdits(id)} />
                    </>
                  )}
                </>
              )}
            </>
          )}
        </Paper>
      )}
    </Stack>
  );
});
