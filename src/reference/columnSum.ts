/** Float64 twin of shaders/columnSum.wgsl: out[j] = Σ_r A[r, j] of a row-major [rows, cols] matrix. */
export function columnSum(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) out[j] += a[r * cols + j]!;
  }
  return out;
}
