// Small numeric helpers shared by inference, metrics and the UI.

/** Index of the largest value (the first one on ties); 0 for an empty list. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
