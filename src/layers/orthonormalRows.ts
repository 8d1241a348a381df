/**
 * The orthogonal initializer's core: n orthonormal rows of length m (n ≤ m) from a Gaussian G [n, m], the Q of
 * G = L·Q with L lower triangular and positive on its diagonal — what Gram–Schmidt on G's rows gives, and Keras's
 * sign convention (its QR of Gᵀ with R's diagonal made positive).
 *
 * Gram–Schmidt on a wide recurrent kernel ([u, 4u]: 8u³ flops, 8.6 GFLOP at 1024 units) streams every earlier row
 * through memory for each new one. Cholesky QR does the same arithmetic as two blocked passes that reuse what
 * they load — S = G·Gᵀ, S = L·Lᵀ, Q = L⁻¹·G — in WebAssembly SIMD (wasm/orthonormalRows.ts; timings in
 * bench/results/orthogonal.md). Its error grows with cond(G)² (Gaussian rows are well conditioned:
 * cond ≈ (√m + √n)/(√m − √n), 3 for [u, 4u]); when the factor shows a badly conditioned G, a second pass on Q
 * (Cholesky QR2) restores orthogonality, and if the Cholesky factorization breaks down, or WebAssembly cannot run
 * here (a page whose Content-Security-Policy forbids it), Gram–Schmidt does the job. Float64 throughout.
 */
import { instantiateWasm } from '../cpu/wasmInstance';
import { orthonormalRowsWasm } from '../wasm/orthonormalRows';

/** Orthonormal rows of `g` ([n, m], row-major, n ≤ m), as described above; `g` is left unchanged. */
export function orthonormalRows(g: Float64Array, n: number, m: number): Float64Array {
  return choleskyQr(g, n, m) ?? gramSchmidt(g, n, m);
}

/** wasm/orthonormalRows.ts's exports (src/model/ridgeSolve.ts factors with choleskyRow too). */
export interface CholeskyQrKernels {
  memory: WebAssembly.Memory;
  gramRows(g: number, s: number, i: number, rows: number, stride: number): void;
  choleskyRow(s: number, i: number, rows: number): number;
  solveRows(l: number, q: number, i: number, rows: number, stride: number): void;
}

/**
 * Cholesky QR, twice where the first factor shows a badly conditioned G (its diagonal's spread past 1e3 leaves
 * ~1e-10 off orthogonality); null where the factorization breaks down (G numerically rank-deficient, or L's
 * diagonal spread past 1e7) or WebAssembly is unavailable. The kernels take G padded (see
 * wasm/orthonormalRows.ts): rows to a multiple of 4, each padded row a unit vector on a padded column, the stride
 * to a multiple of 2. They do a block of rows per call (why: the same file).
 */
function choleskyQr(g: Float64Array, n: number, m: number): Float64Array | null {
  const rows = Math.ceil(n / 4) * 4;
  const stride = Math.ceil((m + rows - n) / 2) * 2;
  const qAt = rows * rows * 8; // S first, then G (a multiple of 128 bytes: aligned)
  const k = instantiate(qAt + rows * stride * 8);
  if (!k) return null;
  const q = new Float64Array(k.memory.buffer, qAt, rows * stride);
  for (let i = 0; i < n; i++) q.set(g.subarray(i * m, (i + 1) * m), i * stride);
  for (let i = n; i < rows; i++) q[i * stride + m + i - n] = 1;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < rows; i += 4) k.gramRows(qAt, 0, i, rows, stride);
    let [lo, hi] = [Infinity, 0];
    for (let i = 0; i < rows; i++) {
      const lii = k.choleskyRow(0, i, rows);
      if (lii < 0) return null;
      if (i < n) [lo, hi] = [Math.min(lo, lii), Math.max(hi, lii)];
    }
    if (lo / hi < 1e-7) return null;
    for (let i = 0; i < rows; i += 4) k.solveRows(0, qAt, i, rows, stride);
    if (hi / lo < 1e3) break;
  }
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) out.set(q.subarray(i * stride, i * stride + m), i * m);
  return out;
}

/** The kernels on a fresh memory of `bytes` (src/cpu/wasmInstance.ts); null where WebAssembly cannot run here. */
function instantiate(bytes: number): CholeskyQrKernels | null {
  try {
    return instantiateWasm<Omit<CholeskyQrKernels, 'memory'>>(orthonormalRowsWasm, bytes);
  } catch {
    // No WebAssembly (a CSP without 'wasm-unsafe-eval'), or more memory than a 32-bit module has.
    return null;
  }
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
