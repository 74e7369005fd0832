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

/** However busy the app stays (a long recording analysed at once), offline support is set up by then. */
const REGISTER_AT_LATEST_MS = 30_000;

/**
 * Registers the service worker once `idle` is first true, or REGISTER_AT_LATEST_MS after mounting.
 * Its first install downloads and caches the whole precache (~25 MB: the runtime, the models), which
 * on a first visit competed with the models' loading and the first analysis for the CPU; registering
 * once they are done keeps the first drop's verdict unhurried, and the app is still offline-ready
 * seconds after it opens.
 */
export function usePwaStatus(idle: boolean): PwaStatus {
  const [offlineReady, setOfflineReady] = useState(false);
  const [applyUpdate, setApplyUpdate] = useState<(() => void) | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [overdue, setOverdue] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setOverdue(true), REGISTER_AT_LATEST_MS);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    // StrictMode mounts twice in development; one registration is enough.
    if (registered || !(idle || overdue)) return;
    registered = true;
    registerServiceWorker({
      onOfflineReady: () => setOfflineReady(true),
      onUpdateWaiting: (apply) => setApplyUpdate(() => apply),
      onError: setError,
    });
  }, [idle, overdue]);

  return {
    offlineReady,
    applyUpdate,
    error,
    dismissOfflineReady: () => setOfflineReady(false),
    dismissUpdate: () => setApplyUpdate(undefined),
  };
}
