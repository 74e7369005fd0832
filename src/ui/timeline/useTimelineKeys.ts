// Keyboard control of the shown recording. Listens on the window so it works wherever focus
// is, except where the key means something else (typing, sliders, menus).
import { useEffect, useRef } from 'react';

export interface TimelineKeyActions {
  playPause: () => void;
  zoomIn: () => void;
  zoomOut: () => void;
  zoomFit: () => void;
  skip: (seconds: number) => void;
}

export const SHORTCUTS: ReadonlyArray<{ keys: string; action: string }> = [
  { keys: 'Space', action: 'Play / pause' },
  { keys: '+', action: 'Zoom in' },
  { keys: '−', action: 'Zoom out' },
  { keys: '0', action: 'Fit the whole recording' },
  { keys: '← / →', action: 'Back / forward 0.5 s (with Shift: 5 s)' },
  { keys: 'Ctrl/⌘ + mouse wheel', action: 'Zoom around the pointer' },
  { keys: 'Click', action: 'Seek; click an event to play just that event' },
  { keys: '?', action: 'Show these shortcuts' },
];

function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement && target.type !== 'checkbox' && target.type !== 'radio' && target.type !== 'range') return true;
  const role = target.getAttribute('role');
  return role === 'slider' || role === 'option' || role === 'menuitem' || role === 'combobox' || target.closest('[role="dialog"]') !== null;
}

export function useTimelineKeys(actions: TimelineKeyActions, enabled: boolean): void {
  const ref = useRef(actions);
  ref.current = actions;

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || ownsKeys(e.target)) return;
      const a = ref.current;
      switch (e.key) {
        case ' ':
          // Also stops a focused button from being "clicked" by the same Space press.
          e.preventDefault();
          if (!e.repeat) a.playPause();
          return;
        case '+':
        case '=':
          e.preventDefault();
          a.zoomIn();
          return;
        case '-':
        case '_':
          e.preventDefault();
          a.zoomOut();
          return;
        case '0':
          a.zoomFit();
          return;
        case 'ArrowLeft':
        case 'ArrowRight':
          e.preventDefault();
          a.skip((e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 5 : 0.5));
          return;
      }
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === ' ' && !ownsKeys(e.target)) e.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, [enabled]);
}
