/**
 * The blocked float32 GEMM every CPU-path cell projects its inputs with (all timesteps at once), and Dense with.
 * f32x4 lanes along the output columns; why the 4×8 tile: wasm/lstmStep.ts.
 */

/**
 * C [m, n] = A [m, k] · B [k, n] (+ bias [n] unless bias is 0), or C += A · B when `add` is 1 (the backward pass's
 * sums into a gradient that already holds another term). n is a multiple of 4.
 */
export function gemm(a: usize, b: usize, bias: usize, c: usize, m: i32, k: i32, n: i32, add: i32): void {
  const aRow = (<usize>k) << 2;
  const bRow = (<usize>n) << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * aRow;
    const c0 = c + <usize>i * bRow;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const col = (<usize>j) << 2;
      let s00 = startAt(bias, col, add, c0);
      let s01 = startAt(bias, col + 16, add, c0);
      let s10 = startAt(bias, col, add, c0 + bRow);
      let s11 = startAt(bias, col + 16, add, c0 + bRow);
      let s20 = startAt(bias, col, add, c0 + 2 * bRow);
      let s21 = startAt(bias, col + 16, add, c0 + 2 * bRow);
      let s30 = startAt(bias, col, add, c0 + 3 * bRow);
      let s31 = startAt(bias, col + 16, add, c0 + 3 * bRow);
      let bk = b + col;
      for (let p: usize = 0; p < aRow; p += 4) {
        const y0 = v128.load(bk);
        const y1 = v128.load(bk, 16);
        bk += bRow;
        let x = v128.load32_splat(a0 + p);
        s00 = f32x4.add(s00, f32x4.mul(x, y0));
        s01 = f32x4.add(s01, f32x4.mul(x, y1));
        x = v128.load32_splat(a0 + aRow + p);
        s10 = f32x4.add(s10, f32x4.mul(x, y0));
        s11 = f32x4.add(s11, f32x4.mul(x, y1));
        x = v128.load32_splat(a0 + 2 * aRow + p);
        s20 = f32x4.add(s20, f32x4.mul(x, y0));
        s21 = f32x4.add(s21, f32x4.mul(x, y1));
        x = v128.load32_splat(a0 + 3 * aRow + p);
        s30 = f32x4.add(s30, f32x4.mul(x, y0));
        s31 = f32x4.add(s31, f32x4.mul(x, y1));
      }
      v128.store(c0 + col, s00);
      v128.store(c0 + col, s01, 16);
      v128.store(c0 + bRow + col, s10);
      v128.store(c0 + bRow + col, s11, 16);
      v128.store(c0 + 2 * bRow + col, s20);
      v128.store(c0 + 2 * bRow + col, s21, 16);
      v128.store(c0 + 3 * bRow + col, s30);
      v128.store(c0 + 3 * bRow + col, s31, 16);
    }
    for (; j < n; j += 4) for (let r = 0; r < 4; r++) gemmVector(a0 + <usize>r * aRow, b, bias, c0 + <usize>r * bRow, k, n, j, add);
  }
  for (; i < m; i++) for (let j = 0; j < n; j += 4) gemmVector(a + <usize>i * aRow, b, bias, c + <usize>i * bRow, k, n, j, add);
}

/** One row's four outputs from column j: the tails gemm's tiles leave. */
function gemmVector(aRow: usize, b: usize, bias: usize, cRow: usize, k: i32, n: i32, j: i32, add: i32): void {
  const col = (<usize>j) << 2;
  const bRow = (<usize>n) << 2;
  let s = startAt(bias, col, add, cRow);
  for (let p = 0; p < k; p++) s = f32x4.add(s, f32x4.mul(v128.load32_splat(aRow + ((<usize>p) << 2)), v128.load(b + <usize>p * bRow + col)));
  v128.store(cRow + col, s);
}

/** Where a tile's sums start at byte offset `col`: C's row when adding, else the bias (zeros without one). */
function startAt(bias: usize, col: usize, add: i32, cRow: usize): v128 {
  if (add) return v128.load(cRow + col);
  return bias ? v128.load(bias + col) : f32x4.splat(0);
}
