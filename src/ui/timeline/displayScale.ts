// Display scaling for chest recordings: a single contact click or cough can be 50× louder than
// the breath sounds, so scaling the waveform to its absolute peak leaves a flat line. The
// waveform is scaled to a high quantile of its peaks instead; the rare louder spikes clip.

export const WAVEFORM_CLIP_QUANTILE = 0.997;

/** The q-quantile of |peaks| by a 1024-bin histogram: O(n), no sort, fine for 30-minute files. */
export function robustPeak(peaks: Float32Array, q = WAVEFORM_CLIP_QUANTILE): number {
  let max = 0;
  for (let i = 0; i < peaks.length; i++) {
    const a = Math.abs(peaks[i]);
    if (a > max) max = a;
  }
  if (max === 0 || peaks.length === 0) return 1; // digital silence: keep it flat, not amplified noise
  const bins = 1024;
  const hist = new Uint32Array(bins);
  for (let i = 0; i < peaks.length; i++) hist[Math.min(bins - 1, Math.floor((Math.abs(peaks[i]) / max) * bins))]++;
  const target = q * peaks.length;
  let seen = 0;
  for (let b = 0; b < bins; b++) {
    seen += hist[b];
    if (seen >= target) return Math.max(((b + 1) / bins) * max, max * 1e-3);
  }
  return max;
}

/**
 * The worker quantises the spectrogram over 80 dB below its loudest bin. Chest sounds sit in a
 * narrower band, so the display shows the top `rangeDb` of it across the whole colour map.
 */
export const SPECTROGRAM_DISPLAY_RANGE_DB = 60;
const WORKER_RANGE_DB = 80;

export function spectrogramLevelMap(rangeDb = SPECTROGRAM_DISPLAY_RANGE_DB): Uint8Array {
  const floor = 255 * (1 - rangeDb / WORKER_RANGE_DB);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(((v - floor) * 255) / (255 - floor))));
  return lut;
}
