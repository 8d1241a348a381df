/** Float64 CPU twin of shaders/crossProducts.wgsl: C = initial + Aᵀ·B, A [rows, aCols], B [rows, bCols]. */
export function crossProducts(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  aCols: number,
  bCols: number,
  initial?: ArrayLike<number>,
): Float64Array {
  const c = Float64Array.from({ length: aCols * bCols }, (_, i) => initial?.[i] ?? 0);
  for (let r = 0; r < rows; r++) for (let i = 0; i < aCols; i++) for (let j = 0; j < bCols; j++) c[i * bCols + j]! += a[r * aCols + i]! * b[r * bCols + j]!;
  return c;
}
