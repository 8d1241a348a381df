/**
 * The LSTM forward pass in WebAssembly SIMD (f32x4): the CPU path's twin of shaders/lstmStep.wgsl, checked
 * against the same float64 reference (src/reference/lstmStep.ts) by test/lstmStep.wasm.test.ts.
 *
 *     XW = X·W + b                       gemm()      every timestep's input projection at once
 *     z_t = XW_t + h_{t−1}·U             lstmStep()  one call per timestep:
 *     i = σ(z_i)  f = σ(z_f)  g = act(z_g)  o = σ(z_o)
 *     c_t = f ⊙ c_{t−1} + i ⊙ g           the gates and the cell update fused, four units at a time
 *     h_t = o ⊙ act(c_t)
 *
 * Layouts (float32, row-major). Units are padded by the caller to `units`, a multiple of 4; the gate blocks keep
 * Keras's order i, f, g, o, each `units` wide, so a row of U or XW is 4·units. A padded unit has zero weights in
 * and out: it never reaches a real one. Activation ids are shaders/activations.wgsl's: tanh 0, relu 1, sigmoid 2,
 * linear 3, hardSigmoid 4.
 *
 * Why these tiles: V8 gives SIMD code 16 vector registers on x64. gemm's 4×8 tile keeps 8 accumulators, 2 loaded
 * vectors of B and one broadcast of A; lstmStep's 2 rows × 4 gates keep 8 accumulators, 4 vectors of U, 2
 * broadcasts of h. exp is a polynomial on vectors (range reduction to [−ln2/2, ln2/2], degree 6: ~1 ulp), since a
 * call to a scalar exp per gate would cost more than the products.
 */
import { activate } from './lib/activations';

export { gemm } from './lib/gemm';

/**
 * One timestep for `rows` batch rows: from XW_t [rows, 4·units], h_{t−1} [rows, units] and c [rows, units]
 * (updated in place) to h_t [rows, units]. h_t must not overlap h_{t−1}. Training passes `gates` [rows, 4·units]:
 * the activated i, f, g, o are kept there for the backward pass (wasm/lstmStepBackward.ts); 0 keeps nothing.
 */
export function lstmStep(xw: usize, u: usize, hPrev: usize, c: usize, h: usize, rows: i32, units: i32, act: i32, gateAct: i32, gates: usize): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes << 2;
  let b = 0;
  for (; b + 2 <= rows; b += 2) {
    const h0 = hPrev + <usize>b * unitBytes;
    const h1 = h0 + unitBytes;
    const x0 = xw + <usize>b * gateRow;
    const x1 = x0 + gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      let i0 = v128.load(x0 + j);
      let f0 = v128.load(x0 + unitBytes + j);
      let g0 = v128.load(x0 + 2 * unitBytes + j);
      let o0 = v128.load(x0 + 3 * unitBytes + j);
      let i1 = v128.load(x1 + j);
      let f1 = v128.load(x1 + unitBytes + j);
      let g1 = v128.load(x1 + 2 * unitBytes + j);
      let o1 = v128.load(x1 + 3 * unitBytes + j);
      let uk = u + j;
      for (let p: usize = 0; p < unitBytes; p += 4) {
        const ui = v128.load(uk);
        const uf = v128.load(uk + unitBytes);
        const ug = v128.load(uk + 2 * unitBytes);
        const uo = v128.load(uk + 3 * unitBytes);
        uk += gateRow;
        let hk = v128.load32_splat(h0 + p);
        i0 = f32x4.add(i0, f32x4.mul(hk, ui));
        f0 = f32x4.add(f0, f32x4.mul(hk, uf));
        g0 = f32x4.add(g0, f32x4.mul(hk, ug));
        o0 = f32x4.add(o0, f32x4.mul(hk, uo));
        hk = v128.load32_splat(h1 + p);
        i1 = f32x4.add(i1, f32x4.mul(hk, ui));
        f1 = f32x4.add(f1, f32x4.mul(hk, uf));
        g1 = f32x4.add(g1, f32x4.mul(hk, ug));
        o1 = f32x4.add(o1, f32x4.mul(hk, uo));
      }
      const at = <usize>b * unitBytes + j;
      const kept = gates ? gates + <usize>b * gateRow + j : 0;
      update(i0, f0, g0, o0, c + at, h + at, act, gateAct, kept, unitBytes);
      update(i1, f1, g1, o1, c + at + unitBytes, h + at + unitBytes, act, gateAct, kept ? kept + gateRow : 0, unitBytes);
    }
  }
  if (b < rows) {
    const h0 = hPrev + <usize>b * unitBytes;
    const x0 = xw + <usize>b * gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      let i0 = v128.load(x0 + j);
      let f0 = v128.load(x0 + unitBytes + j);
      let g0 = v128.load(x0 + 2 * unitBytes + j);
      let o0 = v128.load(x0 + 3 * unitBytes + j);
      let uk = u + j;
      for (let p: usize = 0; p < unitBytes; p += 4) {
        const hk = v128.load32_splat(h0 + p);
        i0 = f32x4.add(i0, f32x4.mul(hk, v128.load(uk)));
        f0 = f32x4.add(f0, f32x4.mul(hk, v128.load(uk + unitBytes)));
        g0 = f32x4.add(g0, f32x4.mul(hk, v128.load(uk + 2 * unitBytes)));
        o0 = f32x4.add(o0, f32x4.mul(hk, v128.load(uk + 3 * unitBytes)));
        uk += gateRow;
      }
      const at = <usize>b * unitBytes + j;
      update(i0, f0, g0, o0, c + at, h + at, act, gateAct, gates ? gates + <usize>b * gateRow + j : 0, unitBytes);
    }
  }
}

/** The cell update of four units from their gate pre-activations: c in place, h written, the gates kept if asked. */
function update(zi: v128, zf: v128, zg: v128, zo: v128, c: usize, h: usize, act: i32, gateAct: i32, kept: usize, unitBytes: usize): void {
  const i = activate(zi, gateAct);
  const f = activate(zf, gateAct);
  const g = activate(zg, act);
  const o = activate(zo, gateAct);
  const ct = f32x4.add(f32x4.mul(f, v128.load(c)), f32x4.mul(i, g));
  v128.store(c, ct);
  v128.store(h, f32x4.mul(o, activate(ct, act)));
  if (kept) {
    v128.store(kept, i);
    v128.store(kept + unitBytes, f);
    v128.store(kept + 2 * unitBytes, g);
    v128.store(kept + 3 * unitBytes, o);
  }
}
