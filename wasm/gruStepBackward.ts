/**
 * The GRU backward pass in WebAssembly SIMD (f32x4): the CPU path's twin of the GPU's GRU backward kernels
 * (shaders/gruStep.wgsl), checked against the float64 reference (src/reference/gruStep.ts gruBackward) by
 * test/gruBackward.wasm.test.ts. One call per timestep from the last, on what the forward pass kept
 * (wasm/gruStep.ts with `cache`): z, r, the candidate hh, and n = h·U_h + b_h (resetAfter) or r ⊙ h (reset before).
 * From dh, the whole gradient reaching h_t:
 *
 *     da_z = dh ⊙ (h_{t−1} − hh) ⊙ σ′(z)      da_h = dh ⊙ (1 − z) ⊙ act′(hh)      dh_{t−1} += dh ⊙ z
 *
 *   resetAfter (hh = act(XW_h + r ⊙ n)):      gruStepBackward()
 *     dn = da_h ⊙ r      da_r = da_h ⊙ n ⊙ σ′(r)
 *     input side dzx = [da_z, da_r, da_h]; recurrent side dzh = [da_z, da_r, dn]: dh_{t−1} += dzh·Uᵀ
 *   reset before (hh = act(XW_h + (r ⊙ h)·U_h)):   gruBackwardGates(), then the caller's d(rh) = da_h·U_hᵀ,
 *     then gruBackwardReset():
 *     da_r = d(rh) ⊙ h_{t−1} ⊙ σ′(r)      dh_{t−1} += d(rh) ⊙ r
 *     dzx = [da_z, da_r, da_h]; dzh = [da_z, da_r, 0]: dh_{t−1} += dzh·Uᵀ (and dU_h = (r ⊙ h)ᵀ·da_h, by the caller)
 *
 * Layouts as wasm/gruStep.ts's; σ′ and act′ from the kept outputs (wasm/lib/activations.ts slope).
 */
import { slope } from './lib/activations';

/** resetAfter: one timestep back for `rows` rows, from the kept [z, r, hh, n] [rows, 4·units]. */
export function gruStepBackward(
  cache: usize,
  hPrev: usize,
  dh: usize,
  dzx: usize,
  dzh: usize,
  dhPrev: usize,
  rows: i32,
  units: i32,
  act: i32,
  gateAct: i32,
): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes * 3;
  for (let b = 0; b < rows; b++) {
    const row = <usize>b * unitBytes;
    const kept = cache + (row << 2);
    const x = dzx + <usize>b * gateRow;
    const y = dzh + <usize>b * gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      const z = v128.load(kept + j);
      const r = v128.load(kept + unitBytes + j);
      const hh = v128.load(kept + 2 * unitBytes + j);
      const n = v128.load(kept + 3 * unitBytes + j);
      const d = v128.load(dh + row + j);
      const daz = f32x4.mul(f32x4.mul(d, f32x4.sub(v128.load(hPrev + row + j), hh)), slope(z, gateAct));
      const dah = f32x4.mul(f32x4.mul(d, f32x4.sub(f32x4.splat(1), z)), slope(hh, act));
      const dar = f32x4.mul(f32x4.mul(dah, n), slope(r, gateAct));
      v128.store(x + j, daz);
      v128.store(x + unitBytes + j, dar);
      v128.store(x + 2 * unitBytes + j, dah);
      v128.store(y + j, daz);
      v128.store(y + unitBytes + j, dar);
      v128.store(y + 2 * unitBytes + j, f32x4.mul(dah, r));
      v128.store(dhPrev + row + j, f32x4.add(v128.load(dhPrev + row + j), f32x4.mul(d, z)));
    }
  }
}

/** Reset before, first half: da_z and da_h into dzx (da_z into dzh, its h block 0), da_h also into daH [rows, units]. */
export function gruBackwardGates(
  cache: usize,
  hPrev: usize,
  dh: usize,
  dzx: usize,
  dzh: usize,
  daH: usize,
  dhPrev: usize,
  rows: i32,
  units: i32,
  act: i32,
  gateAct: i32,
): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes * 3;
  for (let b = 0; b < rows; b++) {
    const row = <usize>b * unitBytes;
    const kept = cache + (row << 2);
    const x = dzx + <usize>b * gateRow;
    const y = dzh + <usize>b * gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      const z = v128.load(kept + j);
      const hh = v128.load(kept + 2 * unitBytes + j);
      const d = v128.load(dh + row + j);
      const daz = f32x4.mul(f32x4.mul(d, f32x4.sub(v128.load(hPrev + row + j), hh)), slope(z, gateAct));
      const dah = f32x4.mul(f32x4.mul(d, f32x4.sub(f32x4.splat(1), z)), slope(hh, act));
      v128.store(x + j, daz);
      v128.store(x + 2 * unitBytes + j, dah);
      v128.store(y + j, daz);
      v128.store(y + 2 * unitBytes + j, f32x4.splat(0));
      v128.store(daH + row + j, dah);
      v128.store(dhPrev + row + j, f32x4.add(v128.load(dhPrev + row + j), f32x4.mul(d, z)));
    }
  }
}

/** Reset before, second half, from d(rh) [rows, units] = da_h·U_hᵀ: da_r into dzx and dzh, dh_{t−1} += d(rh) ⊙ r. */
export function gruBackwardReset(cache: usize, hPrev: usize, dRh: usize, dzx: usize, dzh: usize, dhPrev: usize, rows: i32, units: i32, gateAct: i32): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes * 3;
  for (let b = 0; b < rows; b++) {
    const row = <usize>b * unitBytes;
    const kept = cache + (row << 2);
    for (let j: usize = 0; j < unitBytes; j += 16) {
      const r = v128.load(kept + unitBytes + j);
      const d = v128.load(dRh + row + j);
      const dar = f32x4.mul(f32x4.mul(d, v128.load(hPrev + row + j)), slope(r, gateAct));
      v128.store(dzx + <usize>b * gateRow + unitBytes + j, dar);
      v128.store(dzh + <usize>b * gateRow + unitBytes + j, dar);
      v128.store(dhPrev + row + j, f32x4.add(v128.load(dhPrev + row + j), f32x4.mul(d, r)));
    }
  }
}
