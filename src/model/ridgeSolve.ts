/**
 * The float64 solve of model.fitRidge (./ridge.ts), on the host after the GPU has summed the Gram matrices. With an
 * intercept the features are z = [1; x]: (ZᵀZ + α·D) W = Zᵀ Y, D = diag(0, 1, …, 1), so the intercept is not shrunk
 * (as scikit-learn's Ridge). W is [1 + d, outputs]: its first row the bias, the rest the kernel.
 */
import { instantiateWasm } from '../cpu/wasmInstance';
import { ValueError } from '../errors';
import type { CholeskyQrKernels } from '../layers/orthonormalRows';
import { orthonormalRowsWasm } from '../wasm/orthonormalRows';

/** Sums over the rows of x [rows, d] and y [rows, outputs]: what the GPU accumulates. */
export interface RidgeSums {
  rows: number;
  d: number;
  outputs: number;
  /** Σ xᵀx [d, d], Σ x [d], Σ xᵀy [d, outputs], Σ y [outputs], Σ y² (all outputs). */
  xx: ArrayLike<number>;
  x: ArrayLike<number>;
  xy: ArrayLike<number>;
  y: ArrayLike<number>;
  yy: number;
}

/**
 * Solves the ridge system; returns the kernel [d, outputs], the bias [outputs] (zeros without an intercept), and the
 * training MSE. `who` names the caller in the error for a singular system (the forecast's linear baseline solves
 * its least squares here too).
 */
export function solveRidge(s: RidgeSums, alpha: number, intercept: boolean, who = 'fitRidge'): { kernel: Float64Array; bias: Float64Array; loss: number } {
  const { d, outputs: o } = s;
  const n = intercept ? d + 1 : d;
  const at = intercept ? 1 : 0;
  // A = ZᵀZ and B = ZᵀY over z = [1; x] (or x).
  const A = new Float64Array(n * n);
  const B = new Float64Array(n * o);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) A[(at + i) * n + at + j] = s.xx[i * d + j]!;
    for (let k = 0; k < o; k++) B[(at + i) * o + k] = s.xy[i * o + k]!;
  }
  if (intercept) {
    A[0] = s.rows;
    for (let i = 0; i < d; i++) A[at + i] = A[(at + i) * n] = s.x[i]!;
    for (let k = 0; k < o; k++) B[k] = s.y[k]!;
  }
  const shrunk = Float64Array.from(A);
  for (let i = at; i < n; i++) shrunk[i * n + i]! += alpha;
  const W = choleskySolve(shrunk, B, n, o, who);
  // MSE = (Σy² − 2 tr(WᵀB) + tr(WᵀAW)) / (rows · outputs), with the unshrunk A.
  let fit = 0;
  for (let k = 0; k < o; k++) {
    for (let i = 0; i < n; i++) {
      let aw = 0;
      for (let j = 0; j < n; j++) aw += A[i * n + j]! * W[j * o + k]!;
      fit += W[i * o + k]! * (aw - 2 * B[i * o + k]!);
    }
  }
  const loss = Math.max(0, (s.yy + fit) / (s.rows * o));
  return { kernel: W.slice(at * o), bias: intercept ? W.slice(0, o) : new Float64Array(o), loss };
}

/**
 * L with A = L·Lᵀ (row-major, lower triangle) for symmetric A [n, n], by wasm/orthonormalRows.ts's choleskyRow
 * (f64x2 dot products, about 3× the JavaScript loops at 400 features), or by those loops where WebAssembly cannot
 * run. Either way a pivot at or below 1e-12 of its diagonal entry's size (at least 1) is a singular Gram matrix.
 */
function choleskyFactor(A: Float64Array, n: number, who: string): Float64Array {
  const singular = (i: number, pivot: number) => {
    // Relative to the diagonal's size, so a scale change of the features does not change the verdict.
    if (!(pivot > 1e-12 * Math.max(1, Math.abs(A[i * n + i]!)))) {
      throw new ValueError(
        `${who}: the features' Gram matrix is singular at column ${i} (it depends on the others); use a ridge penalty > 0 or more rows than features`,
      );
    }
  };
  let k: CholeskyQrKernels | null;
  try {
    k = instantiateWasm<CholeskyQrKernels>(orthonormalRowsWasm, 8 * n * n);
  } catch {
    k = null; // no WebAssembly here (a CSP without 'wasm-unsafe-eval'), or no memory for it: the loops below
  }
  if (k) {
    const L = new Float64Array(k.memory.buffer, 0, n * n);
    L.set(A);
    for (let i = 0; i < n; i++) {
      const lii = k.choleskyRow(0, i, n);
      singular(i, lii < 0 ? lii : lii * lii);
    }
    for (let i = 0; i < n; i++) L.fill(0, i * n + i + 1, (i + 1) * n); // the upper triangle still holds A's
    return L.slice();
  }
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i * n + j]!;
      for (let q = 0; q < j; q++) sum -= L[i * n + q]! * L[j * n + q]!;
      if (i === j) {
        singular(i, sum);
        L[i * n + i] = Math.sqrt(sum);
      } else L[i * n + j] = sum / L[j * n + j]!;
    }
  }
  return L;
}

/** Solves A X = B for symmetric positive definite A [n, n], B [n, m]. */
function choleskySolve(A: Float64Array, B: Float64Array, n: number, m: number, who: string): Float64Array {
  const L = choleskyFactor(A, n, who);
  const X = Float64Array.from(B);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let sum = X[i * m + c]!;
      for (let k = 0; k < i; k++) sum -= L[i * n + k]! * X[k * m + c]!;
      X[i * m + c] = sum / L[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = X[i * m + c]!;
      for (let k = i + 1; k < n; k++) sum -= L[k * n + i]! * X[k * m + c]!;
      X[i * m + c] = sum / L[i * n + i]!;
    }
  }
  return X;
}
