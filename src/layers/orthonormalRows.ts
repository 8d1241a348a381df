/**
 * The orthogonal initializer's core: n orthonormal rows of length m (n ≤ m) from a Gaussian G [n, m], the Q of
 * G = L·Q with L lower triangular and positive on its diagonal — what Gram–Schmidt on G's rows gives, and Keras's
 * sign convention (its QR of Gᵀ with R's diagonal made positive).
 *
 * Gram–Schmidt on a wide recurrent kernel ([u, 4u]: 8u³ flops, 8.6 GFLOP at 1024 units) streams every earlier row
 * through memory for each new one. Cholesky QR does the same arithmetic as two blocked passes that reuse what
 * they load — S = G·Gᵀ, S = L·Lᵀ, Q = L⁻¹·G — several times faster in JavaScript (bench/results/orthogonal.md).
 * Its error grows with cond(G)² (Gaussian rows are well conditioned: cond ≈ (√m + √n)/(√m − √n), 3 for [u, 4u]);
 * when the factor shows a badly conditioned G, a second pass on Q (Cholesky QR2) restores orthogonality, and if
 * the Cholesky factorization breaks down, Gram–Schmidt does the job. Float64 throughout.
 */

/** Tile of the blocked loops: 4 rows against 4 rows, 16 accumulators. */
const TILE = 4;

/** Orthonormal rows of `g` ([n, m], row-major, n ≤ m), as described above; `g` is left unchanged. */
export function orthonormalRows(g: Float64Array, n: number, m: number): Float64Array {
  const first = choleskyQr(g, n, m);
  if (first === null) return gramSchmidt(g, n, m);
  // cond(G) ≈ the spread of L's diagonal; beyond ~1e3 one pass leaves ~1e-10 off orthogonality: a second pass.
  if (first.spread < 1e3) return first.q;
  return choleskyQr(first.q, n, m)?.q ?? gramSchmidt(g, n, m);
}

/** One Cholesky QR pass, or null where the factorization breaks down (G numerically rank-deficient). */
function choleskyQr(g: Float64Array, n: number, m: number): { q: Float64Array; spread: number } | null {
  const l = gram(g, n, m);
  let [lo, hi] = [Infinity, 0];
  for (let j = 0; j < n; j++) {
    let d = l[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    [lo, hi] = [Math.min(lo, ljj), Math.max(hi, ljj)];
    for (let i = j + 1; i < n; i++) {
      let s = l[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  if (lo / hi < 1e-7) return null;
  return { q: solveLower(l, g, n, m), spread: hi / lo };
}

/** The lower triangle of S = G·Gᵀ ([n, n], row-major), in 4×4 tiles of row pairs. */
function gram(g: Float64Array, n: number, m: number): Float64Array {
  const s = new Float64Array(n * n);
  const full = n - (n % TILE);
  for (let i = 0; i < full; i += TILE) {
    for (let j = 0; j <= i; j += TILE) {
      const [a0, a1, a2, a3] = [i * m, (i + 1) * m, (i + 2) * m, (i + 3) * m];
      const [b0, b1, b2, b3] = [j * m, (j + 1) * m, (j + 2) * m, (j + 3) * m];
      let [s00, s01, s02, s03, s10, s11, s12, s13] = [0, 0, 0, 0, 0, 0, 0, 0];
      let [s20, s21, s22, s23, s30, s31, s32, s33] = [0, 0, 0, 0, 0, 0, 0, 0];
      for (let k = 0; k < m; k++) {
        const x0 = g[a0 + k]!;
        const x1 = g[a1 + k]!;
        const x2 = g[a2 + k]!;
        const x3 = g[a3 + k]!;
        const y0 = g[b0 + k]!;
        const y1 = g[b1 + k]!;
        const y2 = g[b2 + k]!;
        const y3 = g[b3 + k]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      const tile = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
      // A diagonal tile also holds entries above the diagonal: harmless, the factorization reads below it only.
      for (let r = 0; r < TILE; r++) for (let c = 0; c < TILE; c++) s[(i + r) * n + j + c] = tile[r * TILE + c]!;
    }
  }
  // Rows past the last whole tile, one dot product each.
  for (let i = full; i < n; i++) for (let j = 0; j <= i; j++) s[i * n + j] = dot(g, i * m, j * m, m);
  return s;
}

/** Q = L⁻¹·G by forward substitution, four rows of Q against four earlier rows at a time. */
function solveLower(l: Float64Array, g: Float64Array, n: number, m: number): Float64Array {
  const q = Float64Array.from(g);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const rows = Math.min(TILE, n - i0);
    // Everything before this block (whole tiles, i0 being a multiple of 4): four earlier rows of Q at a time, each
    // value loaded once for the block's four rows.
    for (let j = 0; j < i0; j += TILE) {
      const c = (r: number, k: number) => (r < rows ? l[(i0 + r) * n + j + k]! : 0);
      const [c00, c01, c02, c03, c10, c11, c12, c13] = [c(0, 0), c(0, 1), c(0, 2), c(0, 3), c(1, 0), c(1, 1), c(1, 2), c(1, 3)];
      const [c20, c21, c22, c23, c30, c31, c32, c33] = [c(2, 0), c(2, 1), c(2, 2), c(2, 3), c(3, 0), c(3, 1), c(3, 2), c(3, 3)];
      const [b0, b1, b2, b3] = [j * m, (j + 1) * m, (j + 2) * m, (j + 3) * m];
      // A block short of four rows updates only its own (the rest of q is past the end or already final).
      const t = (r: number) => (r < rows ? (i0 + r) * m : -1);
      const [t0, t1, t2, t3] = [t(0), t(1), t(2), t(3)];
      if (rows === TILE) {
        for (let k = 0; k < m; k++) {
          const y0 = q[b0 + k]!;
          const y1 = q[b1 + k]!;
          const y2 = q[b2 + k]!;
          const y3 = q[b3 + k]!;
          q[t0 + k]! -= c00 * y0 + c01 * y1 + c02 * y2 + c03 * y3;
          q[t1 + k]! -= c10 * y0 + c11 * y1 + c12 * y2 + c13 * y3;
          q[t2 + k]! -= c20 * y0 + c21 * y1 + c22 * y2 + c23 * y3;
          q[t3 + k]! -= c30 * y0 + c31 * y1 + c32 * y2 + c33 * y3;
        }
      } else {
        const coefficients = [
          [c00, c01, c02, c03],
          [c10, c11, c12, c13],
          [c20, c21, c22, c23],
        ];
        for (let r = 0; r < rows; r++) {
          const [a0, a1, a2, a3] = coefficients[r]!;
          const tr = [t0, t1, t2][r]!;
          for (let k = 0; k < m; k++) q[tr + k]! -= a0! * q[b0 + k]! + a1! * q[b1 + k]! + a2! * q[b2 + k]! + a3! * q[b3 + k]!;
        }
      }
    }
    // Within the block, row by row.
    for (let r = 0; r < rows; r++) {
      const i = i0 + r;
      for (let j = i0; j < i; j++) axpy(q, -l[i * n + j]!, j * m, i * m, m);
      const inv = 1 / l[i * n + i]!;
      for (let k = i * m; k < (i + 1) * m; k++) q[k]! *= inv;
    }
  }
  return q;
}

/** Modified Gram–Schmidt on G's rows: the fallback for a G too ill-conditioned for Cholesky QR. */
export function gramSchmidt(g: Float64Array, n: number, m: number): Float64Array {
  const q = Float64Array.from(g);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) axpy(q, -dot(q, i * m, j * m, m), j * m, i * m, m);
    const inv = 1 / Math.sqrt(dot(q, i * m, i * m, m));
    for (let k = i * m; k < (i + 1) * m; k++) q[k]! *= inv;
  }
  return q;
}

function dot(a: Float64Array, x: number, y: number, m: number): number {
  let s = 0;
  for (let k = 0; k < m; k++) s += a[x + k]! * a[y + k]!;
  return s;
}

/** a[y …] += c · a[x …] over m values. */
function axpy(a: Float64Array, c: number, x: number, y: number, m: number): void {
  for (let k = 0; k < m; k++) a[y + k]! += c * a[x + k]!;
}
