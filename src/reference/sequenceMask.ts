/**
 * Float64 twin of shaders/sequenceMask.wgsl: a timestep mask from values, applying it to a sequence, and the
 * loss weights of a masked output. Rows are time-major (t·batch + b), one mask value per row.
 */

/** m[r] = 1 where any of row r's `cols` values differs from maskValue, else 0. */
export function maskFromValues(x: ArrayLike<number>, rows: number, cols: number, maskValue: number): Float64Array {
  const mask = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (x[r * cols + c] !== maskValue) mask[r] = 1;
  }
  return mask;
}

/** y[r, c] = x[r, c] where m[r] ≠ 0, else 0 (also the gradient of that map). */
export function maskApply(x: ArrayLike<number>, mask: ArrayLike<number>, cols: number): Float64Array {
  const y = new Float64Array(mask.length * cols);
  for (let r = 0; r < mask.length; r++) if (mask[r] !== 0) for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c]!;
  return y;
}

/** Keras's apply_mask: w[r] = m[r] · rows / Σ m (all 0 when no row is real). */
export function lossWeights(mask: ArrayLike<number>): Float64Array {
  let valid = 0;
  for (let r = 0; r < mask.length; r++) if (mask[r] !== 0) valid++;
  return Float64Array.from({ length: mask.length }, (_, r) => (mask[r] !== 0 && valid > 0 ? mask.length / valid : 0));
}
