// Keyboard control of the shown recording. Listens on the window so it works wherever focus
// is, except where the key means something else (typing, sliders, menus).
import { useEffect, useRef } from 'react';

export interface TimelineKeyActions {
  playPause: () => void;
  zoomIn: () => void;
  zoomOut: () => void;
  zoomFit: () => void;
  skip: (seconds: number) => void;
  /** Event editing and stepping (present when the recording has events to work on). */
  stepEvent?: (direction: -1 | 1) => void;
  playSelected?: () => void;
  deleteSelected?: () => void;
  addEvent?: () => void;
  clearSelection?: () => void;
}

export const SHORTCUTS: ReadonlyArray<{ keys: string; action: string }> = [
  { keys: 'Space', action: 'Play / pause' },
  { keys: '+', action: 'Zoom in' },
  { keys: '−', action: 'Zoom out' },
  { keys: '0', action: 'Fit the whole recording' },
  { keys: '← / →', action: 'Back / forward 0.5 s (with Shift: 5 s)' },
  { keys: 'Ctrl/⌘ + mouse wheel', action: 'Zoom around the pointer' },
  { keys: 'Click', action: 'Seek; click an event to play just that event and select it' },
  { keys: '↑ / ↓', action: 'Previous / next event: select it and play it' },
  { keys: 'Enter', action: 'Play the selected event again' },
  { keys: 'A', action: 'Add an event at the playback cursor (1 s; drag its edges to fit)' },
  { keys: 'Delete / Backspace', action: 'Delete the selected event' },
  { keys: 'Drag an event edge', action: 'Change its start or end; it is classified again' },
  { keys: 'Esc', action: 'Clear the event selection' },
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
        case 'ArrowUp':
        case 'ArrowDown':
          if (!a.stepEvent) return;
          e.preventDefault();
          a.stepEvent(e.key === 'ArrowUp' ? -1 : 1);
          return;
        case 'Enter':
          // Enter on a focused button or link keeps its own meaning.
          if (!a.playSelected || (e.target instanceof HTMLElement && e.target.closest('button, a, [role="button"]'))) return;
          e.preventDefault();
          a.playSelected();
          return;
        case 'Delete':
        case 'Backspace':
          if (!a.deleteSelected) return;
          e.preventDefault();
          a.deleteSelected();
          return;
        case 'a':
        case 'A':
          if (!a.addEvent) return;
          e.preventDefault();
          a.addEvent();
          return;
        case 'Escape':
          a.clearSelection?.();
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
