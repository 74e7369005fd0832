// App-level messages (recovered recordings, interrupted recordings, offline readiness, updates)
// as a stack in the bottom-left corner; each stays until dismissed unless it is only good news.
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useEffect, useState } from 'react';
import type { PwaStatus } from '../pwa/usePwaStatus';
import type { Notice } from './recordings/notices';

const OFFLINE_READY_MS = 8000;

export interface NoticesProps {
  notices: readonly Notice[];
  onDismiss: (id: string) => void;
  pwa: PwaStatus;
  /** What is running that a reload would interrupt (an analysis, a file being opened), if anything. */
  busy?: string;
}

export function Notices({ notices, onDismiss, pwa, busy }: NoticesProps) {
  const { offlineReady, dismissOfflineReady, applyUpdate } = pwa;
  // A new version never interrupts work: asked to reload while something runs, it waits for the end.
  const [reloadWhenIdle, setReloadWhenIdle] = useState(false);
  useEffect(() => {
    if (reloadWhenIdle && !busy && applyUpdate) applyUpdate();
  }, [reloadWhenIdle, busy, applyUpdate]);
  useEffect(() => {
    if (!offlineReady) return;
    const t = setTimeout(dismissOfflineReady, OFFLINE_READY_MS);
    return () => clearTimeout(t);
  }, [offlineReady, dismissOfflineReady]);

  return (
    <Stack
      spacing={1}
      sx={{ position: 'fixed', left: 16, bottom: 16, zIndex: (t) => t.zIndex.snackbar, maxWidth: 'min(560px, calc(100vw - 32px))' }}
    >
      {pwa.applyUpdate && (
        <Alert
          severity="info"
          variant="filled"
          role="alert"
          data-testid="update-prompt"
          data-waiting={reloadWhenIdle ? 'true' : 'false'}
          action={
            reloadWhenIdle ? undefined : (
              <>
                <Button color="inherit" size="small" onClick={() => setReloadWhenIdle(true)} sx={{ fontWeight: 700 }}>
                  {busy ? 'Reload when done' : 'Reload'}
                </Button>
                <Button color="inherit" size="small" onClick={pwa.dismissUpdate}>
                  Later
                </Button>
              </>
            )
          }
        >
          {reloadWhenIdle
            ? `New version ready — Auscult reloads into it as soon as ${busy ?? 'the current work'} finishes.`
            : busy
              ? `New version available. ${busy[0].toUpperCase()}${busy.slice(1)} is running: it will not be interrupted. Finish any recording first.`
              : 'New version available — Reload to use it. Finish any recording first.'}
        </Alert>
      )}
      {offlineReady && (
        <Alert severity="success" variant="filled" data-testid="offline-ready" onClose={dismissOfflineReady}>
          Auscult is ready to work offline.
        </Alert>
      )}
      {pwa.error && <Alert severity="warning">{pwa.error}</Alert>}
      {notices.map((n) => (
        <Alert key={n.id} severity={n.severity} variant="filled" data-testid="notice" onClose={() => onDismiss(n.id)}>
          {n.message}
        </Alert>
      ))}
    </Stack>
  );
}
