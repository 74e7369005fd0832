// Number formatting shared by the list and the timeline, so a duration reads the same everywhere.

/** "15.36 s", or "2:05.4" beyond two minutes. */
export function formatDuration(s: number): string {
  if (s < 120) return `${s.toFixed(2)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

/** Clock-style position for the transport: "0:03.25". */
export function formatClock(s: number): string {
  const safe = Math.max(0, s);
  const m = Math.floor(safe / 60);
  return `${m}:${(safe - m * 60).toFixed(2).padStart(5, '0')}`;
}

export function formatRate(hz: number): string {
  return hz % 1000 === 0 ? `${hz / 1000} kHz` : `${(hz / 1000).toFixed(1)} kHz`;
}

export function formatChannels(n: number): string {
  return n === 1 ? 'mono' : n === 2 ? 'stereo' : `${n} channels`;
}
