/**
 * Named tolerances, each with its reason. The GPU computes in float32 against a float64 reference.
 */
import type { Tolerance } from './compare';

/** One timestep: a handful of float32 roundings per element (a dot product of ≤ 200 terms, an exp). */
export const STEP: Tolerance = { atol: 1e-5, rtol: 1e-5 };

/** A whole sequence: rounding errors of every step feed the next through h and c. */
export const SEQUENCE: Tolerance = { atol: 1e-4, rtol: 1e-4 };

/**
 * Gradients, relative to the largest gradient element: each is a sum over all timesteps and batch rows (up to
 * 1 920 terms) of products of saved float32 activations, so small elements carry the absolute error of big ones.
 */
export const GRADIENT_RELATIVE_TO_MAX = 1e-3;

/** Finite differences vs the analytic float64 gradient: central differences with step 1e-6 are exact to ~1e-9. */
export const FINITE_DIFFERENCE: Tolerance = { atol: 1e-6, rtol: 1e-6 };

/** A single GEMM or column sum: sums of up to a few thousand float32 products. */
export const GEMM: Tolerance = { atol: 1e-5, rtol: 1e-5 };
