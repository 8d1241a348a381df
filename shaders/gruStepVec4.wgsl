// gruStepVec4.wgsl — what every file of the register-blocked GRU includes: its lane layout, its scratch, its
// override constants and the block indexing of its steps. It is the GRU of gruStep.wgsl (same equations, same
// results, CPU twin src/reference/gruStep.ts), register-blocked and laid out for vec4 loads like
// lstmStepVec4.wgsl: every per-unit quantity of a step is one vec4 per (row, unit). The kernels, each file with
// its own bindings from 0 and its host side in src/kernels/ under the same name (src/kernels/gruStepVec4.ts
// records the passes from them):
//
//   gruStepVec4Pack.wgsl        pack (the weights into the layout below); compactState.wgsl fills compact h_0
//   gruStepVec4Forward.wgsl     the forward steps: forward (reset_after); forward_zr, forward_candidate (reset_before)
//   gruStepVec4Backward.wgsl    the backward steps: backward (reset_after); backward_update, backward_reset
//                               (reset_before); initial_grad (dh0, once after the loop)
//   gruStepVec4WeightGrad.wgsl  after the backward loop: weight_grad and input_grad, or the GEMM path's unpack,
//                               unpack_split and bias_grad
//
// Their unrolled blocks (rows × lanes × pass) are written by the templates of shaders/blocks/gru.ts, expanded
// by the files' `//! generate` lines: change a block there, once, for every shape.
//
// The four lanes. A GRU has three gates, but the candidate has two sums that must stay apart (r multiplies only
// the recurrent one, reset_after) or of which one waits for the other step's dispatch (reset_before), so the
// lanes are (z, r, recurrent candidate, input candidate):
//   Up[k, j] = (Uz[k, j], Ur[k, j], Uh[k, j], 0)        the rows of h
//   Wp[f, j] = (Wz[f, j], Wr[f, j], 0, Wh[f, j])        the rows of x
//   bp[j]    = (bz_in + bz_rec, br_in + br_rec, bh_rec, bh_in)   reset_after
//              (bz, br, 0, bh)                                    reset_before (one bias, all in x·W + b)
// so s = bp + x_t·Wp + h_{t−1}·Up holds (z sum, r sum, n, xh) in one register: all four lanes used. The input
// GEMM X·Wp + bp writes xproj interleaved [T, B, u] vec4; with FUSED_INPUT (few features: the host decides)
// there is no input GEMM and a block's sums take x_t's F features like F more units of h.
//   saved gates [T, B, u] vec4:  reset_after (z, r, hh, n); reset_before (z, r, hh, xh)
//   gate gradients dG [T, B, u] vec4 = (dz, dr, dGh_h, da): lanes 0..2 against Up are exactly dGh·Uᵀ (Up's lane
//   3 is 0), lanes 0, 1, 3 against Wp exactly dGx·Wᵀ (Wp's lane 2 is 0). dGh_h is da·r (reset_after) or 0
//   (reset_before, whose candidate column of dU pairs da with R ⊙ H_{t−1}, not H_{t−1}: hcat [2, T, B, u] holds
//   [DA; R ⊙ H_{t−1}] here, da written by the backward steps and r ⊙ h by forward_candidate).
//
// Blocks: a step invocation owns batch rows b0..b0+3 (or b0..b0+7: the entries suffixed 8) × units j0..j0+3,
// and reads h_{t−1} from a compact copy `hc` [2, batch, up/4] vec4 (up = units rounded up to 4, zero-padded;
// two halves used in turn, compactState.wgsl fills the first), as in lstmStepVec4.wgsl; the block owns its
// rows' vec4 j0/4 of the compact copies and stores it whole (zeros past `units`). Every loop over rows, units
// and vector lanes is written out (SwiftShader compiles `v[s]` with a loop variable s as a dynamic vector
// index), and the recurrent sums take FMAs only on the lanes they use. reset_before's second products read a
// compact [batch, up/4] vec4 copy `cq` of r ⊙ h (forward) or da (backward), written by the first dispatch of
// the step, and Uh packed as vec4 over the output unit: Uhq[k, jq] = Uh[k, 4jq..4jq+3] and
// Uht[j, kq] = Uh[4kq..4kq+3, j] (zero past u). Rows past `batch`, units past `units` and k past `units` read
// clamped (valid) elements and are never stored; their products meet a zero (padding) or are dropped.
//
// `scratch` (vec4s, offsets from gruVec4Scratch in src/kernels/gruPass.ts): Up [u·u] · Wp [F·u] · bp [u] ·
// Uhq, Uht [u·up/4] (reset_before) · hc [2, batch, up/4] then cq [batch, up/4] · gt [max(u, F)·u] and gt_h
// [u·u floats] (the GEMM path's unpack temporaries; bound apart). The steps bind it read-write and read Up
// through the same binding (WebGPU forbids binding one buffer both read-only and writable in a dispatch).

override ACTIVATION: u32 = 0u;
override RECURRENT_ACTIVATION: u32 = 2u;
override FUSED_INPUT: bool = false;
override RESET_AFTER: bool = true;

/** The invocation's block: first batch row and first unit, from the flat index (units fastest), for 4-row blocks. */
fn block_origin(idx: u32, units: u32) -> vec2<u32> {
  let unit_blocks = (units + 3u) / 4u;
  return vec2<u32>((idx / unit_blocks) * 4u, (idx % unit_blocks) * 4u);
}

/** Blocks of `rows` batch rows × 4 units. */
fn block_count(batch: u32, units: u32, rows: u32) -> u32 {
  return ((batch + rows - 1u) / rows) * ((units + 3u) / 4u);
}
