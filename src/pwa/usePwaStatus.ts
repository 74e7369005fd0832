import { useEffect, useState } from 'react';
import { registerServiceWorker } from './register';

export interface PwaStatus {
  offlineReady: boolean;
  /** Set while a new version waits; calling it reloads into the new version. */
  applyUpdate?: () => void;
  error?: string;
  dismissOfflineReady: () => void;
  dismissUpdate: () => void;
}

let registered = false;

export function usePwaStatus(): PwaStatus {
  const [offlineReady, setOfflineReady] = useState(false);
  const [applyUpdate, setApplyUpdate] = useState<(() => void) | undefined>(undefined);
  const [error, setError] = useState<string>();

  useEffect(() => {
    // StrictMode mounts twice in development; one registration is enough.
    if (registered) return;
    registered = true;
    registerServiceWorker({
      onOfflineReady: () => setOfflineReady(true),
      onUpdateWaiting: (apply) => setApplyUpdate(() => apply),
      onError: setError,
    });
  }, []);

  return {
    offlineReady,
    applyUpdate,
    error,
    dismissOfflineReady: () => setOfflineReady(false),
    dismissUpdate: () => setApplyUpdate(undefined),
  };
}
