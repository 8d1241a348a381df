/**
 * Cholesky QR in WebAssembly SIMD (f64x2): the orthogonal initializer's core, src/layers/orthonormalRows.ts.
 *
 * For G [n, m] (n ≤ m, row-major) with well-conditioned rows:
 *
 *     S = G·Gᵀ            gramRows()     the lower triangle, n²m multiply-adds
 *     S = L·Lᵀ            choleskyRow()  L in S's lower triangle, n³/3
 *     Q = L⁻¹·G           solveRows()    forward substitution on G's rows in place, n²m/2
 *
 * Each export does one block of rows and the caller loops: V8 runs a module's first calls in its baseline
 * compiler and swaps in optimized code between calls (never inside a running one), which one call doing all the
 * work would never reach (measured: 2× slower at 1024 units).
 *
 * Float64 throughout, as the JavaScript loops it replaces (the same sums in another order: equal to ~1e-15).
 *
 * Shapes come padded by the caller so that no loop has a tail: rows to a multiple of 4 (`rows`), the row stride to
 * a multiple of 2 (`stride`). A padded row is a unit vector on a padded column, orthogonal to every real row, so it
 * changes nothing that comes before it (the caller reads L's diagonal over the real rows only).
 *
 * Why these tiles: V8 gives SIMD code 16 vector registers on x64. Gram's 4×2 tile holds 8 accumulators and 6
 * loaded vectors; the solve's 4×2 tile 8 splatted coefficients, 2 source and 4 target vectors. A 4×4 tile spills.
 */

/** Rows i…i+3 of S = G·Gᵀ's lower triangle ([rows, rows], row-major at `s`); G is [rows, stride] at `g`. */
export function gramRows(g: usize, s: usize, i: i32, rows: i32, stride: i32): void {
  const rowBytes = (<usize>stride) << 3;
  const a0 = g + <usize>i * rowBytes;
  const a1 = a0 + rowBytes;
  const a2 = a1 + rowBytes;
  const a3 = a2 + rowBytes;
  // Pairs of rows j, j+1 up to the diagonal tile (its entries above the diagonal are computed and never read).
  for (let j = 0; j < i + 4; j += 2) {
    const b0 = g + <usize>j * rowBytes;
    const b1 = b0 + rowBytes;
    let s00 = f64x2.splat(0);
    let s01 = f64x2.splat(0);
    let s10 = f64x2.splat(0);
    let s11 = f64x2.splat(0);
    let s20 = f64x2.splat(0);
    let s21 = f64x2.splat(0);
    let s30 = f64x2.splat(0);
    let s31 = f64x2.splat(0);
    for (let k: usize = 0; k < rowBytes; k += 16) {
      const y0 = v128.load(b0 + k);
      const y1 = v128.load(b1 + k);
      let x = v128.load(a0 + k);
      s00 = f64x2.add(s00, f64x2.mul(x, y0));
      s01 = f64x2.add(s01, f64x2.mul(x, y1));
      x = v128.load(a1 + k);
      s10 = f64x2.add(s10, f64x2.mul(x, y0));
      s11 = f64x2.add(s11, f64x2.mul(x, y1));
      x = v128.load(a2 + k);
      s20 = f64x2.add(s20, f64x2.mul(x, y0));
      s21 = f64x2.add(s21, f64x2.mul(x, y1));
      x = v128.load(a3 + k);
      s30 = f64x2.add(s30, f64x2.mul(x, y0));
      s31 = f64x2.add(s31, f64x2.mul(x, y1));
    }
    const out = s + ((<usize>i * <usize>rows + <usize>j) << 3);
    const next = (<usize>rows) << 3;
    store<f64>(out, lanes(s00));
    store<f64>(out + 8, lanes(s01));
    store<f64>(out + next, lanes(s10));
    store<f64>(out + next + 8, lanes(s11));
    store<f64>(out + 2 * next, lanes(s20));
    store<f64>(out + 2 * next + 8, lanes(s21));
    store<f64>(out + 3 * next, lanes(s30));
    store<f64>(out + 3 * next + 8, lanes(s31));
  }
}

/**
 * Row i of L, where S = L·Lᵀ, in place of S's row i (rows before it already factored): returns L's diagonal entry
 * L[i][i], or −1 where the factorization breaks down (S not numerically positive definite).
 */
export function choleskyRow(s: usize, i: i32, rows: i32): f64 {
  const rowBytes = (<usize>rows) << 3;
  const li = s + <usize>i * rowBytes;
  for (let j = 0; j < i; j++) {
    const lj = s + <usize>j * rowBytes;
    const at = li + ((<usize>j) << 3);
    store<f64>(at, (load<f64>(at) - dot(li, lj, j)) / load<f64>(lj + ((<usize>j) << 3)));
  }
  const d = load<f64>(li + ((<usize>i) << 3)) - dot(li, li, i);
  if (!(d > 0)) return -1;
  const lii = Math.sqrt(d);
  store<f64>(li + ((<usize>i) << 3), lii);
  return lii;
}

/**
 * Rows i…i+3 of Q = L⁻¹·Q in place: Q [rows, stride] at `q` holds G on entry and Q in the rows before i; L is
 * choleskyRow()'s factor at `l`.
 */
export function solveRows(l: usize, q: usize, i: i32, rows: i32, stride: i32): void {
  const rowBytes = (<usize>stride) << 3;
  const lRow = (<usize>rows) << 3;
  const t0 = q + <usize>i * rowBytes;
  const t1 = t0 + rowBytes;
  const t2 = t1 + rowBytes;
  const t3 = t2 + rowBytes;
  const c0 = l + <usize>i * lRow;
  // Every finished row before this block, two at a time: the four target rows lose their parts along them.
  for (let j = 0; j < i; j += 2) {
    const y0Row = q + <usize>j * rowBytes;
    const y1Row = y0Row + rowBytes;
    const cj = c0 + ((<usize>j) << 3);
    const c00 = f64x2.splat(load<f64>(cj));
    const c01 = f64x2.splat(load<f64>(cj, 8));
    const c10 = f64x2.splat(load<f64>(cj + lRow));
    const c11 = f64x2.splat(load<f64>(cj + lRow, 8));
    const c20 = f64x2.splat(load<f64>(cj + 2 * lRow));
    const c21 = f64x2.splat(load<f64>(cj + 2 * lRow, 8));
    const c30 = f64x2.splat(load<f64>(cj + 3 * lRow));
    const c31 = f64x2.splat(load<f64>(cj + 3 * lRow, 8));
    for (let k: usize = 0; k < rowBytes; k += 16) {
      const y0 = v128.load(y0Row + k);
      const y1 = v128.load(y1Row + k);
      v128.store(t0 + k, f64x2.sub(v128.load(t0 + k), f64x2.add(f64x2.mul(c00, y0), f64x2.mul(c01, y1))));
      v128.store(t1 + k, f64x2.sub(v128.load(t1 + k), f64x2.add(f64x2.mul(c10, y0), f64x2.mul(c11, y1))));
      v128.store(t2 + k, f64x2.sub(v128.load(t2 + k), f64x2.add(f64x2.mul(c20, y0), f64x2.mul(c21, y1))));
      v128.store(t3 + k, f64x2.sub(v128.load(t3 + k), f64x2.add(f64x2.mul(c30, y0), f64x2.mul(c31, y1))));
    }
  }
  // Within the block, row by row.
  for (let r = 0; r < 4; r++) {
    const target = t0 + <usize>r * rowBytes;
    const cr = c0 + <usize>r * lRow;
    for (let j = i; j < i + r; j++) axpy(-load<f64>(cr + ((<usize>j) << 3)), q + <usize>j * rowBytes, target, rowBytes);
    scale(1 / load<f64>(cr + ((<usize>(i + r)) << 3)), target, rowBytes);
  }
}

/** The sum of a vector's two lanes. */
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ x[k]·y[k] over the first `count` values. */
function dot(x: usize, y: usize, count: i32): f64 {
  let acc = f64x2.splat(0);
  const pairs = (<usize>(count >> 1)) << 4;
  for (let k: usize = 0; k < pairs; k += 16) acc = f64x2.add(acc, f64x2.mul(v128.load(x + k), v128.load(y + k)));
  let sum = lanes(acc);
  if (count & 1) sum += load<f64>(x + pairs) * load<f64>(y + pairs);
  return sum;
}

/** y += c·x over `bytes` (a multiple of 16). */
function axpy(c: f64, x: usize, y: usize, bytes: usize): void {
  const cc = f64x2.splat(c);
  for (let k: usize = 0; k < bytes; k += 16) v128.store(y + k, f64x2.add(v128.load(y + k), f64x2.mul(cc, v128.load(x + k))));
}

/** x *= c over `bytes` (a multiple of 16). */
function scale(c: f64, x: usize, bytes: usize): void {
  const cc = f64x2.splat(c);
  for (let k: usize = 0; k < bytes; k += 16) v128.store(x + k, f64x2.mul(cc, v128.load(x + k)));
}
