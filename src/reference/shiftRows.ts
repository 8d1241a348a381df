/** Float64 CPU twin of shaders/shiftRows.wgsl: y[r, j] = x[r, j] − shift[j]. */
export function shiftRows(x: ArrayLike<number>, shift: ArrayLike<number>, rows: number, cols: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, (_, i) => x[i]! - shift[i % cols]!);
}
