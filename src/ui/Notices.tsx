// App-level messages (recovered recordings, interrupted recordings, offline readiness, updates)
// as a stack in the bottom-left corner; each stays until dismissed unless it is only good news.
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useEffect } from 'react';
import type { PwaStatus } from '../pwa/usePwaStatus';
import type { Notice } from './useRecordings';

const OFFLINE_READY_MS = 8000;

export interface NoticesProps {
  notices: readonly Notice[];
  onDismiss: (id: string) => void;
  pwa: PwaStatus;
}

export function Notices({ notices, onDismiss, pwa }: NoticesProps) {
  const { offlineReady, dismissOfflineReady } = pwa;
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
          action={
            <>
              <Button color="inherit" size="small" onClick={pwa.applyUpdate} sx={{ fontWeight: 700 }}>
                Reload
              </Button>
              <Button color="inherit" size="small" onClick={pwa.dismissUpdate}>
                Later
              </Button>
            </>
          }
        >
          New version available — Reload to use it. Finish any recording first.
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
