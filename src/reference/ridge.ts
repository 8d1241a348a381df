/**
 * Float64 twin of model.fitRidge end to end, from the feature rows themselves: the sums the GPU accumulates
 * (shaders/crossProducts.wgsl), then the same solve (src/model/ridgeSolve.ts).
 */
import { solveRidge } from '../model/ridgeSolve';

export { solveRidge, type RidgeSums } from '../model/ridgeSolve';

/** The twin end to end: the sums from feature rows x [rows, d] and targets y [rows, outputs], then the solve. */
export function ridgeFromRows(x: ArrayLike<number>, y: ArrayLike<number>, rows: number, d: number, outputs: number, alpha: number, intercept = true) {
  const sums = {
    rows,
    d,
    outputs,
    xx: new Float64Array(d * d),
    x: new Float64Array(d),
    xy: new Float64Array(d * outputs),
    y: new Float64Array(outputs),
    yy: 0,
  };
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) {
      const xi = x[r * d + i]!;
      sums.x[i]! += xi;
      for (let j = 0; j < d; j++) sums.xx[i * d + j]! += xi * x[r * d + j]!;
      for (let k = 0; k < outputs; k++) sums.xy[i * outputs + k]! += xi * y[r * outputs + k]!;
    }
    for (let k = 0; k < outputs; k++) {
      sums.y[k]! += y[r * outputs + k]!;
      sums.yy += y[r * outputs + k]! ** 2;
    }
  }
  return solveRidge(sums, alpha, intercept);
}
