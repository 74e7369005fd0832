// Zoom is "pixels per second". The lower bound is whatever fits the recording in the view;
// the upper bound matches the waveform peaks the worker computes (1000 buckets per second),
// which resolves single crackles (5–20 ms) comfortably.
export const MAX_PX_PER_SEC = 1000;
export const ZOOM_STEP = 1.5;

export function clampZoom(px: number, fitPx: number): number {
  return Math.min(MAX_PX_PER_SEC, Math.max(fitPx, px));
}

/** Slider position 0..1 on a log scale between "fit" and the maximum. */
export function zoomToSlider(px: number, fitPx: number): number {
  if (fitPx >= MAX_PX_PER_SEC) return 0;
  return Math.log(clampZoom(px, fitPx) / fitPx) / Math.log(MAX_PX_PER_SEC / fitPx);
}

export function sliderToZoom(pos: number, fitPx: number): number {
  if (fitPx >= MAX_PX_PER_SEC) return fitPx;
  return fitPx * Math.pow(MAX_PX_PER_SEC / fitPx, pos);
}
