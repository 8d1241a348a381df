/**
 * The SimpleRNN forward pass in WebAssembly SIMD (f32x4): the CPU path's twin of shaders/simpleRnnStep.wgsl,
 * checked against the same float64 reference (src/reference/simpleRnnStep.ts) by test/simpleRnnStep.wasm.test.ts.
 *
 *     XW = X·W + b                  gemm(), every timestep at once
 *     h_t = act(XW_t + h_{t−1}·U)   simpleRnnStep(), one call per timestep (over U's non-zero blocks alone
 *                                   for a sparse reservoir)
 *
 * Layouts as wasm/lstmStep.ts's (units padded to a multiple of 4 with zero weights); 2 rows × 8 units of
 * accumulators.
 */
import { activate } from './lib/activations';

export { gemm } from './lib/gemm';

/**
 * One timestep for `rows` rows: XW_t [rows, units], h_{t−1} [rows, units] → h_t (not overlapping). `starts` 0: U is
 * dense. Otherwise U is mostly zeros (an echo-state reservoir) and only the rows p whose block U[p, 4 units] holds a
 * non-zero are multiplied: `starts` [units/4 + 1] (i32) says where each block's rows begin in `list` (i32 row
 * indices, ascending). The skipped products are exact zeros, so h_t is bit for bit the dense step's while h is
 * finite (a NaN or infinite h_{t−1} would reach, through 0·NaN, units the dense step spreads it to and this not).
 */
export function simpleRnnStep(xw: usize, u: usize, hPrev: usize, h: usize, rows: i32, units: i32, act: i32, starts: usize, list: usize): void {
  const unitBytes = (<usize>units) << 2;
  for (let b = 0; b < rows; b += 2) {
    const two = b + 1 < rows;
    const h0 = hPrev + <usize>b * unitBytes;
    const h1 = two ? h0 + unitBytes : h0;
    const x0 = xw + <usize>b * unitBytes;
    const x1 = two ? x0 + unitBytes : x0;
    let block = starts;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      let s0 = v128.load(x0 + j);
      let s1 = v128.load(x1 + j);
      if (starts == 0) {
        let uk = u + j;
        for (let p: usize = 0; p < unitBytes; p += 4) {
          const uj = v128.load(uk);
          uk += unitBytes;
          s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(h0 + p), uj));
          s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(h1 + p), uj));
        }
      } else {
        const end = list + ((<usize>load<i32>(block + 4)) << 2);
        for (let e = list + ((<usize>load<i32>(block)) << 2); e < end; e += 4) {
          const p = (<usize>load<i32>(e)) << 2;
          const uj = v128.load(u + p * units + j);
          s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(h0 + p), uj));
          s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(h1 + p), uj));
        }
        block += 4;
      }
      const at = <usize>b * unitBytes + j;
      v128.store(h + at, activate(s0, act));
      if (two) v128.store(h + at + unitBytes, activate(s1, act));
    }
  }
}
