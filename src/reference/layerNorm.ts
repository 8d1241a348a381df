/** Float64 twin of shaders/layerNorm.wgsl: LayerNormalization over the last axis of rows × cols, and its gradients. */
export interface LayerNormInputs {
  x: ArrayLike<number>;
  gamma: ArrayLike<number>;
  beta: ArrayLike<number>;
  rows: number;
  cols: number;
  epsilon: number;
}

function rowStats(a: LayerNormInputs, row: number): { mean: number; r: number } {
  let mean = 0;
  for (let j = 0; j < a.cols; j++) mean += a.x[row * a.cols + j]!;
  mean /= a.cols;
  let squares = 0;
  for (let j = 0; j < a.cols; j++) squares += (a.x[row * a.cols + j]! - mean) ** 2;
  return { mean, r: 1 / Math.sqrt(squares / a.cols + a.epsilon) };
}

export function layerNormForward(a: LayerNormInputs): Float64Array {
  const y = new Float64Array(a.rows * a.cols);
  for (let row = 0; row < a.rows; row++) {
    const { mean, r } = rowStats(a, row);
    for (let j = 0; j < a.cols; j++) y[row * a.cols + j] = a.gamma[j]! * (a.x[row * a.cols + j]! - mean) * r + a.beta[j]!;
  }
  return y;
}

export function layerNormBackward(a: LayerNormInputs, dy: ArrayLike<number>): { dx: Float64Array; dGamma: Float64Array; dBeta: Float64Array } {
  const dx = new Float64Array(a.rows * a.cols);
  const dGamma = new Float64Array(a.cols);
  const dBeta = new Float64Array(a.cols);
  for (let row = 0; row < a.rows; row++) {
    const { mean, r } = rowStats(a, row);
    const xhat = Array.from({ length: a.cols }, (_, j) => (a.x[row * a.cols + j]! - mean) * r);
    const g = xhat.map((_, j) => dy[row * a.cols + j]! * a.gamma[j]!);
    const gMean = g.reduce((s, v) => s + v, 0) / a.cols;
    const gxMean = g.reduce((s, v, j) => s + v * xhat[j]!, 0) / a.cols;
    for (let j = 0; j < a.cols; j++) {
      dx[row * a.cols + j] = r * (g[j]! - gMean - xhat[j]! * gxMean);
      dGamma[j]! += dy[row * a.cols + j]! * xhat[j]!;
      dBeta[j]! += dy[row * a.cols + j]!;
    }
  }
  return { dx, dGamma, dBeta };
}
