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

/**
 * Loss gradients dP of the training-step kernels: each element is a few float32 operations (an exp, a log, a
 * division by Σp) scaled by 1/(rows·cols), so relative 1e-5; the absolute part covers the cancellation in
 * σ(x) − y and softmax − y (about 1e-7 before the 1/rows scale).
 */
export const LOSS_GRADIENT: Tolerance = { atol: 1e-8, rtol: 1e-5 };

/**
 * Sums added into the accumulator (losses, metrics, penalties) over up to a few thousand rows or blocks: the
 * GPU adds in a fixed tree order in float32, the reference sequentially in float64.
 */
export const ACCUMULATED_SUM: Tolerance = { atol: 1e-5, rtol: 1e-5 };

/**
 * Gradients after a regularizer or clipping: one or two float32 roundings per element, and for the norm modes
 * one factor from a float32 sum of up to 100 000 squares (relative error of a few 1e-7).
 */
export const GRADIENT_UPDATE: Tolerance = { atol: 1e-7, rtol: 1e-5 };

/**
 * Params after 5 optimizer steps (the reference runs on the float32-rounded hyperparameters the GPU holds):
 * each step rounds w to float32, ≤ 3e-8 for |w| < 1, so 1e-5 relative with 1e-6 absolute for w near 0.
 */
export const OPTIMIZER_PARAMS: Tolerance = { atol: 1e-6, rtol: 1e-5 };

/**
 * Optimizer slots after 5 steps, relative to the slot's largest |element|: m sums gradients of both signs
 * (β-weighted), so a small m carries the float32 rounding of the large terms (≈ 1e-8 for |g| ≤ 1); v is a sum
 * of positive terms and far more exact.
 */
export const OPTIMIZER_SLOTS_RELATIVE_TO_MAX = 1e-6;

/**
 * A whole model's gradient from one float32 SGD step against central differences of its float32 loss with step
 * 1e-2: the difference quotient's truncation error is about eps²·|f'''| (≤ 1e-4 here), its rounding error about
 * 1e-7·|loss| / 1e-2 = 1e-5.
 */
export const MODEL_FINITE_DIFFERENCE: Tolerance = { atol: 5e-4, rtol: 1e-2 };

/** PyTorch's float32 training steps against webrnn's: the same math, summed in other orders (measured ≤ 1e-7). */
export const TORCH_TRAINING: Tolerance = { atol: 1e-5, rtol: 1e-5 };
