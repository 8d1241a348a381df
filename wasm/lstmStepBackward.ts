/**
 * The LSTM backward pass in WebAssembly SIMD (f32x4): the CPU path's twin of shaders/lstmStepVec4Backward.wgsl,
 * checked against the float64 reference (src/reference/lstmStep.ts's backward) by test/lstmStep.wasm.test.ts.
 * Backpropagation through time, one call per timestep from the last, on what the forward pass kept (wasm/lstmStep.ts
 * with `gates`: the activated i, f, g, o of every step, and c of every step):
 *
 *     a = act(c_t)
 *     dc = dc_t + dh_t ⊙ o ⊙ act′(a)                  dc_t: what c_t gets from step t + 1
 *     dz_o = dh_t ⊙ a ⊙ σ′(o)      dz_i = dc ⊙ g ⊙ σ′(i)
 *     dz_g = dc ⊙ i ⊙ act′(g)      dz_f = dc ⊙ c_{t−1} ⊙ σ′(f)
 *     dc_{t−1} = dc ⊙ f                                  lstmStepBackward(), four units at a time
 *
 *     dh_{t−1} += dz_t · Uᵀ                              the forward module's gemm() with add = 1
 *
 * and after the last call, on every step at once: dW = Xᵀ·dZ, dU = H_{t−1}ᵀ·dZ, db = 1ᵀ·dZ, dX = dZ·Wᵀ (gemm() again;
 * the transposes laid out by src/cpu/recurrence.ts, which instantiates this module on the forward module's memory).
 * σ′ and act′ come from the kept outputs (wasm/lib/activations.ts slope). Layouts as wasm/lstmStep.ts's.
 */
import { activate, slope } from './lib/activations';

/**
 * One timestep back for `rows` rows: from the kept gates [rows, 4·units], c_{t−1} and c_t, dh_t and dc (the
 * gradient reaching c_t from later steps, replaced by the one reaching c_{t−1}) to dz [rows, 4·units].
 */
export function lstmStepBackward(gates: usize, cPrev: usize, c: usize, dh: usize, dc: usize, dz: usize, rows: i32, units: i32, act: i32, gateAct: i32): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes << 2;
  for (let b = 0; b < rows; b++) {
    const row = <usize>b * unitBytes;
    const kept = gates + <usize>b * gateRow;
    const out = dz + <usize>b * gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      const i = v128.load(kept + j);
      const f = v128.load(kept + unitBytes + j);
      const g = v128.load(kept + 2 * unitBytes + j);
      const o = v128.load(kept + 3 * unitBytes + j);
      const a = activate(v128.load(c + row + j), act);
      const dht = v128.load(dh + row + j);
      const dct = f32x4.add(v128.load(dc + row + j), f32x4.mul(f32x4.mul(dht, o), slope(a, act)));
      v128.store(out + j, f32x4.mul(f32x4.mul(dct, g), slope(i, gateAct)));
      v128.store(out + unitBytes + j, f32x4.mul(f32x4.mul(dct, v128.load(cPrev + row + j)), slope(f, gateAct)));
      v128.store(out + 2 * unitBytes + j, f32x4.mul(f32x4.mul(dct, i), slope(g, act)));
      v128.store(out + 3 * unitBytes + j, f32x4.mul(f32x4.mul(dht, a), slope(o, gateAct)));
      v128.store(dc + row + j, f32x4.mul(dct, f));
    }
  }
}
