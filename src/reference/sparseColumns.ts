/** CPU twin of shaders/sparseColumns.wgsl: W [n, n]'s non-zeros column by column, in the same packed layout. */
export function sparseColumns(w: ArrayLike<number>, n: number): Float64Array {
  const packed = new Float64Array(n + 2 * n * n);
  for (let j = 0; j < n; j++) {
    let c = 0;
    for (let k = 0; k < n; k++) {
      const v = w[k * n + j]!;
      if (v === 0) continue;
      packed[n + c * 2 * n + j] = k;
      packed[n + c * 2 * n + n + j] = v;
      c++;
    }
    packed[j] = c;
  }
  return packed;
}
