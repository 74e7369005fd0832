// Service worker registration. A new version never replaces the running one silently: the user
// is asked (a clinician may be in the middle of a recording), and only their "Reload" swaps it.
import { Workbox } from 'workbox-window';

export interface PwaCallbacks {
  /** The app shell is cached: the app now works without a network. */
  onOfflineReady: () => void;
  /** A new version is installed and waiting; call `apply` to switch to it and reload. */
  onUpdateWaiting: (apply: () => void) => void;
  onError: (message: string) => void;
}

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(callbacks: PwaCallbacks): void {
  // The dev server serves no service worker; registering there would only cache stale modules.
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const base = import.meta.env.BASE_URL;
  const wb = new Workbox(`${base}sw.js`, { scope: base });

  const apply = () => {
    wb.addEventListener('controlling', () => window.location.reload());
    wb.messageSkipWaiting();
  };

  wb.addEventListener('waiting', () => callbacks.onUpdateWaiting(apply));
  wb.addEventListener('activated', (event) => {
    if (!event.isUpdate) callbacks.onOfflineReady();
  });

  wb.register()
    .then((registration) => {
      // A version that was already waiting when this page loaded (e.g. another tab installed it).
      if (registration?.waiting && navigator.serviceWorker.controller) callbacks.onUpdateWaiting(apply);
      setInterval(() => void wb.update().catch(() => undefined), UPDATE_CHECK_MS);
    })
    .catch((e: unknown) => callbacks.onError(`Offline support could not be set up: ${e instanceof Error ? e.message : String(e)}`));
}
