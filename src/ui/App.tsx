import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoadedRecording } from '../audio/recording';
import { usePwaStatus } from '../pwa/usePwaStatus';
import { ConfirmRemove } from './ConfirmRemove';
import { DropOverlay } from './DropOverlay';
import { EmptyState } from './EmptyState';
import { Notices } from './Notices';
import { RecorderPanel } from './RecorderPanel';
import { RecordingList } from './RecordingList';
import { ShortcutsDialog } from './ShortcutsDialog';
import { TimelineView } from './timeline/TimelineView';
import { TopBar } from './TopBar';
import { useRecordings } from './useRecordings';

const ACCEPT = '.wav,.wave,.flac,.mp3,.ogg,.oga,.opus,.m4a,.mp4,.aac,.webm,.json,audio/*';

export function App() {
  const store = useRecordings();
  const pwa = usePwaStatus();
  const fileInput = useRef<HTMLInputElement>(null);
  const [recorderOpen, setRecorderOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [confirming, setConfirming] = useState<LoadedRecording>();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)) setHelpOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const openPicker = () => fileInput.current?.click();
  const { remove } = store;
  // Stable callbacks keep the memoised list and timeline from re-rendering on unrelated updates.
  const requestRemove = useCallback((rec: LoadedRecording) => (rec.source === 'file' ? remove(rec.id) : setConfirming(rec)), [remove]);
  const showShortcuts = useCallback(() => setHelpOpen(true), []);

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <TopBar onOpen={openPicker} onRecord={() => setRecorderOpen(true)} onHelp={() => setHelpOpen(true)} />
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
          if (files.length) void store.openFiles(files);
        }}
      />
      {store.loading && (
        <Box role="status" aria-live="polite" sx={{ px: 2, py: 0.5, bgcolor: 'background.paper' }}>
          <Typography variant="body2">
            Opening {store.loading.current}
            {store.loading.remaining > 1 ? ` (${store.loading.remaining - 1} more waiting)` : ''}…
          </Typography>
          <LinearProgress />
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
        </Stack>
        <Box component="main" sx={{ flex: 1, minWidth: 0, width: '100%' }}>
          {store.selected ? (
            <TimelineView key={store.selected.id} recording={store.selected} onShowShortcuts={showShortcuts} />
          ) : (
            <EmptyState onOpen={openPicker} onRecord={() => setRecorderOpen(true)} />
          )}
        </Box>
      </Box>
      <DropOverlay onFiles={(files) => void store.openFiles(files)} />
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      <ConfirmRemove
        recording={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={() => {
          if (confirming) store.remove(confirming.id);
          setConfirming(undefined);
        }}
      />
      <Notices notices={store.notices} onDismiss={store.dismissNotice} pwa={pwa} />
    </Box>
  );
}
