/** Float64 CPU twin of shaders/shiftRows.wgsl: y[r, j] = x[r·stride + col0 + j] − shift[col0 + j], j < cols. */
export function shiftRows(
  x: ArrayLike<number>,
  shift: ArrayLike<number>,
  rows: number,
  cols: number,
  window: { stride?: number; col0?: number } = {},
): Float64Array {
  const [stride, col0] = [window.stride ?? cols, window.col0 ?? 0];
  return Float64Array.from({ length: rows * cols }, (_, i) => x[Math.floor(i / cols) * stride + col0 + (i % cols)]! - shift[col0 + (i % cols)]!);
}
