import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import GlobalStyles from '@mui/material/GlobalStyles';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LoadedRecording } from '../core/recording';
import { usePwaStatus } from '../pwa/usePwaStatus';
import type { HistoryEntry } from '../storage/history';
import { useModels } from './analysis/useModels';
import { ConfirmRemove } from './ConfirmRemove';
import { DropOverlay } from './DropOverlay';
import { EmptyState } from './EmptyState';
import { HistoryPanel } from './history/HistoryPanel';
import { useHistory } from './history/useHistory';
import { DatasetMetricsPanel } from './metrics/DatasetMetricsPanel';
import { Notices } from './Notices';
import { RecorderPanel } from './RecorderPanel';
import { RecordingList } from './RecordingList';
import { ReportView } from './report/ReportView';
import { ShortcutsDialog } from './ShortcutsDialog';
import { TopBar } from './TopBar';
import { useNotices } from './useNotices';
import { useRecordings } from './useRecordings';
import { Workspace } from './Workspace';
import { COLORS } from './theme';

const ACCEPT = '.wav,.wave,.flac,.mp3,.ogg,.oga,.opus,.m4a,.mp4,.aac,.webm,.json,audio/*';

/** The report prints alone, on one page; the app itself is hidden on paper. */
const PRINT_STYLES = (
  <GlobalStyles
    styles={{
      '@media screen': { '.print-only': { display: 'none !important' } },
      '@media print': {
        '.no-print': { display: 'none !important' },
        body: { background: `${COLORS.paper} !important` },
        '@page': { size: 'A4 portrait', margin: '10mm' },
      },
    }}
  />
);

export function App() {
  const { notices, notify, dismissNotice } = useNotices();
  const models = useModels();
  const history = useHistory(notify);
  const store = useRecordings({ notify, models, history });
  const busy = busyWith(store.recordings, Boolean(store.loading));
  const pwa = usePwaStatus(models.warm && !busy);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [recorderOpen, setRecorderOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [confirming, setConfirming] = useState<LoadedRecording>();
  const [tab, setTab] = useState<'recording' | 'metrics'>('recording');
  const [printing, setPrinting] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)) setHelpOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const done = () => setPrinting(false);
    window.addEventListener('afterprint', done);
    return () => window.removeEventListener('afterprint', done);
  }, []);

  // webkitdirectory is not in React's input attributes; set it on the element.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const openPicker = () => fileInput.current?.click();
  const { remove, forgetHistory, reopen } = store;
  // Stable callbacks keep the memoised list and timeline from re-rendering on unrelated updates.
  const requestRemove = useCallback((rec: LoadedRecording) => (rec.source === 'file' ? remove(rec.id) : setConfirming(rec)), [remove]);
  const showShortcuts = useCallback(() => setHelpOpen(true), []);
  const onPrint = useCallback(() => setPrinting(true), []);
  const onReportReady = useCallback(() => {
    // The picture is in the page: open the browser's print dialog (Save as PDF works too).
    requestAnimationFrame(() => window.print());
  }, []);
  const deleteFromHistory = useCallback(
    (entry: HistoryEntry) => {
      forgetHistory(entry.id);
      void history.remove(entry.id);
    },
    [forgetHistory, history],
  );
  const openIds = useMemo(() => new Set(store.recordings.flatMap((r) => (r.historyId ? [r.historyId] : []))), [store.recordings]);
  const annotated = store.recordings.filter((r) => r.reference).length;
  const workspaceStore = useMemo(
    () => ({
      editEvents: store.editEvents,
      revertEdits: store.revertEdits,
      reclassifyAll: store.reclassifyAll,
      setMode: store.setMode,
      requestAnalysis: store.requestAnalysis,
      cancelAnalysis: store.cancelAnalysis,
    }),
    [store.editEvents, store.revertEdits, store.reclassifyAll, store.setMode, store.requestAnalysis, store.cancelAnalysis],
  );
  const onFiles = (files: File[]) => void store.openFiles(files);

  return (
    <>
      {PRINT_STYLES}
      <Box className="no-print" sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
        <TopBar onOpen={openPicker} onOpenFolder={() => folderInput.current?.click()} onRecord={() => setRecorderOpen(true)} onHelp={() => setHelpOpen(true)} />
        <input
          ref={fileInput}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          data-testid="file-input"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = ''; // choosing the same file again must still fire
            if (files.length) onFiles(files);
          }}
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          hidden
          data-testid="folder-input"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []).filter((f) => !f.name.startsWith('.'));
            e.currentTarget.value = '';
            if (files.length) onFiles(files);
          }}
        />
        {store.loading && (
          <Box role="status" aria-live="polite" sx={{ px: 2, py: 0.5, bgcolor: 'background.paper' }}>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography variant="body2" sx={{ flex: 1 }}>
                Opening {store.loading.current}
                {store.loading.fraction !== undefined ? ` (long recording, read from the file in chunks: ${Math.round(store.loading.fraction * 100)}%)` : ''}
                {store.loading.remaining > 1 ? ` (${store.loading.remaining - 1} more waiting)` : ''}…
              </Typography>
              {store.loading.fraction !== undefined && (
                <Button size="small" onClick={store.cancelLoading} data-testid="cancel-loading">
                  Cancel
                </Button>
              )}
            </Stack>
            <LinearProgress
              variant={store.loading.fraction !== undefined ? 'determinate' : 'indeterminate'}
              value={store.loading.fraction !== undefined ? Math.round(store.loading.fraction * 100) : undefined}
            />
          </Box>
        )}
        <Box sx={{ flex: 1, display: 'flex', flexDirection: { xs: 'column', md: 'row' }, gap: 2, p: 2, alignItems: 'flex-start' }}>
          <Stack component="aside" spacing={2} sx={{ width: { xs: '100%', md: 340 }, flexShrink: 0 }}>
            {recorderOpen && <RecorderPanel onFinished={(r) => void store.addMicRecording(r)} onClose={() => setRecorderOpen(false)} />}
            <Typography variant="overline" component="h2" sx={{ fontWeight: 700, px: 1, lineHeight: 1.5 }}>
              Recordings
            </Typography>
            <RecordingList
              recordings={store.recordings}
              selectedId={store.selected?.id}
              problems={store.problems}
              onSelect={store.select}
              onRemove={requestRemove}
              onDismissProblem={store.dismissProblem}
            />
            <HistoryPanel
              entries={history.entries}
              storage={history.storage}
              available={history.available}
              openIds={openIds}
              failures={history.failures}
              onOpen={(e) => {
                setTab('recording');
                void reopen(e);
              }}
              onDelete={deleteFromHistory}
            />
          </Stack>
          <Box component="main" sx={{ flex: 1, minWidth: 0, width: '100%' }}>
            {annotated > 0 && (
              <Tabs value={tab} onChange={(_, v: 'recording' | 'metrics') => setTab(v)} sx={{ mb: 1 }} aria-label="View">
                <Tab value="recording" label="Recording" />
                <Tab value="metrics" label={`Dataset metrics (${annotated} annotated)`} data-testid="metrics-tab" />
              </Tabs>
            )}
            {tab === 'metrics' && annotated > 0 ? (
              <DatasetMetricsPanel recordings={store.recordings} />
            ) : store.selected ? (
              <Workspace key={store.selected.id} recording={store.selected} models={models} store={workspaceStore} onShowShortcuts={showShortcuts} onPrint={onPrint} />
            ) : (
              <EmptyState onOpen={openPicker} onRecord={() => setRecorderOpen(true)} />
            )}
          </Box>
        </Box>
        <DropOverlay onFiles={onFiles} />
        <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
        <ConfirmRemove
          recording={confirming}
          onCancel={() => setConfirming(undefined)}
          onConfirm={() => {
            if (confirming) store.remove(confirming.id);
            setConfirming(undefined);
          }}
        />
        <Notices notices={notices} onDismiss={dismissNotice} pwa={pwa} busy={busy} />
      </Box>
      {printing && store.selected?.analysis && (
        <ReportView recording={store.selected} catalog={models.catalog} onReady={onReportReady} />
      )}
    </>
  );
}

/** What a reload would interrupt now, in words, or undefined when nothing runs. */
function busyWith(recordings: readonly LoadedRecording[], opening: boolean): string | undefined {
  const running = (s?: { status: string }) => s?.status === 'running' || s?.status === 'queued';
  if (recordings.some((r) => running(r.analysisState) || running(r.heartState))) return 'the analysis';
  return opening ? 'opening the files' : undefined;
}
