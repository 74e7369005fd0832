// The one resampler: band-limited (windowed-sinc) interpolation, so that content above
// the target Nyquist is removed before it can alias into the band the models listen to.

/** Cut-off as a fraction of the lower of the two rates: passband flat to well past 1 kHz at 8 kHz. */
const CUTOFF = 0.45;
/** Kernel half-width in zero crossings of the lower rate; with the Kaiser window below, > 75 dB stopband from 0.5. */
const HALF_WIDTH = 24;
const KAISER_BETA = 7.857;
/** Kernel table resolution (points per unit of the lower rate's sample period). */
const TABLE_OVERSAMPLING = 512;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

let kernelTable: Float64Array | undefined;

/** h(t) for t in [0, HALF_WIDTH] (units of the lower rate's sample period), tabulated once. */
function kernel(): Float64Array {
  if (kernelTable) return kernelTable;
  const n = HALF_WIDTH * TABLE_OVERSAMPLING + 2;
  const table = new Float64Array(n);
  const i0Beta = besselI0(KAISER_BETA);
  for (let i = 0; i < n; i++) {
    const t = i / TABLE_OVERSAMPLING;
    const x = 2 * CUTOFF * t;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = t / HALF_WIDTH;
    const w = r >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
    table[i] = 2 * CUTOFF * sinc * w;
  }
  kernelTable = table;
  return table;
}

/** Resample mono audio from one rate to another. Returns the input itself when the rates agree. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`Bad sample rates ${fromRate} → ${toRate}`);
  if (fromRate === toRate) return input;
  const table = kernel();
  const ratio = fromRate / toRate; // input samples per output sample
  // Work in units of the lower rate so one kernel serves down- and up-sampling.
  const scale = Math.min(1, toRate / fromRate); // lower-rate periods per input sample
  const reach = HALF_WIDTH / scale; // kernel half-width in input samples
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Float32Array(outLength);
  const last = input.length - 1;
  for (let n = 0; n < outLength; n++) {
    const t = n * ratio; // position in input samples
    const first = Math.max(0, Math.ceil(t - reach));
    const end = Math.min(last, Math.floor(t + reach));
    let acc = 0;
    for (let k = first; k <= end; k++) {
      const pos = Math.abs(t - k) * scale * TABLE_OVERSAMPLING;
      const i = pos | 0;
      const frac = pos - i;
      acc += input[k] * (table[i] + frac * (table[i + 1] - table[i]));
    }
    out[n] = acc * scale;
  }
  return out;
}
