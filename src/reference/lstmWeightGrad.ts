/**
 * Float64 twin of shaders/lstmWeightGrad.wgsl: from dG [R, u] vec4 (gate-interleaved: column 4j + gate), h_prev
 * [R, u] and x [R, F], dU = h_prevᵀ·dG, dW = xᵀ·dG and db = Σ_r dG, each stored in Keras order (column g·u + j).
 */
export function lstmWeightGrad(h: ArrayLike<number>, x: ArrayLike<number>, dg: ArrayLike<number>, rows: number, units: number, features: number) {
  const u4 = 4 * units;
  const dU = new Float64Array(units * u4);
  const dW = new Float64Array(features * u4);
  const db = new Float64Array(u4);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      for (let g = 0; g < 4; g++) {
        const d = dg[r * u4 + 4 * j + g]!;
        const col = g * units + j;
        db[col] += d;
        for (let i = 0; i < units; i++) dU[i * u4 + col] += h[r * units + i]! * d;
        for (let f = 0; f < features; f++) dW[f * u4 + col] += x[r * features + f]! * d;
      }
    }
  }
  return { dU, dW, db };
}
