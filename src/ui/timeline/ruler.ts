// Time-ruler spacing for the Timeline plugin at a given zoom: a labelled tick every ~80 px or
// more, minor ticks in between. The plugin's built-in spacing is fixed at 1 s ticks / 5–10 s
// labels, which leaves a 3 s recording with a single "0 s" label and no help at crackle scale.

export interface RulerOptions {
  timeInterval: number;
  primaryLabelInterval: number;
  secondaryLabelInterval: number;
  formatTimeCallback: (seconds: number) => string;
}

// The plugin compares times at 10 ms resolution, so nothing finer than 0.01 s.
const LABEL_STEPS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
const MIN_LABEL_PX = 80;

/** Minor ticks that divide the label step evenly: 1-, 5- and 3-steps in fifths, 2-steps in quarters, 15 s in thirds. */
function minorFor(label: number): number {
  const lead = Math.round((label / 10 ** Math.floor(Math.log10(label))) * 10) / 10;
  return label / (lead === 2 ? 4 : lead === 1.5 ? 3 : 5);
}

export function rulerOptions(pxPerSec: number): RulerOptions {
  const label = LABEL_STEPS.find((s) => s * pxPerSec >= MIN_LABEL_PX) ?? LABEL_STEPS[LABEL_STEPS.length - 1];
  const decimals = label < 0.1 ? 2 : label < 1 ? 1 : 0;
  return {
    timeInterval: minorFor(label),
    primaryLabelInterval: label,
    secondaryLabelInterval: label,
    formatTimeCallback: (s) => {
      if (label < 60) return `${s.toFixed(decimals)} s`;
      const m = Math.floor(s / 60);
      return `${m}:${String(Math.round(s - m * 60)).padStart(2, '0')}`;
    },
  };
}
