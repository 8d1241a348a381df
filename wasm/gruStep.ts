/**
 * The GRU forward pass in WebAssembly SIMD (f32x4): the CPU path's twin of shaders/gruStep.wgsl, checked against
 * the same float64 reference (src/reference/gruStep.ts) by test/gruStep.wasm.test.ts. Keras's GRUCell, gate
 * order z, r, h in every 3·units-wide block:
 *
 *     XW = X·W + b_input                          gemm(), every timestep at once
 *     z = σ(XW_z + h·U_z + b_z)   r = σ(XW_r + h·U_r + b_r)      (b: the recurrent bias, resetAfter only)
 *     resetAfter:   hh = act(XW_h + r ⊙ (h·U_h + b_h))         gruStep(): one pass over U per four units
 *     reset before: hh = act(XW_h + (r ⊙ h)·U_h)               gruGates() for every unit, then gruCandidate()
 *     h' = z ⊙ h + (1 − z) ⊙ hh
 *
 * Layouts as wasm/lstmStep.ts's (units padded to a multiple of 4 with zero weights). gruStep keeps 2 rows × 3
 * gates of accumulators; the reset-before pair runs a row at a time (its candidate needs every unit's r first).
 */
import { activate } from './lib/activations';

export { gemm } from './lib/gemm';

/**
 * One resetAfter timestep for `rows` rows: XW_t [rows, 3·units], h_{t−1} → h_t (not overlapping); `bias` the
 * recurrent bias [3·units] or 0. Training passes `cache` [rows, 4·units]: z, r, hh and n = h·U_h + b_h are kept
 * there for wasm/gruStepBackward.ts; 0 keeps nothing.
 */
export function gruStep(xw: usize, u: usize, bias: usize, hPrev: usize, h: usize, rows: i32, units: i32, act: i32, gateAct: i32, cache: usize): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes * 3;
  const cacheRow = unitBytes << 2;
  for (let b = 0; b < rows; b += 2) {
    const two = b + 1 < rows;
    const h0 = hPrev + <usize>b * unitBytes;
    // A lone last row reads its own h twice and stores once.
    const h1 = two ? h0 + unitBytes : h0;
    const x0 = xw + <usize>b * gateRow;
    const x1 = two ? x0 + gateRow : x0;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      const bz = bias ? v128.load(bias + j) : f32x4.splat(0);
      const br = bias ? v128.load(bias + unitBytes + j) : f32x4.splat(0);
      const bh = bias ? v128.load(bias + 2 * unitBytes + j) : f32x4.splat(0);
      let z0 = f32x4.add(v128.load(x0 + j), bz);
      let r0 = f32x4.add(v128.load(x0 + unitBytes + j), br);
      let n0 = bh;
      let z1 = f32x4.add(v128.load(x1 + j), bz);
      let r1 = f32x4.add(v128.load(x1 + unitBytes + j), br);
      let n1 = bh;
      let uk = u + j;
      for (let p: usize = 0; p < unitBytes; p += 4) {
        const uz = v128.load(uk);
        const ur = v128.load(uk + unitBytes);
        const un = v128.load(uk + 2 * unitBytes);
        uk += gateRow;
        let hk = v128.load32_splat(h0 + p);
        z0 = f32x4.add(z0, f32x4.mul(hk, uz));
        r0 = f32x4.add(r0, f32x4.mul(hk, ur));
        n0 = f32x4.add(n0, f32x4.mul(hk, un));
        hk = v128.load32_splat(h1 + p);
        z1 = f32x4.add(z1, f32x4.mul(hk, uz));
        r1 = f32x4.add(r1, f32x4.mul(hk, ur));
        n1 = f32x4.add(n1, f32x4.mul(hk, un));
      }
      const at = <usize>b * unitBytes + j;
      const kept = cache ? cache + <usize>b * cacheRow + j : 0;
      mix(z0, r0, n0, x0 + 2 * unitBytes + j, hPrev + at, h + at, act, gateAct, kept, unitBytes);
      if (two) mix(z1, r1, n1, x1 + 2 * unitBytes + j, h0 + unitBytes + j, h + at + unitBytes, act, gateAct, kept ? kept + cacheRow : 0, unitBytes);
    }
  }
}

/**
 * Reset before, first half: z [rows, units] = σ(XW_z + h·U_z) and rh [rows, units] = σ(XW_r + h·U_r) ⊙ h. Training
 * passes `cache` [rows, 4·units]: z, r and rh are kept in its blocks 0, 1 and 3 (gruCandidate keeps hh in block 2).
 */
export function gruGates(xw: usize, u: usize, hPrev: usize, z: usize, rh: usize, rows: i32, units: i32, gateAct: i32, cache: usize): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes * 3;
  for (let b = 0; b < rows; b++) {
    const hRow = hPrev + <usize>b * unitBytes;
    const x = xw + <usize>b * gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      let zz = v128.load(x + j);
      let rr = v128.load(x + unitBytes + j);
      let uk = u + j;
      for (let p: usize = 0; p < unitBytes; p += 4) {
        const hk = v128.load32_splat(hRow + p);
        zz = f32x4.add(zz, f32x4.mul(hk, v128.load(uk)));
        rr = f32x4.add(rr, f32x4.mul(hk, v128.load(uk + unitBytes)));
        uk += gateRow;
      }
      const at = <usize>b * unitBytes + j;
      const zv = activate(zz, gateAct);
      const rv = activate(rr, gateAct);
      const rhv = f32x4.mul(rv, v128.load(hRow + j));
      v128.store(z + at, zv);
      v128.store(rh + at, rhv);
      if (cache) {
        const kept = cache + ((<usize>b * unitBytes) << 2) + j;
        v128.store(kept, zv);
        v128.store(kept + unitBytes, rv);
        v128.store(kept + 3 * unitBytes, rhv);
      }
    }
  }
}

/** Reset before, second half: hh = act(XW_h + rh·U_h), h' = z ⊙ h + (1 − z) ⊙ hh, from gruGates' z and rh; hh kept in `cache` if given. */
export function gruCandidate(xw: usize, u: usize, rh: usize, z: usize, hPrev: usize, h: usize, rows: i32, units: i32, act: i32, cache: usize): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes * 3;
  for (let b = 0; b < rows; b++) {
    const rhRow = rh + <usize>b * unitBytes;
    const x = xw + <usize>b * gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      let n = v128.load(x + 2 * unitBytes + j);
      let uk = u + 2 * unitBytes + j;
      for (let p: usize = 0; p < unitBytes; p += 4) {
        n = f32x4.add(n, f32x4.mul(v128.load32_splat(rhRow + p), v128.load(uk)));
        uk += gateRow;
      }
      const at = <usize>b * unitBytes + j;
      const zz = v128.load(z + at);
      const hh = activate(n, act);
      v128.store(h + at, f32x4.add(f32x4.mul(zz, v128.load(hPrev + at)), f32x4.mul(f32x4.sub(f32x4.splat(1), zz), hh)));
      if (cache) v128.store(cache + ((<usize>b * unitBytes) << 2) + 2 * unitBytes + j, hh);
    }
  }
}

/** resetAfter's end of a step for four units: hh = act(XW_h + r ⊙ n), h' = z ⊙ h + (1 − z) ⊙ hh; z, r, hh, n kept if asked. */
function mix(zPre: v128, rPre: v128, n: v128, xh: usize, hPrev: usize, h: usize, act: i32, gateAct: i32, kept: usize, unitBytes: usize): void {
  const z = activate(zPre, gateAct);
  const r = activate(rPre, gateAct);
  const hh = activate(f32x4.add(v128.load(xh), f32x4.mul(r, n)), act);
  v128.store(h, f32x4.add(f32x4.mul(z, v128.load(hPrev)), f32x4.mul(f32x4.sub(f32x4.splat(1), z), hh)));
  if (kept) {
    v128.store(kept, z);
    v128.store(kept + unitBytes, r);
    v128.store(kept + 2 * unitBytes, hh);
    v128.store(kept + 3 * unitBytes, n);
  }
}
