/** Float64 twin of shaders/merge.wgsl: a concatenation's column blocks and y += α·x. */

/** out[r, colOffset + c] = x[xOffset + r·cols + c], into `out` (rows × outCols). */
export function placeColumns(out: Float64Array, x: ArrayLike<number>, rows: number, cols: number, outCols: number, colOffset: number, xOffset = 0): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * outCols + colOffset + c] = x[xOffset + r * cols + c]!;
}

/** dx[r·cols + c] = dout[r, colOffset + c]. */
export function takeColumns(dout: ArrayLike<number>, rows: number, cols: number, outCols: number, colOffset: number): Float64Array {
  const dx = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dx[r * cols + c] = dout[r * outCols + colOffset + c]!;
  return dx;
}

/** scores [rows = Tq·batch, cols = Tv] += (mask[j·batch + r % batch] − 1)·1e9, in place. */
export function maskColumns(scores: Float64Array, mask: ArrayLike<number>, rows: number, cols: number, batch: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) scores[r * cols + j]! += (mask[j * batch + (r % batch)]! - 1) * 1e9;
}

/** y[yOffset + i] += alpha · x[xOffset + i], in place. */
export function scaledAdd(y: Float64Array, x: ArrayLike<number>, length: number, alpha = 1, xOffset = 0, yOffset = 0): void {
  for (let i = 0; i < length; i++) y[yOffset + i]! += alpha * x[xOffset + i]!;
}
