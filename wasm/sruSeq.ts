/**
 * The SRU's element-wise recurrence (Lei et al. 2018) in WebAssembly SIMD (f32x4), forward and backward: the CPU
 * path's twin of shaders/sruSeq.wgsl, checked against the float64 reference (src/reference/sruSeq.ts) by
 * test/sruSeq.wasm.test.ts. The projections P = X·[W, W_f, W_r(, W_h)] come from one GEMM (wasm/dense.ts); each unit
 * then runs its own loop over time, four units per lane group:
 *
 *     f = σ(P_f + v_f ⊙ c̃ + b_f)     r = σ(P_r + v_r ⊙ c̃ + b_r)       c̃ = c_{t−1} ⊙ keep (recurrent dropout)
 *     c_t = f ⊙ c_{t−1} + (1 − f) ⊙ P_x̃     h_t = r ⊙ g(c_t) + (1 − r) ⊙ skip,  skip = x_t (3 blocks) or P_h (4)
 *
 * Backward, from dh (the output's gradient) and dc carried back, with f and r recomputed from the kept c:
 *
 *     dr = dh ⊙ (g − skip) ⊙ σ′(r)      dc̄ = dc + dh ⊙ r ⊙ g′      df = dc̄ ⊙ (c_{t−1} − P_x̃) ⊙ σ′(f)
 *     dP = [dc̄ ⊙ (1 − f), df, dr(, dh ⊙ (1 − r))]      dc_{t−1} = dc̄ ⊙ f + (df ⊙ v_f + dr ⊙ v_r) ⊙ keep
 *
 * Layouts (float32, units padded to Up, a multiple of 4, with zeros): P [B·T rows, batch-major][blocks][Up], skip
 * x [B·T][Up] (3 blocks), v and the bias [2][Up], c and h [B][Up], keep [B][Up], mask [B·T] (0: padding, whose step
 * keeps both states), the output [B·T, in processing order][Up], the kept c [T + 1][B][Up] (slot 0: c_0). A pointer
 * of 0 means none of it (no keep, no mask, no output sequence, nothing kept).
 */
import { activate, slope } from './lib/activations';

/** The forward pass of `rows` sequences of T steps; c and h are updated in place. */
export function sruForward(
  p: usize,
  skipX: usize,
  v: usize,
  bias: usize,
  c: usize,
  h: usize,
  keep: usize,
  mask: usize,
  out: usize,
  kept: usize,
  rows: i32,
  T: i32,
  units: i32,
  blocks: i32,
  act: i32,
  backwards: i32,
): void {
  const ub = (<usize>units) << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < rows; b++) {
    const cb = c + <usize>b * ub;
    const hb = h + <usize>b * ub;
    for (let s = 0; s < T; s++) {
      const t = backwards ? T - 1 - s : s;
      const at = <usize>(b * T + t);
      const outRow = out + <usize>(b * T + s) * ub;
      const keptRow = kept + <usize>((s + 1) * rows + b) * ub;
      if (mask != 0 && load<f32>(mask + (at << 2)) == 0) {
        // Padding: both states stay; the output repeats h, the kept c repeats c.
        if (out != 0) memory.copy(outRow, hb, ub);
        if (kept != 0) memory.copy(keptRow, cb, ub);
        continue;
      }
      const row = p + at * <usize>blocks * ub;
      const skipRow = blocks == 3 ? skipX + at * ub : row + 3 * ub;
      for (let j: usize = 0; j < ub; j += 16) {
        const cPrev = v128.load(cb + j);
        const cRec = keep != 0 ? f32x4.mul(cPrev, v128.load(keep + <usize>b * ub + j)) : cPrev;
        const f = gate(row + ub + j, v + j, bias + j, cRec);
        const r = gate(row + 2 * ub + j, v + ub + j, bias + ub + j, cRec);
        const cNew = f32x4.add(f32x4.mul(f, cPrev), f32x4.mul(f32x4.sub(one, f), v128.load(row + j)));
        const hNew = f32x4.add(f32x4.mul(r, activate(cNew, act)), f32x4.mul(f32x4.sub(one, r), v128.load(skipRow + j)));
        v128.store(cb + j, cNew);
        v128.store(hb + j, hNew);
        if (out != 0) v128.store(outRow + j, hNew);
        if (kept != 0) v128.store(keptRow + j, cNew);
      }
    }
  }
}

/**
 * Backpropagation through time over a forward pass that kept c: dh and dc [B][Up] start as the final states'
 * gradients (the caller's; dh the output's when it is the last step only), dOut [B·T][Up] the output sequence's
 * (0: none). Writes dP (and dSkipX for 3 blocks) at every real step, which the caller zeroed; adds into dV and
 * dBias [2][Up].
 */
export function sruBackward(
  p: usize,
  skipX: usize,
  v: usize,
  bias: usize,
  keep: usize,
  mask: usize,
  kept: usize,
  dOut: usize,
  dh: usize,
  dc: usize,
  dP: usize,
  dSkipX: usize,
  dV: usize,
  dBias: usize,
  rows: i32,
  T: i32,
  units: i32,
  blocks: i32,
  act: i32,
  backwards: i32,
): void {
  const ub = (<usize>units) << 2;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  for (let b = 0; b < rows; b++) {
    const dhb = dh + <usize>b * ub;
    const dcb = dc + <usize>b * ub;
    for (let s = T - 1; s >= 0; s--) {
      const t = backwards ? T - 1 - s : s;
      const at = <usize>(b * T + t);
      if (dOut != 0) {
        const from = dOut + <usize>(b * T + s) * ub;
        for (let j: usize = 0; j < ub; j += 16) v128.store(dhb + j, f32x4.add(v128.load(dhb + j), v128.load(from + j)));
      }
      if (mask != 0 && load<f32>(mask + (at << 2)) == 0) continue; // the step kept both states: dh and dc go on whole
      const row = p + at * <usize>blocks * ub;
      const dRow = dP + at * <usize>blocks * ub;
      const skipRow = blocks == 3 ? skipX + at * ub : row + 3 * ub;
      const dSkipRow = blocks == 3 ? dSkipX + at * ub : dRow + 3 * ub;
      const cPrevRow = kept + <usize>(s * rows + b) * ub;
      const cNewRow = kept + <usize>((s + 1) * rows + b) * ub;
      for (let j: usize = 0; j < ub; j += 16) {
        const cPrev = v128.load(cPrevRow + j);
        const k = keep != 0 ? v128.load(keep + <usize>b * ub + j) : one;
        const cRec = f32x4.mul(cPrev, k);
        const vf = v128.load(v + j);
        const vr = v128.load(v + ub + j);
        const f = gate(row + ub + j, v + j, bias + j, cRec);
        const r = gate(row + 2 * ub + j, v + ub + j, bias + ub + j, cRec);
        const g = activate(v128.load(cNewRow + j), act);
        const dhj = v128.load(dhb + j);
        const dr = f32x4.mul(f32x4.mul(dhj, f32x4.sub(g, v128.load(skipRow + j))), slope(r, 2));
        const dct = f32x4.add(v128.load(dcb + j), f32x4.mul(f32x4.mul(dhj, r), slope(g, act)));
        const df = f32x4.mul(f32x4.mul(dct, f32x4.sub(cPrev, v128.load(row + j))), slope(f, 2));
        v128.store(dRow + j, f32x4.mul(dct, f32x4.sub(one, f)));
        v128.store(dRow + ub + j, df);
        v128.store(dRow + 2 * ub + j, dr);
        v128.store(dSkipRow + j, f32x4.mul(dhj, f32x4.sub(one, r)));
        v128.store(dV + j, f32x4.add(v128.load(dV + j), f32x4.mul(df, cRec)));
        v128.store(dV + ub + j, f32x4.add(v128.load(dV + ub + j), f32x4.mul(dr, cRec)));
        v128.store(dBias + j, f32x4.add(v128.load(dBias + j), df));
        v128.store(dBias + ub + j, f32x4.add(v128.load(dBias + ub + j), dr));
        v128.store(dcb + j, f32x4.add(f32x4.mul(dct, f), f32x4.mul(f32x4.add(f32x4.mul(df, vf), f32x4.mul(dr, vr)), k)));
        v128.store(dhb + j, zero);
      }
    }
  }
}

/** A gate, σ(P_g + v_g ⊙ c̃ + b_g), four units from the projection P_g, v_g and b_g at these addresses (-O3 inlines it). */
function gate(projection: usize, v: usize, bias: usize, cRec: v128): v128 {
  return activate(f32x4.add(f32x4.add(v128.load(projection), f32x4.mul(v128.load(v), cRec)), v128.load(bias)), 2);
}
