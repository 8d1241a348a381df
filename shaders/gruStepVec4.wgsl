// gruStepVec4.wgsl — the GRU of gruStep.wgsl (same equations, same results), register-blocked and laid out for
// vec4 loads like lstmStepVec4.wgsl: every per-unit quantity of a step is one vec4 per (row, unit).
//
// Equations (Keras GRUCell, gate order z, r, h; σ = RECURRENT_ACTIVATION, act = ACTIVATION), as in gruStep.wgsl:
//   reset_after   z = σ(xz + h·Uz + bz)  r = σ(xr + h·Ur + br)  n = h·Uh + bh_rec  hh = act(xh + r ⊙ n)
//   reset_before  z = σ(xz + h·Uz)       r = σ(xr + h·Ur)                         hh = act(xh + (r ⊙ h)·Uh)
//   both          h_t = z ⊙ h_{t−1} + (1 − z) ⊙ hh                       (xz, xr, xh: the blocks of x·W + b_in)
//   backward      dh = dy_t + (last ? dh_last : carry + Σ_k Σ_gate dGh[t', b, gate, k]·U[j, gate·u + k])
//                 dz = dh·(h_{t−1} − hh)·σ'(z)   da = dh·(1 − z)·act'(hh)
//                 reset_after:  dr = da·n·σ'(r), dGh = (dz, dr, da·r), carry = dh·z
//                 reset_before: drh_k = Σ_j da_j·Uh[k, j], dr_k = drh_k·h_k·σ'(r_k), dGh = (dz, dr, 0) on H_{t−1}
//                               and (0, 0, da) on R ⊙ H_{t−1}, carry_k = dh_k·z_k + drh_k·r_k
//                 dGx = (dz, dr, da) feeds dW, dX and db_in in both.
//
// Entries. reset_after: `forward` and `backward`, one fused dispatch per step each, as in gruStep.wgsl.
// reset_before (RESET_AFTER false): `forward_zr` (z, r, r ⊙ h) then `forward_candidate` (hh, h_t, hcat), and
// `backward_update` (dz, da, dh) then `backward_reset` (dr, carry) — two dispatches per step, for gruStep.wgsl's reason:
// unit j's candidate needs r_k·h_k of every unit k, and unit k's dr needs da of every unit j. Each step entry
// comes in 4-row blocks and, suffixed 8 (`forward8`, `forward8_zr`, `forward_candidate8`, `backward8`, …), in
// 8-row blocks; the host picks (src/kernels/gruStepVec4.ts, with the measurements). Once per pass: `pack` (the
// weights change with every optimizer step) and, forward, `init_state`; after the backward loop `initial_grad`,
// then with few features (the host decides) `input_grad` (dX) and `weight_grad` (dU, dW and the biases in one
// dispatch, see its section at the end), else the GEMMs, `unpack` twice (or `unpack` and `unpack_split`) and
// `bias_grad` (`bias_grad_after` with reset_after).
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
// After the backward loop: dX = dG·Wpᵀ and dh0 = carry + dG₀·Upᵀ read the interleaved columns as they are;
// dW = Xᵀ·dG and dU = H_{t−1}ᵀ·dG land in a temporary gt [·, u] vec4 that entry `unpack` scatters to Keras
// columns gate·u + j (lanes 0, 1, 3 for dW, 0, 1, 2 for dU). reset_before adds dUh = (R ⊙ H)ᵀ·DA, a [u, u]
// product into gt_h, and `unpack_split` takes the z, r columns from gt and the candidate's from gt_h: K = T·B
// for both, where gruStep.wgsl's single GEMM over [H; R ⊙ H] has K = 2·T·B (measured: 38 against 54 ms for
// B32 T60 U50). Entry `bias_grad` sums dG's columns (lanes 0, 1, 3 into db_in, and 0, 1, 2 into db_rec with
// reset_after).
//
// Blocks: an invocation owns batch rows b0..b0+3 (or b0..b0+7) × units j0..j0+3, and reads h_{t−1} from a
// compact copy `hc` [2, batch, up/4] vec4 (up = units rounded up to 4, zero-padded; two halves used in turn,
// entry `init_state` fills the first), as in lstmStepVec4.wgsl; the block owns its rows' vec4 j0/4 of the
// compact copies and stores it whole (zeros past `units`). Every loop over rows, units and vector lanes is
// written out (generated: SwiftShader compiles `v[s]` with a loop variable s as a dynamic vector index), and
// the recurrent sums take FMAs only on the lanes they use: (z, r, n) with reset_after, (z, r) in reset_before's
// first dispatch (its candidate lane waits for forward_candidate) and in its backward gather (dGh_h is 0).
// Per 4 k forward, 4-row blocks: 4 vec4 of h and 16 of Up for 192 FMAs (128 in forward_zr); backward gather,
// per k: 4 vec4 of dG[t'] and 4 of Up for 48 FMAs (32). reset_before's second products,
// (r ⊙ h)·Uh forward and da·Uhᵀ backward, read a compact [batch, up/4] vec4 copy of r ⊙ h or da (`cq`, written
// by the first dispatch of the step, zero-padded by it) and Uh packed as vec4 over the output unit: Uhq[k, jq] =
// Uh[k, 4jq..4jq+3] and Uht[j, kq] = Uh[4kq..4kq+3, j] (zero past u): per 4 k, 4 + 4 vec4 loads for 64 FMAs.
// Rows past `batch`, units past `units` and k past `units` read clamped (valid) elements and are never stored;
// their products meet a zero (padding) or are dropped.
//
// `scratch` (vec4s, offsets from src/kernels/gruStepVec4.ts): Up [u·u] · Wp [F·u] · bp [u] · Uhq, Uht
// [u·up/4] (reset_before) · hc [2, batch, up/4] then cq [batch, up/4] · gt [max(u, F)·u] and gt_h [u·u floats]
// (the unpack temporaries; bound apart). The steps bind it read-write and read Up through the same binding (WebGPU forbids binding one
// buffer both read-only and writable in a dispatch).
//
// Bindings, pack:         0 pack_params · 1 recurrent U [u, 3u] · 2 kernel W [F, 3u] · 3 bias (input row)
//                         21 recurrent_bias (reset_after; from rbias_offset) (read) · 4 packed (rw: the scratch)
// Bindings, init_state:   0 init_params · 5 h_init (read: the states) · 4 packed (rw)
// Bindings, forward*:     0 params · 6 xproj vec4 (read) · 20 x_in [T, B, F] (read) · 7 h (rw) · 9 gates vec4 (rw)
//                         10 scratch (rw) · 8 hcat (rw; forward_candidate)   (xproj unused with FUSED_INPUT, x_in without)
// Bindings, backward*:    0 back_params · 10 scratch (rw) · 12 saved_gates vec4 (read) · 13 saved_h (read)
//                         14 dy, 15 dh_last (read; backward*) · 16 carry [B, u] (rw) · 17 dgates vec4 (rw)
//                         8 hcat (rw; backward_update) · 22 dh0 (rw; initial_grad)
// Bindings, bias_grad*:   0 bias_params · 18 dg_sum vec4 (read) · 19 db [3u] (rw) · 23 db_rec [3u] (rw; _after)
// Bindings, unpack*:      0 unpack_params · 24 gt vec4 (read) · 26 gt_h (read; unpack_split)
//                         25 unpacked [rows, 3u] (rw)
// Bindings, weight_grad and input_grad: see their section at the end.
//
//! include activations direction

struct PackParams {
  units: u32,
  features: u32,
  /** vec4 offsets in `packed`: Wp, Uhq, Uht, bp; `uh` = u·up/4 when Uhq and Uht are packed (reset_before), else 0. */
  wp: u32,
  uhq: u32,
  uht: u32,
  bp: u32,
  uh: u32,
  /** Float offset of the recurrent bias row in `recurrent_bias` (reset_after). */
  rbias_offset: u32,
}

struct InitParams {
  batch: u32,
  units: u32,
  /** Float offset of the initial state's slot in h_init. */
  h_offset: u32,
  /** vec4 offset of the compact-h half the first step reads. */
  hc: u32,
}

struct StepParams {
  t: u32,
  batch: u32,
  units: u32,
  timesteps: u32,
  /** vec4 offsets in scratch: the compact-h halves this step reads (h_{t−1}) and writes (h_t), compact r ⊙ h. */
  hc_read: u32,
  hc_write: u32,
  cq: u32,
  uhq: u32,
  /** FUSED_INPUT only: features, x's float offset in x_in, and the vec4 offsets of Wp and bp in scratch. */
  features: u32,
  x_offset: u32,
  wp: u32,
  bp: u32,
}

struct BackParams {
  t: u32,
  batch: u32,
  units: u32,
  timesteps: u32,
  dy_is_sequence: u32,
  /** vec4 offsets of compact da and Uht in scratch (reset_before). */
  cq: u32,
  uht: u32,
}

struct BiasParams {
  rows: u32,
  units: u32,
}

struct UnpackParams {
  rows: u32,
  units: u32,
  /** The lane that holds the candidate gate's column: 2 (dU) or 3 (dW). */
  lane: u32,
}

override ACTIVATION: u32 = 0u;
override RECURRENT_ACTIVATION: u32 = 2u;
override FUSED_INPUT: bool = false;
override RESET_AFTER: bool = true;

@group(0) @binding(0) var<uniform> pack_params: PackParams;
@group(0) @binding(1) var<storage, read> recurrent: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(21) var<storage, read> recurrent_bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> packed: array<vec4<f32>>;

@group(0) @binding(0) var<uniform> init_params: InitParams;
@group(0) @binding(5) var<storage, read> h_init: array<f32>;

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(6) var<storage, read> xproj: array<vec4<f32>>;
@group(0) @binding(20) var<storage, read> x_in: array<f32>;
@group(0) @binding(7) var<storage, read_write> h: array<f32>;
@group(0) @binding(8) var<storage, read_write> hcat: array<f32>;
@group(0) @binding(9) var<storage, read_write> gates: array<vec4<f32>>;
@group(0) @binding(10) var<storage, read_write> scratch: array<vec4<f32>>;

@group(0) @binding(0) var<uniform> back_params: BackParams;
@group(0) @binding(12) var<storage, read> saved_gates: array<vec4<f32>>;
@group(0) @binding(13) var<storage, read> saved_h: array<f32>;
@group(0) @binding(14) var<storage, read> dy: array<f32>;
@group(0) @binding(15) var<storage, read> dh_last: array<f32>;
@group(0) @binding(16) var<storage, read_write> carry: array<f32>;
@group(0) @binding(17) var<storage, read_write> dgates: array<vec4<f32>>;
@group(0) @binding(22) var<storage, read_write> dh0: array<f32>;

@group(0) @binding(0) var<uniform> bias_params: BiasParams;
@group(0) @binding(18) var<storage, read> dg_sum: array<vec4<f32>>;
@group(0) @binding(19) var<storage, read_write> db: array<f32>;
@group(0) @binding(23) var<storage, read_write> db_rec: array<f32>;

@group(0) @binding(0) var<uniform> unpack_params: UnpackParams;
@group(0) @binding(24) var<storage, read> gt: array<vec4<f32>>;
@group(0) @binding(25) var<storage, read_write> unpacked: array<f32>;
@group(0) @binding(26) var<storage, read> gt_h: array<f32>;


/** Up (u·u vec4s), Wp (F·u), Uhq and Uht (uh each), then bp (u; absent from the dispatch without a bias). */
@compute @workgroup_size(WG)
fn pack(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let pp = pack_params;
  let u = pp.units;
  let u3 = 3u * u;
  let quads = (u + 3u) / 4u;
  let n_up = u * u;
  let n_wp = pp.features * u;
  if (idx < n_up) {
    let row = (idx / u) * u3 + idx % u;
    packed[idx] = vec4<f32>(recurrent[row], recurrent[row + u], recurrent[row + 2u * u], 0.0);
  } else if (idx < n_up + n_wp) {
    let i = idx - n_up;
    let row = (i / u) * u3 + i % u;
    packed[pp.wp + i] = vec4<f32>(kernel[row], kernel[row + u], 0.0, kernel[row + 2u * u]);
  } else if (idx < n_up + n_wp + pp.uh) {
    // Uhq[k, jq] = Uh[k, 4jq .. 4jq+3]
    let i = idx - n_up - n_wp;
    let k = i / quads;
    let j = (i % quads) * 4u;
    var v = vec4<f32>(0.0);
    for (var q = 0u; q < 4u; q++) {
      if (j + q < u) { v[q] = recurrent[k * u3 + 2u * u + j + q]; }
    }
    packed[pp.uhq + i] = v;
  } else if (idx < n_up + n_wp + 2u * pp.uh) {
    // Uht[j, kq] = Uh[4kq .. 4kq+3, j]
    let i = idx - n_up - n_wp - pp.uh;
    let j = i / quads;
    let k = (i % quads) * 4u;
    var v = vec4<f32>(0.0);
    for (var q = 0u; q < 4u; q++) {
      if (k + q < u) { v[q] = recurrent[(k + q) * u3 + 2u * u + j]; }
    }
    packed[pp.uht + i] = v;
  } else if (idx < n_up + n_wp + 2u * pp.uh + u) {
    let j = idx - n_up - n_wp - 2u * pp.uh;
    var v = vec4<f32>(bias[j], bias[u + j], 0.0, bias[2u * u + j]);
    if (RESET_AFTER) {
      let rb = pp.rbias_offset;
      v += vec4<f32>(recurrent_bias[rb + j], recurrent_bias[rb + u + j], recurrent_bias[rb + 2u * u + j], 0.0);
    }
    packed[pp.bp + j] = v;
  }
}

/**
 * Compact h: the first half [batch, up] from the initial state slot, the second zeros. Both are zero past
 * `units`, and stay so: the steps write only units < `units`. One invocation per vec4.
 */
@compute @workgroup_size(WG)
fn init_state(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let ip = init_params;
  let quads = (ip.units + 3u) / 4u;
  if (idx >= 2u * ip.batch * quads) { return; }
  var v = vec4<f32>(0.0);
  if (idx < ip.batch * quads) {
    let b = idx / quads;
    let j = (idx % quads) * 4u;
    for (var q = 0u; q < 4u; q++) {
      if (j + q < ip.units) { v[q] = h_init[ip.h_offset + b * ip.units + j + q]; }
    }
  }
  packed[ip.hc + idx] = v;
}

/** The invocation's block: first batch row and first unit, from the flat index (units fastest), for 4-row blocks. */
fn block_origin(idx: u32, units: u32) -> vec2<u32> {
  let unit_blocks = (units + 3u) / 4u;
  return vec2<u32>((idx / unit_blocks) * 4u, (idx % unit_blocks) * 4u);
}

/** Blocks of `rows` batch rows × 4 units. */
fn block_count(batch: u32, units: u32, rows: u32) -> u32 {
  return ((batch + rows - 1u) / rows) * ((units + 3u) / 4u);
}

/**
 * Forward cell of one (b < batch, j) from its sums s = (z, r, n, xh) (reset_after) or (z, r, ·, xh). Returns
 * the cell's element of the compact vec4 its block stores: h_t (reset_after) or r ⊙ h_{t−1} (reset_before, for
 * forward_candidate, the next dispatch: the candidate waits for r ⊙ h of every unit); 0 past `units`, which
 * keeps the padding of the compact copies zero (the sums read them whole).
 */
fn forward_cell(p: StepParams, b: u32, j: u32, sums: vec4<f32>) -> f32 {
  let units = p.units;
  if (j >= units) { return 0.0; }
  let at = (p.t * p.batch + b) * units + j;
  var s = sums;
  if (!FUSED_INPUT) { s += xproj[at]; }
  let z = act(s.x, RECURRENT_ACTIVATION);
  let r = act(s.y, RECURRENT_ACTIVATION);
  let h_prev = h[(prev_slot(p.t) * p.batch + b) * units + j];
  if (RESET_AFTER) {
    let hh = act(s.w + r * s.z, ACTIVATION);
    let h_t = z * h_prev + (1.0 - z) * hh;
    h[(next_slot(p.t) * p.batch + b) * units + j] = h_t;
    gates[at] = vec4<f32>(z, r, hh, s.z);
    return h_t;
  }
  gates[at] = vec4<f32>(z, r, 0.0, s.w);
  return r * h_prev;
}

/** reset_before's candidate and h_t of one (b < batch, j); returns h_t for compact h (0 past `units`). */
fn candidate_cell(p: StepParams, b: u32, j: u32, rec: f32) -> f32 {
  let units = p.units;
  if (j >= units) { return 0.0; }
  let at = (p.t * p.batch + b) * units + j;
  let g = gates[at];
  let hh = act(g.w + rec, ACTIVATION);
  let h_prev = h[(prev_slot(p.t) * p.batch + b) * units + j];
  let h_t = g.x * h_prev + (1.0 - g.x) * hh;
  // R ⊙ H_{t−1}, the A of the dUh GEMM, into hcat's second block (here, not in `forward`: reset_after binds no hcat).
  hcat[p.timesteps * p.batch * units + at] = g.y * h_prev;
  h[(next_slot(p.t) * p.batch + b) * units + j] = h_t;
  gates[at] = vec4<f32>(g.x, g.y, hh, g.w);
  return h_t;
}

/** The gradient reaching h_t[b, j] from the output and (gathered: dG[t']·Upᵀ) from the step run after t. */
fn incoming(p: BackParams, b: u32, j: u32, from_next: f32, last: bool) -> f32 {
  let units = p.units;
  let at = b * units + j;
  var dh = 0.0;
  if (last) {
    dh = dh_last[at];
  } else {
    dh = carry[at] + from_next;
  }
  if (p.dy_is_sequence != 0u) {
    dh += dy[(p.t * p.batch + b) * units + j];
  } else if (last) {
    dh += dy[at];
  }
  return dh;
}

/** reset_after: the whole backward cell of one (b, j), if it exists. */
fn backward_cell(p: BackParams, b: u32, j: u32, from_next: f32, last: bool) {
  let units = p.units;
  if (b >= p.batch || j >= units) { return; }
  let dh = incoming(p, b, j, from_next, last);
  let row = (p.t * p.batch + b) * units + j;
  let g = saved_gates[row];
  let h_prev = saved_h[(prev_slot(p.t) * p.batch + b) * units + j];
  let dz = dh * (h_prev - g.z) * act_grad_from_output(g.x, RECURRENT_ACTIVATION);
  let da = dh * (1.0 - g.x) * act_grad_from_output(g.z, ACTIVATION);
  let dr = da * g.w * act_grad_from_output(g.y, RECURRENT_ACTIVATION);
  dgates[row] = vec4<f32>(dz, dr, da * g.y, da);
  carry[b * units + j] = dh * g.x;
}

/**
 * reset_before: dz, da and dh of one (b < batch, j); dr waits for da of every unit (backward_reset, the next
 * dispatch, fills lane 1 and finishes carry). da also goes to hcat's first block (the dUh GEMM's B); returned
 * for compact da (0 past `units`).
 */
fn update_cell(p: BackParams, b: u32, j: u32, from_next: f32, last: bool) -> f32 {
  let units = p.units;
  if (j >= units) { return 0.0; }
  let dh = incoming(p, b, j, from_next, last);
  let row = (p.t * p.batch + b) * units + j;
  let g = saved_gates[row];
  let h_prev = saved_h[(prev_slot(p.t) * p.batch + b) * units + j];
  let dz = dh * (h_prev - g.z) * act_grad_from_output(g.x, RECURRENT_ACTIVATION);
  let da = dh * (1.0 - g.x) * act_grad_from_output(g.z, ACTIVATION);
  dgates[row] = vec4<f32>(dz, 0.0, 0.0, da);
  hcat[row] = da;
  carry[b * units + j] = dh;
  return da;
}

fn reset_cell(p: BackParams, b: u32, k: u32, drh: f32) {
  let units = p.units;
  if (b >= p.batch || k >= units) { return; }
  let row = (p.t * p.batch + b) * units + k;
  let g = saved_gates[row];
  let h_prev = saved_h[(prev_slot(p.t) * p.batch + b) * units + k];
  dgates[row].y = drh * h_prev * act_grad_from_output(g.y, RECURRENT_ACTIVATION);
  let at = b * units + k;
  carry[at] = carry[at] * g.x + drh * g.y;
}

// The step entries below, in 4-row (`forward`, …) and 8-row (`forward8`, …) blocks, are written out with every
// loop over rows, units and vector lanes unrolled (SwiftShader compiles `v[s]` with a loop variable s as a
// dynamic vector index; see src/kernels/gruStepVec4.ts for the measurements and which the host picks). They
// were generated (a short script, not kept: the pattern is regular); edit the 4- and 8-row versions alike.

/** bp + x_t·Wp + h_{t−1}·Up (or h_{t−1}·Up alone without FUSED_INPUT) of the 4×4 block, then its 16 cells. */
fn forward_block(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let x0 = p.hc_read + min(b0 + 0u, last_b) * quads;
  let x1 = p.hc_read + min(b0 + 1u, last_b) * quads;
  let x2 = p.hc_read + min(b0 + 2u, last_b) * quads;
  let x3 = p.hc_read + min(b0 + 3u, last_b) * quads;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  // s<r><c>: the sums of row b0+r, unit j0+c, in named registers (lstmStepVec4.wgsl measured it).
  var s00 = vec4<f32>(0.0); var s01 = vec4<f32>(0.0); var s02 = vec4<f32>(0.0); var s03 = vec4<f32>(0.0);
  var s10 = vec4<f32>(0.0); var s11 = vec4<f32>(0.0); var s12 = vec4<f32>(0.0); var s13 = vec4<f32>(0.0);
  var s20 = vec4<f32>(0.0); var s21 = vec4<f32>(0.0); var s22 = vec4<f32>(0.0); var s23 = vec4<f32>(0.0);
  var s30 = vec4<f32>(0.0); var s31 = vec4<f32>(0.0); var s32 = vec4<f32>(0.0); var s33 = vec4<f32>(0.0);
  if (FUSED_INPUT) {
    let bv0 = scratch[p.bp + q.x];
    let bv1 = scratch[p.bp + q.y];
    let bv2 = scratch[p.bp + q.z];
    let bv3 = scratch[p.bp + q.w];
    s00 = bv0; s01 = bv1; s02 = bv2; s03 = bv3;
    s10 = bv0; s11 = bv1; s12 = bv2; s13 = bv3;
    s20 = bv0; s21 = bv1; s22 = bv2; s23 = bv3;
    s30 = bv0; s31 = bv1; s32 = bv2; s33 = bv3;
    let xt = p.x_offset + p.t * p.batch * p.features;
    let xr0 = xt + min(b0 + 0u, last_b) * p.features;
    let xr1 = xt + min(b0 + 1u, last_b) * p.features;
    let xr2 = xt + min(b0 + 2u, last_b) * p.features;
    let xr3 = xt + min(b0 + 3u, last_b) * p.features;
    for (var f = 0u; f < p.features; f++) {
      let row = p.wp + f * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(x_in[xr0 + f]);
      s00 = fma(w0, v0, s00); s01 = fma(w1, v0, s01); s02 = fma(w2, v0, s02); s03 = fma(w3, v0, s03);
      let v1 = vec4<f32>(x_in[xr1 + f]);
      s10 = fma(w0, v1, s10); s11 = fma(w1, v1, s11); s12 = fma(w2, v1, s12); s13 = fma(w3, v1, s13);
      let v2 = vec4<f32>(x_in[xr2 + f]);
      s20 = fma(w0, v2, s20); s21 = fma(w1, v2, s21); s22 = fma(w2, v2, s22); s23 = fma(w3, v2, s23);
      let v3 = vec4<f32>(x_in[xr3 + f]);
      s30 = fma(w0, v3, s30); s31 = fma(w1, v3, s31); s32 = fma(w2, v3, s32); s33 = fma(w3, v3, s33);
    }
  }
  for (var kq = 0u; kq < quads; kq++) {
    let hv0 = scratch[x0 + kq];
    let hv1 = scratch[x1 + kq];
    let hv2 = scratch[x2 + kq];
    let hv3 = scratch[x3 + kq];
    {
      let row = min(kq * 4u + 0u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.x);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.x);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.x);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.x);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
    }
    {
      let row = min(kq * 4u + 1u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.y);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.y);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.y);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.y);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
    }
    {
      let row = min(kq * 4u + 2u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.z);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.z);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.z);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.z);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
    }
    {
      let row = min(kq * 4u + 3u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.w);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.w);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.w);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.w);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
    }
  }
  // The block owns its rows' quad j0/4 of compact h_t (reset_after) or r ⊙ h_{t−1} (reset_before).
  let out = select(p.cq, p.hc_write, RESET_AFTER) + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s00), forward_cell(p, b, j0 + 1u, s01), forward_cell(p, b, j0 + 2u, s02), forward_cell(p, b, j0 + 3u, s03));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s10), forward_cell(p, b, j0 + 1u, s11), forward_cell(p, b, j0 + 2u, s12), forward_cell(p, b, j0 + 3u, s13));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s20), forward_cell(p, b, j0 + 1u, s21), forward_cell(p, b, j0 + 2u, s22), forward_cell(p, b, j0 + 3u, s23));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s30), forward_cell(p, b, j0 + 1u, s31), forward_cell(p, b, j0 + 2u, s32), forward_cell(p, b, j0 + 3u, s33));
  }
}

/** reset_after: the whole step. reset_before: forward_zr (z, r, r ⊙ h), then forward_candidate. */
@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units, 4u)) { return; }
  let o = block_origin(idx, p.units);
  forward_block(p, o.x, o.y);
}

/** reset_before: hh = act(xh + (r ⊙ h_{t−1})·Uh) and h_t for the 4×4 block, from compact r ⊙ h and Uhq. */
@compute @workgroup_size(WG)
fn forward_candidate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units, 4u)) { return; }
  let o = block_origin(idx, p.units);
  let b0 = o.x;
  let j0 = o.y;
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_k = units - 1u;
  let mat = p.uhq + j0 / 4u;
  let x0 = p.cq + min(b0 + 0u, last_b) * quads;
  var a0 = vec4<f32>(0.0);
  let x1 = p.cq + min(b0 + 1u, last_b) * quads;
  var a1 = vec4<f32>(0.0);
  let x2 = p.cq + min(b0 + 2u, last_b) * quads;
  var a2 = vec4<f32>(0.0);
  let x3 = p.cq + min(b0 + 3u, last_b) * quads;
  var a3 = vec4<f32>(0.0);
  for (var kq = 0u; kq < quads; kq++) {
    let v0 = scratch[x0 + kq];
    let v1 = scratch[x1 + kq];
    let v2 = scratch[x2 + kq];
    let v3 = scratch[x3 + kq];
    let w0 = scratch[mat + min(kq * 4u + 0u, last_k) * quads];
    let w1 = scratch[mat + min(kq * 4u + 1u, last_k) * quads];
    let w2 = scratch[mat + min(kq * 4u + 2u, last_k) * quads];
    let w3 = scratch[mat + min(kq * 4u + 3u, last_k) * quads];
    a0 = fma(w3, vec4<f32>(v0.w), fma(w2, vec4<f32>(v0.z), fma(w1, vec4<f32>(v0.y), fma(w0, vec4<f32>(v0.x), a0))));
    a1 = fma(w3, vec4<f32>(v1.w), fma(w2, vec4<f32>(v1.z), fma(w1, vec4<f32>(v1.y), fma(w0, vec4<f32>(v1.x), a1))));
    a2 = fma(w3, vec4<f32>(v2.w), fma(w2, vec4<f32>(v2.z), fma(w1, vec4<f32>(v2.y), fma(w0, vec4<f32>(v2.x), a2))));
    a3 = fma(w3, vec4<f32>(v3.w), fma(w2, vec4<f32>(v3.z), fma(w1, vec4<f32>(v3.y), fma(w0, vec4<f32>(v3.x), a3))));
  }
  let out = p.hc_write + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a0.x), candidate_cell(p, b, j0 + 1u, a0.y), candidate_cell(p, b, j0 + 2u, a0.z), candidate_cell(p, b, j0 + 3u, a0.w));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a1.x), candidate_cell(p, b, j0 + 1u, a1.y), candidate_cell(p, b, j0 + 2u, a1.z), candidate_cell(p, b, j0 + 3u, a1.w));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a2.x), candidate_cell(p, b, j0 + 1u, a2.y), candidate_cell(p, b, j0 + 2u, a2.z), candidate_cell(p, b, j0 + 3u, a2.w));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a3.x), candidate_cell(p, b, j0 + 1u, a3.y), candidate_cell(p, b, j0 + 2u, a3.z), candidate_cell(p, b, j0 + 3u, a3.w));
  }
}

/**
 * reset_after: one backward step of the 4×4 block: gather dh from dG[t'] (the step run after this one
 * wrote it; this one writes dG[t] only, so the reads never race), then the cells.
 */
fn backward_block(p: BackParams, b0: u32, j0: u32) {
  let units = p.units;
  let last = is_last_step(p.t, p.timesteps);
  var d0 = vec4<f32>(0.0);
  var d1 = vec4<f32>(0.0);
  var d2 = vec4<f32>(0.0);
  var d3 = vec4<f32>(0.0);
  if (!last) {
    let last_b = p.batch - 1u;
    let last_j = units - 1u;
    let base = following_time(p.t) * p.batch;
    let g0 = (base + min(b0 + 0u, last_b)) * units;
    let g1 = (base + min(b0 + 1u, last_b)) * units;
    let g2 = (base + min(b0 + 2u, last_b)) * units;
    let g3 = (base + min(b0 + 3u, last_b)) * units;
    let u0 = min(j0 + 0u, last_j) * units;
    let u1 = min(j0 + 1u, last_j) * units;
    let u2 = min(j0 + 2u, last_j) * units;
    let u3 = min(j0 + 3u, last_j) * units;
    for (var k = 0u; k < units; k++) {
      let w = mat4x3<f32>(scratch[u0 + k].xyz, scratch[u1 + k].xyz, scratch[u2 + k].xyz, scratch[u3 + k].xyz);
      d0 += dgates[g0 + k].xyz * w;
      d1 += dgates[g1 + k].xyz * w;
      d2 += dgates[g2 + k].xyz * w;
      d3 += dgates[g3 + k].xyz * w;
    }
  }
  backward_cell(p, b0 + 0u, j0 + 0u, d0.x, last);
  backward_cell(p, b0 + 0u, j0 + 1u, d0.y, last);
  backward_cell(p, b0 + 0u, j0 + 2u, d0.z, last);
  backward_cell(p, b0 + 0u, j0 + 3u, d0.w, last);
  backward_cell(p, b0 + 1u, j0 + 0u, d1.x, last);
  backward_cell(p, b0 + 1u, j0 + 1u, d1.y, last);
  backward_cell(p, b0 + 1u, j0 + 2u, d1.z, last);
  backward_cell(p, b0 + 1u, j0 + 3u, d1.w, last);
  backward_cell(p, b0 + 2u, j0 + 0u, d2.x, last);
  backward_cell(p, b0 + 2u, j0 + 1u, d2.y, last);
  backward_cell(p, b0 + 2u, j0 + 2u, d2.z, last);
  backward_cell(p, b0 + 2u, j0 + 3u, d2.w, last);
  backward_cell(p, b0 + 3u, j0 + 0u, d3.x, last);
  backward_cell(p, b0 + 3u, j0 + 1u, d3.y, last);
  backward_cell(p, b0 + 3u, j0 + 2u, d3.z, last);
  backward_cell(p, b0 + 3u, j0 + 3u, d3.w, last);
}

/**
 * reset_before: backward_block's gather, then dz, da and dh of the cells, and compact da (the block owns
 * its rows' quad j0/4) for backward_reset.
 */
fn update_block(p: BackParams, b0: u32, j0: u32) {
  let units = p.units;
  let last = is_last_step(p.t, p.timesteps);
  var d0 = vec4<f32>(0.0);
  var d1 = vec4<f32>(0.0);
  var d2 = vec4<f32>(0.0);
  var d3 = vec4<f32>(0.0);
  if (!last) {
    let last_b = p.batch - 1u;
    let last_j = units - 1u;
    let base = following_time(p.t) * p.batch;
    let g0 = (base + min(b0 + 0u, last_b)) * units;
    let g1 = (base + min(b0 + 1u, last_b)) * units;
    let g2 = (base + min(b0 + 2u, last_b)) * units;
    let g3 = (base + min(b0 + 3u, last_b)) * units;
    let u0 = min(j0 + 0u, last_j) * units;
    let u1 = min(j0 + 1u, last_j) * units;
    let u2 = min(j0 + 2u, last_j) * units;
    let u3 = min(j0 + 3u, last_j) * units;
    for (var k = 0u; k < units; k++) {
      let w = mat4x2<f32>(scratch[u0 + k].xy, scratch[u1 + k].xy, scratch[u2 + k].xy, scratch[u3 + k].xy);
      d0 += dgates[g0 + k].xy * w;
      d1 += dgates[g1 + k].xy * w;
      d2 += dgates[g2 + k].xy * w;
      d3 += dgates[g3 + k].xy * w;
    }
  }
  let quads = (units + 3u) / 4u;
  let out = p.cq + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d0.x, last), update_cell(p, b, j0 + 1u, d0.y, last), update_cell(p, b, j0 + 2u, d0.z, last), update_cell(p, b, j0 + 3u, d0.w, last));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d1.x, last), update_cell(p, b, j0 + 1u, d1.y, last), update_cell(p, b, j0 + 2u, d1.z, last), update_cell(p, b, j0 + 3u, d1.w, last));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d2.x, last), update_cell(p, b, j0 + 1u, d2.y, last), update_cell(p, b, j0 + 2u, d2.z, last), update_cell(p, b, j0 + 3u, d2.w, last));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d3.x, last), update_cell(p, b, j0 + 1u, d3.y, last), update_cell(p, b, j0 + 2u, d3.z, last), update_cell(p, b, j0 + 3u, d3.w, last));
  }
}

/** reset_after: the whole backward step (4×4 blocks). */
@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units, 4u)) { return; }
  let o = block_origin(idx, p.units);
  backward_block(p, o.x, o.y);
}

/** reset_before: dz, da and dh of the 4×4 block; backward_reset finishes the step. */
@compute @workgroup_size(WG)
fn backward_update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units, 4u)) { return; }
  let o = block_origin(idx, p.units);
  update_block(p, o.x, o.y);
}

/** reset_before: drh = da·Uhᵀ for the 4×4 block (rows × units k) from compact da and Uht, then dr and carry. */
@compute @workgroup_size(WG)
fn backward_reset(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units, 4u)) { return; }
  let o = block_origin(idx, p.units);
  let b0 = o.x;
  let k0 = o.y;
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_k = units - 1u;
  let mat = p.uht + k0 / 4u;
  let x0 = p.cq + min(b0 + 0u, last_b) * quads;
  var a0 = vec4<f32>(0.0);
  let x1 = p.cq + min(b0 + 1u, last_b) * quads;
  var a1 = vec4<f32>(0.0);
  let x2 = p.cq + min(b0 + 2u, last_b) * quads;
  var a2 = vec4<f32>(0.0);
  let x3 = p.cq + min(b0 + 3u, last_b) * quads;
  var a3 = vec4<f32>(0.0);
  for (var jq = 0u; jq < quads; jq++) {
    let v0 = scratch[x0 + jq];
    let v1 = scratch[x1 + jq];
    let v2 = scratch[x2 + jq];
    let v3 = scratch[x3 + jq];
    let w0 = scratch[mat + min(jq * 4u + 0u, last_k) * quads];
    let w1 = scratch[mat + min(jq * 4u + 1u, last_k) * quads];
    let w2 = scratch[mat + min(jq * 4u + 2u, last_k) * quads];
    let w3 = scratch[mat + min(jq * 4u + 3u, last_k) * quads];
    a0 = fma(w3, vec4<f32>(v0.w), fma(w2, vec4<f32>(v0.z), fma(w1, vec4<f32>(v0.y), fma(w0, vec4<f32>(v0.x), a0))));
    a1 = fma(w3, vec4<f32>(v1.w), fma(w2, vec4<f32>(v1.z), fma(w1, vec4<f32>(v1.y), fma(w0, vec4<f32>(v1.x), a1))));
    a2 = fma(w3, vec4<f32>(v2.w), fma(w2, vec4<f32>(v2.z), fma(w1, vec4<f32>(v2.y), fma(w0, vec4<f32>(v2.x), a2))));
    a3 = fma(w3, vec4<f32>(v3.w), fma(w2, vec4<f32>(v3.z), fma(w1, vec4<f32>(v3.y), fma(w0, vec4<f32>(v3.x), a3))));
  }
  reset_cell(p, b0 + 0u, k0 + 0u, a0.x);
  reset_cell(p, b0 + 0u, k0 + 1u, a0.y);
  reset_cell(p, b0 + 0u, k0 + 2u, a0.z);
  reset_cell(p, b0 + 0u, k0 + 3u, a0.w);
  reset_cell(p, b0 + 1u, k0 + 0u, a1.x);
  reset_cell(p, b0 + 1u, k0 + 1u, a1.y);
  reset_cell(p, b0 + 1u, k0 + 2u, a1.z);
  reset_cell(p, b0 + 1u, k0 + 3u, a1.w);
  reset_cell(p, b0 + 2u, k0 + 0u, a2.x);
  reset_cell(p, b0 + 2u, k0 + 1u, a2.y);
  reset_cell(p, b0 + 2u, k0 + 2u, a2.z);
  reset_cell(p, b0 + 2u, k0 + 3u, a2.w);
  reset_cell(p, b0 + 3u, k0 + 0u, a3.x);
  reset_cell(p, b0 + 3u, k0 + 1u, a3.y);
  reset_cell(p, b0 + 3u, k0 + 2u, a3.z);
  reset_cell(p, b0 + 3u, k0 + 3u, a3.w);
}

/** bp + x_t·Wp + h_{t−1}·Up (or h_{t−1}·Up alone without FUSED_INPUT) of the 4×4 block, then its 16 cells. */
fn forward_block_zr(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let x0 = p.hc_read + min(b0 + 0u, last_b) * quads;
  let x1 = p.hc_read + min(b0 + 1u, last_b) * quads;
  let x2 = p.hc_read + min(b0 + 2u, last_b) * quads;
  let x3 = p.hc_read + min(b0 + 3u, last_b) * quads;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  // s<r><c>: the sums of row b0+r, unit j0+c, in named registers (lstmStepVec4.wgsl measured it).
  var s00 = vec4<f32>(0.0); var s01 = vec4<f32>(0.0); var s02 = vec4<f32>(0.0); var s03 = vec4<f32>(0.0);
  var s10 = vec4<f32>(0.0); var s11 = vec4<f32>(0.0); var s12 = vec4<f32>(0.0); var s13 = vec4<f32>(0.0);
  var s20 = vec4<f32>(0.0); var s21 = vec4<f32>(0.0); var s22 = vec4<f32>(0.0); var s23 = vec4<f32>(0.0);
  var s30 = vec4<f32>(0.0); var s31 = vec4<f32>(0.0); var s32 = vec4<f32>(0.0); var s33 = vec4<f32>(0.0);
  if (FUSED_INPUT) {
    let bv0 = scratch[p.bp + q.x];
    let bv1 = scratch[p.bp + q.y];
    let bv2 = scratch[p.bp + q.z];
    let bv3 = scratch[p.bp + q.w];
    s00 = bv0; s01 = bv1; s02 = bv2; s03 = bv3;
    s10 = bv0; s11 = bv1; s12 = bv2; s13 = bv3;
    s20 = bv0; s21 = bv1; s22 = bv2; s23 = bv3;
    s30 = bv0; s31 = bv1; s32 = bv2; s33 = bv3;
    let xt = p.x_offset + p.t * p.batch * p.features;
    let xr0 = xt + min(b0 + 0u, last_b) * p.features;
    let xr1 = xt + min(b0 + 1u, last_b) * p.features;
    let xr2 = xt + min(b0 + 2u, last_b) * p.features;
    let xr3 = xt + min(b0 + 3u, last_b) * p.features;
    for (var f = 0u; f < p.features; f++) {
      let row = p.wp + f * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(x_in[xr0 + f]);
      s00 = fma(w0, v0, s00); s01 = fma(w1, v0, s01); s02 = fma(w2, v0, s02); s03 = fma(w3, v0, s03);
      let v1 = vec4<f32>(x_in[xr1 + f]);
      s10 = fma(w0, v1, s10); s11 = fma(w1, v1, s11); s12 = fma(w2, v1, s12); s13 = fma(w3, v1, s13);
      let v2 = vec4<f32>(x_in[xr2 + f]);
      s20 = fma(w0, v2, s20); s21 = fma(w1, v2, s21); s22 = fma(w2, v2, s22); s23 = fma(w3, v2, s23);
      let v3 = vec4<f32>(x_in[xr3 + f]);
      s30 = fma(w0, v3, s30); s31 = fma(w1, v3, s31); s32 = fma(w2, v3, s32); s33 = fma(w3, v3, s33);
    }
  }
  for (var kq = 0u; kq < quads; kq++) {
    let hv0 = scratch[x0 + kq];
    let hv1 = scratch[x1 + kq];
    let hv2 = scratch[x2 + kq];
    let hv3 = scratch[x3 + kq];
    {
      let row = min(kq * 4u + 0u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.x);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.x);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.x);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.x);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
    }
    {
      let row = min(kq * 4u + 1u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.y);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.y);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.y);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.y);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
    }
    {
      let row = min(kq * 4u + 2u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.z);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.z);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.z);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.z);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
    }
    {
      let row = min(kq * 4u + 3u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.w);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.w);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.w);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.w);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
    }
  }
  // The block owns its rows' quad j0/4 of compact h_t (reset_after) or r ⊙ h_{t−1} (reset_before).
  let out = select(p.cq, p.hc_write, RESET_AFTER) + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s00), forward_cell(p, b, j0 + 1u, s01), forward_cell(p, b, j0 + 2u, s02), forward_cell(p, b, j0 + 3u, s03));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s10), forward_cell(p, b, j0 + 1u, s11), forward_cell(p, b, j0 + 2u, s12), forward_cell(p, b, j0 + 3u, s13));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s20), forward_cell(p, b, j0 + 1u, s21), forward_cell(p, b, j0 + 2u, s22), forward_cell(p, b, j0 + 3u, s23));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s30), forward_cell(p, b, j0 + 1u, s31), forward_cell(p, b, j0 + 2u, s32), forward_cell(p, b, j0 + 3u, s33));
  }
}

/** reset_after: the whole step. reset_before: forward_zr (z, r, r ⊙ h), then forward_candidate. */
@compute @workgroup_size(WG)
fn forward_zr(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units, 4u)) { return; }
  let o = block_origin(idx, p.units);
  forward_block_zr(p, o.x, o.y);
}

/** bp + x_t·Wp + h_{t−1}·Up (or h_{t−1}·Up alone without FUSED_INPUT) of the 8×4 block, then its 32 cells. */
fn forward_block8(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let x0 = p.hc_read + min(b0 + 0u, last_b) * quads;
  let x1 = p.hc_read + min(b0 + 1u, last_b) * quads;
  let x2 = p.hc_read + min(b0 + 2u, last_b) * quads;
  let x3 = p.hc_read + min(b0 + 3u, last_b) * quads;
  let x4 = p.hc_read + min(b0 + 4u, last_b) * quads;
  let x5 = p.hc_read + min(b0 + 5u, last_b) * quads;
  let x6 = p.hc_read + min(b0 + 6u, last_b) * quads;
  let x7 = p.hc_read + min(b0 + 7u, last_b) * quads;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  // s<r><c>: the sums of row b0+r, unit j0+c, in named registers (lstmStepVec4.wgsl measured it).
  var s00 = vec4<f32>(0.0); var s01 = vec4<f32>(0.0); var s02 = vec4<f32>(0.0); var s03 = vec4<f32>(0.0);
  var s10 = vec4<f32>(0.0); var s11 = vec4<f32>(0.0); var s12 = vec4<f32>(0.0); var s13 = vec4<f32>(0.0);
  var s20 = vec4<f32>(0.0); var s21 = vec4<f32>(0.0); var s22 = vec4<f32>(0.0); var s23 = vec4<f32>(0.0);
  var s30 = vec4<f32>(0.0); var s31 = vec4<f32>(0.0); var s32 = vec4<f32>(0.0); var s33 = vec4<f32>(0.0);
  var s40 = vec4<f32>(0.0); var s41 = vec4<f32>(0.0); var s42 = vec4<f32>(0.0); var s43 = vec4<f32>(0.0);
  var s50 = vec4<f32>(0.0); var s51 = vec4<f32>(0.0); var s52 = vec4<f32>(0.0); var s53 = vec4<f32>(0.0);
  var s60 = vec4<f32>(0.0); var s61 = vec4<f32>(0.0); var s62 = vec4<f32>(0.0); var s63 = vec4<f32>(0.0);
  var s70 = vec4<f32>(0.0); var s71 = vec4<f32>(0.0); var s72 = vec4<f32>(0.0); var s73 = vec4<f32>(0.0);
  if (FUSED_INPUT) {
    let bv0 = scratch[p.bp + q.x];
    let bv1 = scratch[p.bp + q.y];
    let bv2 = scratch[p.bp + q.z];
    let bv3 = scratch[p.bp + q.w];
    s00 = bv0; s01 = bv1; s02 = bv2; s03 = bv3;
    s10 = bv0; s11 = bv1; s12 = bv2; s13 = bv3;
    s20 = bv0; s21 = bv1; s22 = bv2; s23 = bv3;
    s30 = bv0; s31 = bv1; s32 = bv2; s33 = bv3;
    s40 = bv0; s41 = bv1; s42 = bv2; s43 = bv3;
    s50 = bv0; s51 = bv1; s52 = bv2; s53 = bv3;
    s60 = bv0; s61 = bv1; s62 = bv2; s63 = bv3;
    s70 = bv0; s71 = bv1; s72 = bv2; s73 = bv3;
    let xt = p.x_offset + p.t * p.batch * p.features;
    let xr0 = xt + min(b0 + 0u, last_b) * p.features;
    let xr1 = xt + min(b0 + 1u, last_b) * p.features;
    let xr2 = xt + min(b0 + 2u, last_b) * p.features;
    let xr3 = xt + min(b0 + 3u, last_b) * p.features;
    let xr4 = xt + min(b0 + 4u, last_b) * p.features;
    let xr5 = xt + min(b0 + 5u, last_b) * p.features;
    let xr6 = xt + min(b0 + 6u, last_b) * p.features;
    let xr7 = xt + min(b0 + 7u, last_b) * p.features;
    for (var f = 0u; f < p.features; f++) {
      let row = p.wp + f * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(x_in[xr0 + f]);
      s00 = fma(w0, v0, s00); s01 = fma(w1, v0, s01); s02 = fma(w2, v0, s02); s03 = fma(w3, v0, s03);
      let v1 = vec4<f32>(x_in[xr1 + f]);
      s10 = fma(w0, v1, s10); s11 = fma(w1, v1, s11); s12 = fma(w2, v1, s12); s13 = fma(w3, v1, s13);
      let v2 = vec4<f32>(x_in[xr2 + f]);
      s20 = fma(w0, v2, s20); s21 = fma(w1, v2, s21); s22 = fma(w2, v2, s22); s23 = fma(w3, v2, s23);
      let v3 = vec4<f32>(x_in[xr3 + f]);
      s30 = fma(w0, v3, s30); s31 = fma(w1, v3, s31); s32 = fma(w2, v3, s32); s33 = fma(w3, v3, s33);
      let v4 = vec4<f32>(x_in[xr4 + f]);
      s40 = fma(w0, v4, s40); s41 = fma(w1, v4, s41); s42 = fma(w2, v4, s42); s43 = fma(w3, v4, s43);
      let v5 = vec4<f32>(x_in[xr5 + f]);
      s50 = fma(w0, v5, s50); s51 = fma(w1, v5, s51); s52 = fma(w2, v5, s52); s53 = fma(w3, v5, s53);
      let v6 = vec4<f32>(x_in[xr6 + f]);
      s60 = fma(w0, v6, s60); s61 = fma(w1, v6, s61); s62 = fma(w2, v6, s62); s63 = fma(w3, v6, s63);
      let v7 = vec4<f32>(x_in[xr7 + f]);
      s70 = fma(w0, v7, s70); s71 = fma(w1, v7, s71); s72 = fma(w2, v7, s72); s73 = fma(w3, v7, s73);
    }
  }
  for (var kq = 0u; kq < quads; kq++) {
    let hv0 = scratch[x0 + kq];
    let hv1 = scratch[x1 + kq];
    let hv2 = scratch[x2 + kq];
    let hv3 = scratch[x3 + kq];
    let hv4 = scratch[x4 + kq];
    let hv5 = scratch[x5 + kq];
    let hv6 = scratch[x6 + kq];
    let hv7 = scratch[x7 + kq];
    {
      let row = min(kq * 4u + 0u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.x);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.x);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.x);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.x);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
      let v4 = vec3<f32>(hv4.x);
      s40 = vec4<f32>(fma(w0.xyz, v4, s40.xyz), s40.w); s41 = vec4<f32>(fma(w1.xyz, v4, s41.xyz), s41.w); s42 = vec4<f32>(fma(w2.xyz, v4, s42.xyz), s42.w); s43 = vec4<f32>(fma(w3.xyz, v4, s43.xyz), s43.w);
      let v5 = vec3<f32>(hv5.x);
      s50 = vec4<f32>(fma(w0.xyz, v5, s50.xyz), s50.w); s51 = vec4<f32>(fma(w1.xyz, v5, s51.xyz), s51.w); s52 = vec4<f32>(fma(w2.xyz, v5, s52.xyz), s52.w); s53 = vec4<f32>(fma(w3.xyz, v5, s53.xyz), s53.w);
      let v6 = vec3<f32>(hv6.x);
      s60 = vec4<f32>(fma(w0.xyz, v6, s60.xyz), s60.w); s61 = vec4<f32>(fma(w1.xyz, v6, s61.xyz), s61.w); s62 = vec4<f32>(fma(w2.xyz, v6, s62.xyz), s62.w); s63 = vec4<f32>(fma(w3.xyz, v6, s63.xyz), s63.w);
      let v7 = vec3<f32>(hv7.x);
      s70 = vec4<f32>(fma(w0.xyz, v7, s70.xyz), s70.w); s71 = vec4<f32>(fma(w1.xyz, v7, s71.xyz), s71.w); s72 = vec4<f32>(fma(w2.xyz, v7, s72.xyz), s72.w); s73 = vec4<f32>(fma(w3.xyz, v7, s73.xyz), s73.w);
    }
    {
      let row = min(kq * 4u + 1u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.y);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.y);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.y);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.y);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
      let v4 = vec3<f32>(hv4.y);
      s40 = vec4<f32>(fma(w0.xyz, v4, s40.xyz), s40.w); s41 = vec4<f32>(fma(w1.xyz, v4, s41.xyz), s41.w); s42 = vec4<f32>(fma(w2.xyz, v4, s42.xyz), s42.w); s43 = vec4<f32>(fma(w3.xyz, v4, s43.xyz), s43.w);
      let v5 = vec3<f32>(hv5.y);
      s50 = vec4<f32>(fma(w0.xyz, v5, s50.xyz), s50.w); s51 = vec4<f32>(fma(w1.xyz, v5, s51.xyz), s51.w); s52 = vec4<f32>(fma(w2.xyz, v5, s52.xyz), s52.w); s53 = vec4<f32>(fma(w3.xyz, v5, s53.xyz), s53.w);
      let v6 = vec3<f32>(hv6.y);
      s60 = vec4<f32>(fma(w0.xyz, v6, s60.xyz), s60.w); s61 = vec4<f32>(fma(w1.xyz, v6, s61.xyz), s61.w); s62 = vec4<f32>(fma(w2.xyz, v6, s62.xyz), s62.w); s63 = vec4<f32>(fma(w3.xyz, v6, s63.xyz), s63.w);
      let v7 = vec3<f32>(hv7.y);
      s70 = vec4<f32>(fma(w0.xyz, v7, s70.xyz), s70.w); s71 = vec4<f32>(fma(w1.xyz, v7, s71.xyz), s71.w); s72 = vec4<f32>(fma(w2.xyz, v7, s72.xyz), s72.w); s73 = vec4<f32>(fma(w3.xyz, v7, s73.xyz), s73.w);
    }
    {
      let row = min(kq * 4u + 2u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.z);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.z);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.z);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.z);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
      let v4 = vec3<f32>(hv4.z);
      s40 = vec4<f32>(fma(w0.xyz, v4, s40.xyz), s40.w); s41 = vec4<f32>(fma(w1.xyz, v4, s41.xyz), s41.w); s42 = vec4<f32>(fma(w2.xyz, v4, s42.xyz), s42.w); s43 = vec4<f32>(fma(w3.xyz, v4, s43.xyz), s43.w);
      let v5 = vec3<f32>(hv5.z);
      s50 = vec4<f32>(fma(w0.xyz, v5, s50.xyz), s50.w); s51 = vec4<f32>(fma(w1.xyz, v5, s51.xyz), s51.w); s52 = vec4<f32>(fma(w2.xyz, v5, s52.xyz), s52.w); s53 = vec4<f32>(fma(w3.xyz, v5, s53.xyz), s53.w);
      let v6 = vec3<f32>(hv6.z);
      s60 = vec4<f32>(fma(w0.xyz, v6, s60.xyz), s60.w); s61 = vec4<f32>(fma(w1.xyz, v6, s61.xyz), s61.w); s62 = vec4<f32>(fma(w2.xyz, v6, s62.xyz), s62.w); s63 = vec4<f32>(fma(w3.xyz, v6, s63.xyz), s63.w);
      let v7 = vec3<f32>(hv7.z);
      s70 = vec4<f32>(fma(w0.xyz, v7, s70.xyz), s70.w); s71 = vec4<f32>(fma(w1.xyz, v7, s71.xyz), s71.w); s72 = vec4<f32>(fma(w2.xyz, v7, s72.xyz), s72.w); s73 = vec4<f32>(fma(w3.xyz, v7, s73.xyz), s73.w);
    }
    {
      let row = min(kq * 4u + 3u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec3<f32>(hv0.w);
      s00 = vec4<f32>(fma(w0.xyz, v0, s00.xyz), s00.w); s01 = vec4<f32>(fma(w1.xyz, v0, s01.xyz), s01.w); s02 = vec4<f32>(fma(w2.xyz, v0, s02.xyz), s02.w); s03 = vec4<f32>(fma(w3.xyz, v0, s03.xyz), s03.w);
      let v1 = vec3<f32>(hv1.w);
      s10 = vec4<f32>(fma(w0.xyz, v1, s10.xyz), s10.w); s11 = vec4<f32>(fma(w1.xyz, v1, s11.xyz), s11.w); s12 = vec4<f32>(fma(w2.xyz, v1, s12.xyz), s12.w); s13 = vec4<f32>(fma(w3.xyz, v1, s13.xyz), s13.w);
      let v2 = vec3<f32>(hv2.w);
      s20 = vec4<f32>(fma(w0.xyz, v2, s20.xyz), s20.w); s21 = vec4<f32>(fma(w1.xyz, v2, s21.xyz), s21.w); s22 = vec4<f32>(fma(w2.xyz, v2, s22.xyz), s22.w); s23 = vec4<f32>(fma(w3.xyz, v2, s23.xyz), s23.w);
      let v3 = vec3<f32>(hv3.w);
      s30 = vec4<f32>(fma(w0.xyz, v3, s30.xyz), s30.w); s31 = vec4<f32>(fma(w1.xyz, v3, s31.xyz), s31.w); s32 = vec4<f32>(fma(w2.xyz, v3, s32.xyz), s32.w); s33 = vec4<f32>(fma(w3.xyz, v3, s33.xyz), s33.w);
      let v4 = vec3<f32>(hv4.w);
      s40 = vec4<f32>(fma(w0.xyz, v4, s40.xyz), s40.w); s41 = vec4<f32>(fma(w1.xyz, v4, s41.xyz), s41.w); s42 = vec4<f32>(fma(w2.xyz, v4, s42.xyz), s42.w); s43 = vec4<f32>(fma(w3.xyz, v4, s43.xyz), s43.w);
      let v5 = vec3<f32>(hv5.w);
      s50 = vec4<f32>(fma(w0.xyz, v5, s50.xyz), s50.w); s51 = vec4<f32>(fma(w1.xyz, v5, s51.xyz), s51.w); s52 = vec4<f32>(fma(w2.xyz, v5, s52.xyz), s52.w); s53 = vec4<f32>(fma(w3.xyz, v5, s53.xyz), s53.w);
      let v6 = vec3<f32>(hv6.w);
      s60 = vec4<f32>(fma(w0.xyz, v6, s60.xyz), s60.w); s61 = vec4<f32>(fma(w1.xyz, v6, s61.xyz), s61.w); s62 = vec4<f32>(fma(w2.xyz, v6, s62.xyz), s62.w); s63 = vec4<f32>(fma(w3.xyz, v6, s63.xyz), s63.w);
      let v7 = vec3<f32>(hv7.w);
      s70 = vec4<f32>(fma(w0.xyz, v7, s70.xyz), s70.w); s71 = vec4<f32>(fma(w1.xyz, v7, s71.xyz), s71.w); s72 = vec4<f32>(fma(w2.xyz, v7, s72.xyz), s72.w); s73 = vec4<f32>(fma(w3.xyz, v7, s73.xyz), s73.w);
    }
  }
  // The block owns its rows' quad j0/4 of compact h_t (reset_after) or r ⊙ h_{t−1} (reset_before).
  let out = select(p.cq, p.hc_write, RESET_AFTER) + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s00), forward_cell(p, b, j0 + 1u, s01), forward_cell(p, b, j0 + 2u, s02), forward_cell(p, b, j0 + 3u, s03));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s10), forward_cell(p, b, j0 + 1u, s11), forward_cell(p, b, j0 + 2u, s12), forward_cell(p, b, j0 + 3u, s13));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s20), forward_cell(p, b, j0 + 1u, s21), forward_cell(p, b, j0 + 2u, s22), forward_cell(p, b, j0 + 3u, s23));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s30), forward_cell(p, b, j0 + 1u, s31), forward_cell(p, b, j0 + 2u, s32), forward_cell(p, b, j0 + 3u, s33));
  }
  if (b0 + 4u < p.batch) {
    let b = b0 + 4u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s40), forward_cell(p, b, j0 + 1u, s41), forward_cell(p, b, j0 + 2u, s42), forward_cell(p, b, j0 + 3u, s43));
  }
  if (b0 + 5u < p.batch) {
    let b = b0 + 5u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s50), forward_cell(p, b, j0 + 1u, s51), forward_cell(p, b, j0 + 2u, s52), forward_cell(p, b, j0 + 3u, s53));
  }
  if (b0 + 6u < p.batch) {
    let b = b0 + 6u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s60), forward_cell(p, b, j0 + 1u, s61), forward_cell(p, b, j0 + 2u, s62), forward_cell(p, b, j0 + 3u, s63));
  }
  if (b0 + 7u < p.batch) {
    let b = b0 + 7u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s70), forward_cell(p, b, j0 + 1u, s71), forward_cell(p, b, j0 + 2u, s72), forward_cell(p, b, j0 + 3u, s73));
  }
}

/** reset_after: the whole step. reset_before: forward_zr8 (z, r, r ⊙ h), then forward_candidate8. */
@compute @workgroup_size(WG)
fn forward8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units, 8u)) { return; }
  let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);
  forward_block8(p, o.x, o.y);
}

/** reset_before: hh = act(xh + (r ⊙ h_{t−1})·Uh) and h_t for the 8×4 block, from compact r ⊙ h and Uhq. */
@compute @workgroup_size(WG)
fn forward_candidate8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units, 8u)) { return; }
  let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);
  let b0 = o.x;
  let j0 = o.y;
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_k = units - 1u;
  let mat = p.uhq + j0 / 4u;
  let x0 = p.cq + min(b0 + 0u, last_b) * quads;
  var a0 = vec4<f32>(0.0);
  let x1 = p.cq + min(b0 + 1u, last_b) * quads;
  var a1 = vec4<f32>(0.0);
  let x2 = p.cq + min(b0 + 2u, last_b) * quads;
  var a2 = vec4<f32>(0.0);
  let x3 = p.cq + min(b0 + 3u, last_b) * quads;
  var a3 = vec4<f32>(0.0);
  let x4 = p.cq + min(b0 + 4u, last_b) * quads;
  var a4 = vec4<f32>(0.0);
  let x5 = p.cq + min(b0 + 5u, last_b) * quads;
  var a5 = vec4<f32>(0.0);
  let x6 = p.cq + min(b0 + 6u, last_b) * quads;
  var a6 = vec4<f32>(0.0);
  let x7 = p.cq + min(b0 + 7u, last_b) * quads;
  var a7 = vec4<f32>(0.0);
  for (var kq = 0u; kq < quads; kq++) {
    let v0 = scratch[x0 + kq];
    let v1 = scratch[x1 + kq];
    let v2 = scratch[x2 + kq];
    let v3 = scratch[x3 + kq];
    let v4 = scratch[x4 + kq];
    let v5 = scratch[x5 + kq];
    let v6 = scratch[x6 + kq];
    let v7 = scratch[x7 + kq];
    let w0 = scratch[mat + min(kq * 4u + 0u, last_k) * quads];
    let w1 = scratch[mat + min(kq * 4u + 1u, last_k) * quads];
    let w2 = scratch[mat + min(kq * 4u + 2u, last_k) * quads];
    let w3 = scratch[mat + min(kq * 4u + 3u, last_k) * quads];
    a0 = fma(w3, vec4<f32>(v0.w), fma(w2, vec4<f32>(v0.z), fma(w1, vec4<f32>(v0.y), fma(w0, vec4<f32>(v0.x), a0))));
    a1 = fma(w3, vec4<f32>(v1.w), fma(w2, vec4<f32>(v1.z), fma(w1, vec4<f32>(v1.y), fma(w0, vec4<f32>(v1.x), a1))));
    a2 = fma(w3, vec4<f32>(v2.w), fma(w2, vec4<f32>(v2.z), fma(w1, vec4<f32>(v2.y), fma(w0, vec4<f32>(v2.x), a2))));
    a3 = fma(w3, vec4<f32>(v3.w), fma(w2, vec4<f32>(v3.z), fma(w1, vec4<f32>(v3.y), fma(w0, vec4<f32>(v3.x), a3))));
    a4 = fma(w3, vec4<f32>(v4.w), fma(w2, vec4<f32>(v4.z), fma(w1, vec4<f32>(v4.y), fma(w0, vec4<f32>(v4.x), a4))));
    a5 = fma(w3, vec4<f32>(v5.w), fma(w2, vec4<f32>(v5.z), fma(w1, vec4<f32>(v5.y), fma(w0, vec4<f32>(v5.x), a5))));
    a6 = fma(w3, vec4<f32>(v6.w), fma(w2, vec4<f32>(v6.z), fma(w1, vec4<f32>(v6.y), fma(w0, vec4<f32>(v6.x), a6))));
    a7 = fma(w3, vec4<f32>(v7.w), fma(w2, vec4<f32>(v7.z), fma(w1, vec4<f32>(v7.y), fma(w0, vec4<f32>(v7.x), a7))));
  }
  let out = p.hc_write + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a0.x), candidate_cell(p, b, j0 + 1u, a0.y), candidate_cell(p, b, j0 + 2u, a0.z), candidate_cell(p, b, j0 + 3u, a0.w));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a1.x), candidate_cell(p, b, j0 + 1u, a1.y), candidate_cell(p, b, j0 + 2u, a1.z), candidate_cell(p, b, j0 + 3u, a1.w));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a2.x), candidate_cell(p, b, j0 + 1u, a2.y), candidate_cell(p, b, j0 + 2u, a2.z), candidate_cell(p, b, j0 + 3u, a2.w));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a3.x), candidate_cell(p, b, j0 + 1u, a3.y), candidate_cell(p, b, j0 + 2u, a3.z), candidate_cell(p, b, j0 + 3u, a3.w));
  }
  if (b0 + 4u < p.batch) {
    let b = b0 + 4u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a4.x), candidate_cell(p, b, j0 + 1u, a4.y), candidate_cell(p, b, j0 + 2u, a4.z), candidate_cell(p, b, j0 + 3u, a4.w));
  }
  if (b0 + 5u < p.batch) {
    let b = b0 + 5u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a5.x), candidate_cell(p, b, j0 + 1u, a5.y), candidate_cell(p, b, j0 + 2u, a5.z), candidate_cell(p, b, j0 + 3u, a5.w));
  }
  if (b0 + 6u < p.batch) {
    let b = b0 + 6u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a6.x), candidate_cell(p, b, j0 + 1u, a6.y), candidate_cell(p, b, j0 + 2u, a6.z), candidate_cell(p, b, j0 + 3u, a6.w));
  }
  if (b0 + 7u < p.batch) {
    let b = b0 + 7u;
    scratch[out + b * quads] = vec4<f32>(candidate_cell(p, b, j0 + 0u, a7.x), candidate_cell(p, b, j0 + 1u, a7.y), candidate_cell(p, b, j0 + 2u, a7.z), candidate_cell(p, b, j0 + 3u, a7.w));
  }
}

/**
 * reset_after: one backward step of the 8×4 block: gather dh from dG[t'] (the step run after this one
 * wrote it; this one writes dG[t] only, so the reads never race), then the cells.
 */
fn backward_block8(p: BackParams, b0: u32, j0: u32) {
  let units = p.units;
  let last = is_last_step(p.t, p.timesteps);
  var d0 = vec4<f32>(0.0);
  var d1 = vec4<f32>(0.0);
  var d2 = vec4<f32>(0.0);
  var d3 = vec4<f32>(0.0);
  var d4 = vec4<f32>(0.0);
  var d5 = vec4<f32>(0.0);
  var d6 = vec4<f32>(0.0);
  var d7 = vec4<f32>(0.0);
  if (!last) {
    let last_b = p.batch - 1u;
    let last_j = units - 1u;
    let base = following_time(p.t) * p.batch;
    let g0 = (base + min(b0 + 0u, last_b)) * units;
    let g1 = (base + min(b0 + 1u, last_b)) * units;
    let g2 = (base + min(b0 + 2u, last_b)) * units;
    let g3 = (base + min(b0 + 3u, last_b)) * units;
    let g4 = (base + min(b0 + 4u, last_b)) * units;
    let g5 = (base + min(b0 + 5u, last_b)) * units;
    let g6 = (base + min(b0 + 6u, last_b)) * units;
    let g7 = (base + min(b0 + 7u, last_b)) * units;
    let u0 = min(j0 + 0u, last_j) * units;
    let u1 = min(j0 + 1u, last_j) * units;
    let u2 = min(j0 + 2u, last_j) * units;
    let u3 = min(j0 + 3u, last_j) * units;
    for (var k = 0u; k < units; k++) {
      let w = mat4x3<f32>(scratch[u0 + k].xyz, scratch[u1 + k].xyz, scratch[u2 + k].xyz, scratch[u3 + k].xyz);
      d0 += dgates[g0 + k].xyz * w;
      d1 += dgates[g1 + k].xyz * w;
      d2 += dgates[g2 + k].xyz * w;
      d3 += dgates[g3 + k].xyz * w;
      d4 += dgates[g4 + k].xyz * w;
      d5 += dgates[g5 + k].xyz * w;
      d6 += dgates[g6 + k].xyz * w;
      d7 += dgates[g7 + k].xyz * w;
    }
  }
  backward_cell(p, b0 + 0u, j0 + 0u, d0.x, last);
  backward_cell(p, b0 + 0u, j0 + 1u, d0.y, last);
  backward_cell(p, b0 + 0u, j0 + 2u, d0.z, last);
  backward_cell(p, b0 + 0u, j0 + 3u, d0.w, last);
  backward_cell(p, b0 + 1u, j0 + 0u, d1.x, last);
  backward_cell(p, b0 + 1u, j0 + 1u, d1.y, last);
  backward_cell(p, b0 + 1u, j0 + 2u, d1.z, last);
  backward_cell(p, b0 + 1u, j0 + 3u, d1.w, last);
  backward_cell(p, b0 + 2u, j0 + 0u, d2.x, last);
  backward_cell(p, b0 + 2u, j0 + 1u, d2.y, last);
  backward_cell(p, b0 + 2u, j0 + 2u, d2.z, last);
  backward_cell(p, b0 + 2u, j0 + 3u, d2.w, last);
  backward_cell(p, b0 + 3u, j0 + 0u, d3.x, last);
  backward_cell(p, b0 + 3u, j0 + 1u, d3.y, last);
  backward_cell(p, b0 + 3u, j0 + 2u, d3.z, last);
  backward_cell(p, b0 + 3u, j0 + 3u, d3.w, last);
  backward_cell(p, b0 + 4u, j0 + 0u, d4.x, last);
  backward_cell(p, b0 + 4u, j0 + 1u, d4.y, last);
  backward_cell(p, b0 + 4u, j0 + 2u, d4.z, last);
  backward_cell(p, b0 + 4u, j0 + 3u, d4.w, last);
  backward_cell(p, b0 + 5u, j0 + 0u, d5.x, last);
  backward_cell(p, b0 + 5u, j0 + 1u, d5.y, last);
  backward_cell(p, b0 + 5u, j0 + 2u, d5.z, last);
  backward_cell(p, b0 + 5u, j0 + 3u, d5.w, last);
  backward_cell(p, b0 + 6u, j0 + 0u, d6.x, last);
  backward_cell(p, b0 + 6u, j0 + 1u, d6.y, last);
  backward_cell(p, b0 + 6u, j0 + 2u, d6.z, last);
  backward_cell(p, b0 + 6u, j0 + 3u, d6.w, last);
  backward_cell(p, b0 + 7u, j0 + 0u, d7.x, last);
  backward_cell(p, b0 + 7u, j0 + 1u, d7.y, last);
  backward_cell(p, b0 + 7u, j0 + 2u, d7.z, last);
  backward_cell(p, b0 + 7u, j0 + 3u, d7.w, last);
}

/**
 * reset_before: backward_block8's gather, then dz, da and dh of the cells, and compact da (the block owns
 * its rows' quad j0/4) for backward_reset8.
 */
fn update_block8(p: BackParams, b0: u32, j0: u32) {
  let units = p.units;
  let last = is_last_step(p.t, p.timesteps);
  var d0 = vec4<f32>(0.0);
  var d1 = vec4<f32>(0.0);
  var d2 = vec4<f32>(0.0);
  var d3 = vec4<f32>(0.0);
  var d4 = vec4<f32>(0.0);
  var d5 = vec4<f32>(0.0);
  var d6 = vec4<f32>(0.0);
  var d7 = vec4<f32>(0.0);
  if (!last) {
    let last_b = p.batch - 1u;
    let last_j = units - 1u;
    let base = following_time(p.t) * p.batch;
    let g0 = (base + min(b0 + 0u, last_b)) * units;
    let g1 = (base + min(b0 + 1u, last_b)) * units;
    let g2 = (base + min(b0 + 2u, last_b)) * units;
    let g3 = (base + min(b0 + 3u, last_b)) * units;
    let g4 = (base + min(b0 + 4u, last_b)) * units;
    let g5 = (base + min(b0 + 5u, last_b)) * units;
    let g6 = (base + min(b0 + 6u, last_b)) * units;
    let g7 = (base + min(b0 + 7u, last_b)) * units;
    let u0 = min(j0 + 0u, last_j) * units;
    let u1 = min(j0 + 1u, last_j) * units;
    let u2 = min(j0 + 2u, last_j) * units;
    let u3 = min(j0 + 3u, last_j) * units;
    for (var k = 0u; k < units; k++) {
      let w = mat4x2<f32>(scratch[u0 + k].xy, scratch[u1 + k].xy, scratch[u2 + k].xy, scratch[u3 + k].xy);
      d0 += dgates[g0 + k].xy * w;
      d1 += dgates[g1 + k].xy * w;
      d2 += dgates[g2 + k].xy * w;
      d3 += dgates[g3 + k].xy * w;
      d4 += dgates[g4 + k].xy * w;
      d5 += dgates[g5 + k].xy * w;
      d6 += dgates[g6 + k].xy * w;
      d7 += dgates[g7 + k].xy * w;
    }
  }
  let quads = (units + 3u) / 4u;
  let out = p.cq + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d0.x, last), update_cell(p, b, j0 + 1u, d0.y, last), update_cell(p, b, j0 + 2u, d0.z, last), update_cell(p, b, j0 + 3u, d0.w, last));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d1.x, last), update_cell(p, b, j0 + 1u, d1.y, last), update_cell(p, b, j0 + 2u, d1.z, last), update_cell(p, b, j0 + 3u, d1.w, last));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d2.x, last), update_cell(p, b, j0 + 1u, d2.y, last), update_cell(p, b, j0 + 2u, d2.z, last), update_cell(p, b, j0 + 3u, d2.w, last));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d3.x, last), update_cell(p, b, j0 + 1u, d3.y, last), update_cell(p, b, j0 + 2u, d3.z, last), update_cell(p, b, j0 + 3u, d3.w, last));
  }
  if (b0 + 4u < p.batch) {
    let b = b0 + 4u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d4.x, last), update_cell(p, b, j0 + 1u, d4.y, last), update_cell(p, b, j0 + 2u, d4.z, last), update_cell(p, b, j0 + 3u, d4.w, last));
  }
  if (b0 + 5u < p.batch) {
    let b = b0 + 5u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d5.x, last), update_cell(p, b, j0 + 1u, d5.y, last), update_cell(p, b, j0 + 2u, d5.z, last), update_cell(p, b, j0 + 3u, d5.w, last));
  }
  if (b0 + 6u < p.batch) {
    let b = b0 + 6u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d6.x, last), update_cell(p, b, j0 + 1u, d6.y, last), update_cell(p, b, j0 + 2u, d6.z, last), update_cell(p, b, j0 + 3u, d6.w, last));
  }
  if (b0 + 7u < p.batch) {
    let b = b0 + 7u;
    scratch[out + b * quads] = vec4<f32>(update_cell(p, b, j0 + 0u, d7.x, last), update_cell(p, b, j0 + 1u, d7.y, last), update_cell(p, b, j0 + 2u, d7.z, last), update_cell(p, b, j0 + 3u, d7.w, last));
  }
}

/** reset_after: the whole backward step (8×4 blocks). */
@compute @workgroup_size(WG)
fn backward8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units, 8u)) { return; }
  let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);
  backward_block8(p, o.x, o.y);
}

/** reset_before: dz, da and dh of the 8×4 block; backward_reset8 finishes the step. */
@compute @workgroup_size(WG)
fn backward_update8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units, 8u)) { return; }
  let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);
  update_block8(p, o.x, o.y);
}

/** reset_before: drh = da·Uhᵀ for the 8×4 block (rows × units k) from compact da and Uht, then dr and carry. */
@compute @workgroup_size(WG)
fn backward_reset8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units, 8u)) { return; }
  let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);
  let b0 = o.x;
  let k0 = o.y;
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_k = units - 1u;
  let mat = p.uht + k0 / 4u;
  let x0 = p.cq + min(b0 + 0u, last_b) * quads;
  var a0 = vec4<f32>(0.0);
  let x1 = p.cq + min(b0 + 1u, last_b) * quads;
  var a1 = vec4<f32>(0.0);
  let x2 = p.cq + min(b0 + 2u, last_b) * quads;
  var a2 = vec4<f32>(0.0);
  let x3 = p.cq + min(b0 + 3u, last_b) * quads;
  var a3 = vec4<f32>(0.0);
  let x4 = p.cq + min(b0 + 4u, last_b) * quads;
  var a4 = vec4<f32>(0.0);
  let x5 = p.cq + min(b0 + 5u, last_b) * quads;
  var a5 = vec4<f32>(0.0);
  let x6 = p.cq + min(b0 + 6u, last_b) * quads;
  var a6 = vec4<f32>(0.0);
  let x7 = p.cq + min(b0 + 7u, last_b) * quads;
  var a7 = vec4<f32>(0.0);
  for (var jq = 0u; jq < quads; jq++) {
    let v0 = scratch[x0 + jq];
    let v1 = scratch[x1 + jq];
    let v2 = scratch[x2 + jq];
    let v3 = scratch[x3 + jq];
    let v4 = scratch[x4 + jq];
    let v5 = scratch[x5 + jq];
    let v6 = scratch[x6 + jq];
    let v7 = scratch[x7 + jq];
    let w0 = scratch[mat + min(jq * 4u + 0u, last_k) * quads];
    let w1 = scratch[mat + min(jq * 4u + 1u, last_k) * quads];
    let w2 = scratch[mat + min(jq * 4u + 2u, last_k) * quads];
    let w3 = scratch[mat + min(jq * 4u + 3u, last_k) * quads];
    a0 = fma(w3, vec4<f32>(v0.w), fma(w2, vec4<f32>(v0.z), fma(w1, vec4<f32>(v0.y), fma(w0, vec4<f32>(v0.x), a0))));
    a1 = fma(w3, vec4<f32>(v1.w), fma(w2, vec4<f32>(v1.z), fma(w1, vec4<f32>(v1.y), fma(w0, vec4<f32>(v1.x), a1))));
    a2 = fma(w3, vec4<f32>(v2.w), fma(w2, vec4<f32>(v2.z), fma(w1, vec4<f32>(v2.y), fma(w0, vec4<f32>(v2.x), a2))));
    a3 = fma(w3, vec4<f32>(v3.w), fma(w2, vec4<f32>(v3.z), fma(w1, vec4<f32>(v3.y), fma(w0, vec4<f32>(v3.x), a3))));
    a4 = fma(w3, vec4<f32>(v4.w), fma(w2, vec4<f32>(v4.z), fma(w1, vec4<f32>(v4.y), fma(w0, vec4<f32>(v4.x), a4))));
    a5 = fma(w3, vec4<f32>(v5.w), fma(w2, vec4<f32>(v5.z), fma(w1, vec4<f32>(v5.y), fma(w0, vec4<f32>(v5.x), a5))));
    a6 = fma(w3, vec4<f32>(v6.w), fma(w2, vec4<f32>(v6.z), fma(w1, vec4<f32>(v6.y), fma(w0, vec4<f32>(v6.x), a6))));
    a7 = fma(w3, vec4<f32>(v7.w), fma(w2, vec4<f32>(v7.z), fma(w1, vec4<f32>(v7.y), fma(w0, vec4<f32>(v7.x), a7))));
  }
  reset_cell(p, b0 + 0u, k0 + 0u, a0.x);
  reset_cell(p, b0 + 0u, k0 + 1u, a0.y);
  reset_cell(p, b0 + 0u, k0 + 2u, a0.z);
  reset_cell(p, b0 + 0u, k0 + 3u, a0.w);
  reset_cell(p, b0 + 1u, k0 + 0u, a1.x);
  reset_cell(p, b0 + 1u, k0 + 1u, a1.y);
  reset_cell(p, b0 + 1u, k0 + 2u, a1.z);
  reset_cell(p, b0 + 1u, k0 + 3u, a1.w);
  reset_cell(p, b0 + 2u, k0 + 0u, a2.x);
  reset_cell(p, b0 + 2u, k0 + 1u, a2.y);
  reset_cell(p, b0 + 2u, k0 + 2u, a2.z);
  reset_cell(p, b0 + 2u, k0 + 3u, a2.w);
  reset_cell(p, b0 + 3u, k0 + 0u, a3.x);
  reset_cell(p, b0 + 3u, k0 + 1u, a3.y);
  reset_cell(p, b0 + 3u, k0 + 2u, a3.z);
  reset_cell(p, b0 + 3u, k0 + 3u, a3.w);
  reset_cell(p, b0 + 4u, k0 + 0u, a4.x);
  reset_cell(p, b0 + 4u, k0 + 1u, a4.y);
  reset_cell(p, b0 + 4u, k0 + 2u, a4.z);
  reset_cell(p, b0 + 4u, k0 + 3u, a4.w);
  reset_cell(p, b0 + 5u, k0 + 0u, a5.x);
  reset_cell(p, b0 + 5u, k0 + 1u, a5.y);
  reset_cell(p, b0 + 5u, k0 + 2u, a5.z);
  reset_cell(p, b0 + 5u, k0 + 3u, a5.w);
  reset_cell(p, b0 + 6u, k0 + 0u, a6.x);
  reset_cell(p, b0 + 6u, k0 + 1u, a6.y);
  reset_cell(p, b0 + 6u, k0 + 2u, a6.z);
  reset_cell(p, b0 + 6u, k0 + 3u, a6.w);
  reset_cell(p, b0 + 7u, k0 + 0u, a7.x);
  reset_cell(p, b0 + 7u, k0 + 1u, a7.y);
  reset_cell(p, b0 + 7u, k0 + 2u, a7.z);
  reset_cell(p, b0 + 7u, k0 + 3u, a7.w);
}

/** bp + x_t·Wp + h_{t−1}·Up (or h_{t−1}·Up alone without FUSED_INPUT) of the 8×4 block, then its 32 cells. */
fn forward_block8_zr(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let x0 = p.hc_read + min(b0 + 0u, last_b) * quads;
  let x1 = p.hc_read + min(b0 + 1u, last_b) * quads;
  let x2 = p.hc_read + min(b0 + 2u, last_b) * quads;
  let x3 = p.hc_read + min(b0 + 3u, last_b) * quads;
  let x4 = p.hc_read + min(b0 + 4u, last_b) * quads;
  let x5 = p.hc_read + min(b0 + 5u, last_b) * quads;
  let x6 = p.hc_read + min(b0 + 6u, last_b) * quads;
  let x7 = p.hc_read + min(b0 + 7u, last_b) * quads;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  // s<r><c>: the sums of row b0+r, unit j0+c, in named registers (lstmStepVec4.wgsl measured it).
  var s00 = vec4<f32>(0.0); var s01 = vec4<f32>(0.0); var s02 = vec4<f32>(0.0); var s03 = vec4<f32>(0.0);
  var s10 = vec4<f32>(0.0); var s11 = vec4<f32>(0.0); var s12 = vec4<f32>(0.0); var s13 = vec4<f32>(0.0);
  var s20 = vec4<f32>(0.0); var s21 = vec4<f32>(0.0); var s22 = vec4<f32>(0.0); var s23 = vec4<f32>(0.0);
  var s30 = vec4<f32>(0.0); var s31 = vec4<f32>(0.0); var s32 = vec4<f32>(0.0); var s33 = vec4<f32>(0.0);
  var s40 = vec4<f32>(0.0); var s41 = vec4<f32>(0.0); var s42 = vec4<f32>(0.0); var s43 = vec4<f32>(0.0);
  var s50 = vec4<f32>(0.0); var s51 = vec4<f32>(0.0); var s52 = vec4<f32>(0.0); var s53 = vec4<f32>(0.0);
  var s60 = vec4<f32>(0.0); var s61 = vec4<f32>(0.0); var s62 = vec4<f32>(0.0); var s63 = vec4<f32>(0.0);
  var s70 = vec4<f32>(0.0); var s71 = vec4<f32>(0.0); var s72 = vec4<f32>(0.0); var s73 = vec4<f32>(0.0);
  if (FUSED_INPUT) {
    let bv0 = scratch[p.bp + q.x];
    let bv1 = scratch[p.bp + q.y];
    let bv2 = scratch[p.bp + q.z];
    let bv3 = scratch[p.bp + q.w];
    s00 = bv0; s01 = bv1; s02 = bv2; s03 = bv3;
    s10 = bv0; s11 = bv1; s12 = bv2; s13 = bv3;
    s20 = bv0; s21 = bv1; s22 = bv2; s23 = bv3;
    s30 = bv0; s31 = bv1; s32 = bv2; s33 = bv3;
    s40 = bv0; s41 = bv1; s42 = bv2; s43 = bv3;
    s50 = bv0; s51 = bv1; s52 = bv2; s53 = bv3;
    s60 = bv0; s61 = bv1; s62 = bv2; s63 = bv3;
    s70 = bv0; s71 = bv1; s72 = bv2; s73 = bv3;
    let xt = p.x_offset + p.t * p.batch * p.features;
    let xr0 = xt + min(b0 + 0u, last_b) * p.features;
    let xr1 = xt + min(b0 + 1u, last_b) * p.features;
    let xr2 = xt + min(b0 + 2u, last_b) * p.features;
    let xr3 = xt + min(b0 + 3u, last_b) * p.features;
    let xr4 = xt + min(b0 + 4u, last_b) * p.features;
    let xr5 = xt + min(b0 + 5u, last_b) * p.features;
    let xr6 = xt + min(b0 + 6u, last_b) * p.features;
    let xr7 = xt + min(b0 + 7u, last_b) * p.features;
    for (var f = 0u; f < p.features; f++) {
      let row = p.wp + f * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(x_in[xr0 + f]);
      s00 = fma(w0, v0, s00); s01 = fma(w1, v0, s01); s02 = fma(w2, v0, s02); s03 = fma(w3, v0, s03);
      let v1 = vec4<f32>(x_in[xr1 + f]);
      s10 = fma(w0, v1, s10); s11 = fma(w1, v1, s11); s12 = fma(w2, v1, s12); s13 = fma(w3, v1, s13);
      let v2 = vec4<f32>(x_in[xr2 + f]);
      s20 = fma(w0, v2, s20); s21 = fma(w1, v2, s21); s22 = fma(w2, v2, s22); s23 = fma(w3, v2, s23);
      let v3 = vec4<f32>(x_in[xr3 + f]);
      s30 = fma(w0, v3, s30); s31 = fma(w1, v3, s31); s32 = fma(w2, v3, s32); s33 = fma(w3, v3, s33);
      let v4 = vec4<f32>(x_in[xr4 + f]);
      s40 = fma(w0, v4, s40); s41 = fma(w1, v4, s41); s42 = fma(w2, v4, s42); s43 = fma(w3, v4, s43);
      let v5 = vec4<f32>(x_in[xr5 + f]);
      s50 = fma(w0, v5, s50); s51 = fma(w1, v5, s51); s52 = fma(w2, v5, s52); s53 = fma(w3, v5, s53);
      let v6 = vec4<f32>(x_in[xr6 + f]);
      s60 = fma(w0, v6, s60); s61 = fma(w1, v6, s61); s62 = fma(w2, v6, s62); s63 = fma(w3, v6, s63);
      let v7 = vec4<f32>(x_in[xr7 + f]);
      s70 = fma(w0, v7, s70); s71 = fma(w1, v7, s71); s72 = fma(w2, v7, s72); s73 = fma(w3, v7, s73);
    }
  }
  for (var kq = 0u; kq < quads; kq++) {
    let hv0 = scratch[x0 + kq];
    let hv1 = scratch[x1 + kq];
    let hv2 = scratch[x2 + kq];
    let hv3 = scratch[x3 + kq];
    let hv4 = scratch[x4 + kq];
    let hv5 = scratch[x5 + kq];
    let hv6 = scratch[x6 + kq];
    let hv7 = scratch[x7 + kq];
    {
      let row = min(kq * 4u + 0u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.x);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.x);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.x);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.x);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
      let v4 = vec2<f32>(hv4.x);
      s40 = vec4<f32>(fma(w0.xy, v4, s40.xy), s40.zw); s41 = vec4<f32>(fma(w1.xy, v4, s41.xy), s41.zw); s42 = vec4<f32>(fma(w2.xy, v4, s42.xy), s42.zw); s43 = vec4<f32>(fma(w3.xy, v4, s43.xy), s43.zw);
      let v5 = vec2<f32>(hv5.x);
      s50 = vec4<f32>(fma(w0.xy, v5, s50.xy), s50.zw); s51 = vec4<f32>(fma(w1.xy, v5, s51.xy), s51.zw); s52 = vec4<f32>(fma(w2.xy, v5, s52.xy), s52.zw); s53 = vec4<f32>(fma(w3.xy, v5, s53.xy), s53.zw);
      let v6 = vec2<f32>(hv6.x);
      s60 = vec4<f32>(fma(w0.xy, v6, s60.xy), s60.zw); s61 = vec4<f32>(fma(w1.xy, v6, s61.xy), s61.zw); s62 = vec4<f32>(fma(w2.xy, v6, s62.xy), s62.zw); s63 = vec4<f32>(fma(w3.xy, v6, s63.xy), s63.zw);
      let v7 = vec2<f32>(hv7.x);
      s70 = vec4<f32>(fma(w0.xy, v7, s70.xy), s70.zw); s71 = vec4<f32>(fma(w1.xy, v7, s71.xy), s71.zw); s72 = vec4<f32>(fma(w2.xy, v7, s72.xy), s72.zw); s73 = vec4<f32>(fma(w3.xy, v7, s73.xy), s73.zw);
    }
    {
      let row = min(kq * 4u + 1u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.y);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.y);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.y);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.y);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
      let v4 = vec2<f32>(hv4.y);
      s40 = vec4<f32>(fma(w0.xy, v4, s40.xy), s40.zw); s41 = vec4<f32>(fma(w1.xy, v4, s41.xy), s41.zw); s42 = vec4<f32>(fma(w2.xy, v4, s42.xy), s42.zw); s43 = vec4<f32>(fma(w3.xy, v4, s43.xy), s43.zw);
      let v5 = vec2<f32>(hv5.y);
      s50 = vec4<f32>(fma(w0.xy, v5, s50.xy), s50.zw); s51 = vec4<f32>(fma(w1.xy, v5, s51.xy), s51.zw); s52 = vec4<f32>(fma(w2.xy, v5, s52.xy), s52.zw); s53 = vec4<f32>(fma(w3.xy, v5, s53.xy), s53.zw);
      let v6 = vec2<f32>(hv6.y);
      s60 = vec4<f32>(fma(w0.xy, v6, s60.xy), s60.zw); s61 = vec4<f32>(fma(w1.xy, v6, s61.xy), s61.zw); s62 = vec4<f32>(fma(w2.xy, v6, s62.xy), s62.zw); s63 = vec4<f32>(fma(w3.xy, v6, s63.xy), s63.zw);
      let v7 = vec2<f32>(hv7.y);
      s70 = vec4<f32>(fma(w0.xy, v7, s70.xy), s70.zw); s71 = vec4<f32>(fma(w1.xy, v7, s71.xy), s71.zw); s72 = vec4<f32>(fma(w2.xy, v7, s72.xy), s72.zw); s73 = vec4<f32>(fma(w3.xy, v7, s73.xy), s73.zw);
    }
    {
      let row = min(kq * 4u + 2u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.z);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.z);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.z);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.z);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
      let v4 = vec2<f32>(hv4.z);
      s40 = vec4<f32>(fma(w0.xy, v4, s40.xy), s40.zw); s41 = vec4<f32>(fma(w1.xy, v4, s41.xy), s41.zw); s42 = vec4<f32>(fma(w2.xy, v4, s42.xy), s42.zw); s43 = vec4<f32>(fma(w3.xy, v4, s43.xy), s43.zw);
      let v5 = vec2<f32>(hv5.z);
      s50 = vec4<f32>(fma(w0.xy, v5, s50.xy), s50.zw); s51 = vec4<f32>(fma(w1.xy, v5, s51.xy), s51.zw); s52 = vec4<f32>(fma(w2.xy, v5, s52.xy), s52.zw); s53 = vec4<f32>(fma(w3.xy, v5, s53.xy), s53.zw);
      let v6 = vec2<f32>(hv6.z);
      s60 = vec4<f32>(fma(w0.xy, v6, s60.xy), s60.zw); s61 = vec4<f32>(fma(w1.xy, v6, s61.xy), s61.zw); s62 = vec4<f32>(fma(w2.xy, v6, s62.xy), s62.zw); s63 = vec4<f32>(fma(w3.xy, v6, s63.xy), s63.zw);
      let v7 = vec2<f32>(hv7.z);
      s70 = vec4<f32>(fma(w0.xy, v7, s70.xy), s70.zw); s71 = vec4<f32>(fma(w1.xy, v7, s71.xy), s71.zw); s72 = vec4<f32>(fma(w2.xy, v7, s72.xy), s72.zw); s73 = vec4<f32>(fma(w3.xy, v7, s73.xy), s73.zw);
    }
    {
      let row = min(kq * 4u + 3u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec2<f32>(hv0.w);
      s00 = vec4<f32>(fma(w0.xy, v0, s00.xy), s00.zw); s01 = vec4<f32>(fma(w1.xy, v0, s01.xy), s01.zw); s02 = vec4<f32>(fma(w2.xy, v0, s02.xy), s02.zw); s03 = vec4<f32>(fma(w3.xy, v0, s03.xy), s03.zw);
      let v1 = vec2<f32>(hv1.w);
      s10 = vec4<f32>(fma(w0.xy, v1, s10.xy), s10.zw); s11 = vec4<f32>(fma(w1.xy, v1, s11.xy), s11.zw); s12 = vec4<f32>(fma(w2.xy, v1, s12.xy), s12.zw); s13 = vec4<f32>(fma(w3.xy, v1, s13.xy), s13.zw);
      let v2 = vec2<f32>(hv2.w);
      s20 = vec4<f32>(fma(w0.xy, v2, s20.xy), s20.zw); s21 = vec4<f32>(fma(w1.xy, v2, s21.xy), s21.zw); s22 = vec4<f32>(fma(w2.xy, v2, s22.xy), s22.zw); s23 = vec4<f32>(fma(w3.xy, v2, s23.xy), s23.zw);
      let v3 = vec2<f32>(hv3.w);
      s30 = vec4<f32>(fma(w0.xy, v3, s30.xy), s30.zw); s31 = vec4<f32>(fma(w1.xy, v3, s31.xy), s31.zw); s32 = vec4<f32>(fma(w2.xy, v3, s32.xy), s32.zw); s33 = vec4<f32>(fma(w3.xy, v3, s33.xy), s33.zw);
      let v4 = vec2<f32>(hv4.w);
      s40 = vec4<f32>(fma(w0.xy, v4, s40.xy), s40.zw); s41 = vec4<f32>(fma(w1.xy, v4, s41.xy), s41.zw); s42 = vec4<f32>(fma(w2.xy, v4, s42.xy), s42.zw); s43 = vec4<f32>(fma(w3.xy, v4, s43.xy), s43.zw);
      let v5 = vec2<f32>(hv5.w);
      s50 = vec4<f32>(fma(w0.xy, v5, s50.xy), s50.zw); s51 = vec4<f32>(fma(w1.xy, v5, s51.xy), s51.zw); s52 = vec4<f32>(fma(w2.xy, v5, s52.xy), s52.zw); s53 = vec4<f32>(fma(w3.xy, v5, s53.xy), s53.zw);
      let v6 = vec2<f32>(hv6.w);
      s60 = vec4<f32>(fma(w0.xy, v6, s60.xy), s60.zw); s61 = vec4<f32>(fma(w1.xy, v6, s61.xy), s61.zw); s62 = vec4<f32>(fma(w2.xy, v6, s62.xy), s62.zw); s63 = vec4<f32>(fma(w3.xy, v6, s63.xy), s63.zw);
      let v7 = vec2<f32>(hv7.w);
      s70 = vec4<f32>(fma(w0.xy, v7, s70.xy), s70.zw); s71 = vec4<f32>(fma(w1.xy, v7, s71.xy), s71.zw); s72 = vec4<f32>(fma(w2.xy, v7, s72.xy), s72.zw); s73 = vec4<f32>(fma(w3.xy, v7, s73.xy), s73.zw);
    }
  }
  // The block owns its rows' quad j0/4 of compact h_t (reset_after) or r ⊙ h_{t−1} (reset_before).
  let out = select(p.cq, p.hc_write, RESET_AFTER) + j0 / 4u;
  if (b0 + 0u < p.batch) {
    let b = b0 + 0u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s00), forward_cell(p, b, j0 + 1u, s01), forward_cell(p, b, j0 + 2u, s02), forward_cell(p, b, j0 + 3u, s03));
  }
  if (b0 + 1u < p.batch) {
    let b = b0 + 1u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s10), forward_cell(p, b, j0 + 1u, s11), forward_cell(p, b, j0 + 2u, s12), forward_cell(p, b, j0 + 3u, s13));
  }
  if (b0 + 2u < p.batch) {
    let b = b0 + 2u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s20), forward_cell(p, b, j0 + 1u, s21), forward_cell(p, b, j0 + 2u, s22), forward_cell(p, b, j0 + 3u, s23));
  }
  if (b0 + 3u < p.batch) {
    let b = b0 + 3u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s30), forward_cell(p, b, j0 + 1u, s31), forward_cell(p, b, j0 + 2u, s32), forward_cell(p, b, j0 + 3u, s33));
  }
  if (b0 + 4u < p.batch) {
    let b = b0 + 4u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s40), forward_cell(p, b, j0 + 1u, s41), forward_cell(p, b, j0 + 2u, s42), forward_cell(p, b, j0 + 3u, s43));
  }
  if (b0 + 5u < p.batch) {
    let b = b0 + 5u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s50), forward_cell(p, b, j0 + 1u, s51), forward_cell(p, b, j0 + 2u, s52), forward_cell(p, b, j0 + 3u, s53));
  }
  if (b0 + 6u < p.batch) {
    let b = b0 + 6u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s60), forward_cell(p, b, j0 + 1u, s61), forward_cell(p, b, j0 + 2u, s62), forward_cell(p, b, j0 + 3u, s63));
  }
  if (b0 + 7u < p.batch) {
    let b = b0 + 7u;
    scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, s70), forward_cell(p, b, j0 + 1u, s71), forward_cell(p, b, j0 + 2u, s72), forward_cell(p, b, j0 + 3u, s73));
  }
}

/** reset_after: the whole step. reset_before: forward_zr8 (z, r, r ⊙ h), then forward_candidate8. */
@compute @workgroup_size(WG)
fn forward8_zr(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units, 8u)) { return; }
  let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);
  forward_block8_zr(p, o.x, o.y);
}

/**
 * Column r: Σ_k dG[t_src, b0+r, k]·Up[j0+q, k] (lane q) — what the gate gradients of step t_src send back to
 * h[b0+r, j0+q] through U (Up's lane 3 is zero, so dG's da lane drops out).
 */
fn through_recurrent(t_src: u32, b0: u32, j0: u32) -> mat4x4<f32> {
  let p = back_params;
  let units = p.units;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let base = t_src * p.batch;
  let g0 = (base + b0) * units;
  let g1 = (base + min(b0 + 1u, last_b)) * units;
  let g2 = (base + min(b0 + 2u, last_b)) * units;
  let g3 = (base + min(b0 + 3u, last_b)) * units;
  let u0 = j0 * units;
  let u1 = min(j0 + 1u, last_j) * units;
  let u2 = min(j0 + 2u, last_j) * units;
  let u3 = min(j0 + 3u, last_j) * units;
  var d0 = vec4<f32>(0.0);
  var d1 = vec4<f32>(0.0);
  var d2 = vec4<f32>(0.0);
  var d3 = vec4<f32>(0.0);
  for (var k = 0u; k < units; k++) {
    let w = mat4x4<f32>(scratch[u0 + k], scratch[u1 + k], scratch[u2 + k], scratch[u3 + k]);
    d0 += dgates[g0 + k] * w;
    d1 += dgates[g1 + k] * w;
    d2 += dgates[g2 + k] * w;
    d3 += dgates[g3 + k] * w;
  }
  return mat4x4<f32>(d0, d1, d2, d3);
}

/** Once after the loop (uniform t = the first step run): dh0 = carry + dG[t]·Upᵀ, per 4×4 block. */
@compute @workgroup_size(WG)
fn initial_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units, 4u)) { return; }
  let origin = block_origin(idx, p.units);
  let g = through_recurrent(p.t, origin.x, origin.y);
  for (var r = 0u; r < 4u; r++) {
    let b = origin.x + r;
    for (var q = 0u; q < 4u; q++) {
      let j = origin.y + q;
      if (b < p.batch && j < p.units) {
        let at = b * p.units + j;
        dh0[at] = carry[at] + g[r][q];
      }
    }
  }
}

/** Σ_r dG[r, j] (whole vec4), rows in order: deterministic, no atomics. */
fn column_sums(j: u32) -> vec4<f32> {
  let bp = bias_params;
  var sum = vec4<f32>(0.0);
  for (var r = 0u; r < bp.rows; r++) {
    sum += dg_sum[r * bp.units + j];
  }
  return sum;
}

/** db_in[gate·u + j] from lanes (0, 1, 3): one invocation per unit. */
@compute @workgroup_size(WG)
fn bias_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let u = bias_params.units;
  if (j >= u) { return; }
  let s = column_sums(j);
  db[j] = s.x;
  db[u + j] = s.y;
  db[2u * u + j] = s.w;
}

/** reset_after: db_in from lanes (0, 1, 3) and db_rec from lanes (0, 1, 2). */
@compute @workgroup_size(WG)
fn bias_grad_after(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let u = bias_params.units;
  if (j >= u) { return; }
  let s = column_sums(j);
  db[j] = s.x;
  db[u + j] = s.y;
  db[2u * u + j] = s.w;
  db_rec[j] = s.x;
  db_rec[u + j] = s.y;
  db_rec[2u * u + j] = s.z;
}

/** reset_before's dU: z and r columns from gt (lanes 0, 1), the candidate's from gt_h [u, u]. */
@compute @workgroup_size(WG)
fn unpack_split(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let up = unpack_params;
  let u = up.units;
  if (idx >= up.rows * u) { return; }
  let v = gt[idx];
  let at = (idx / u) * 3u * u + idx % u;
  unpacked[at] = v.x;
  unpacked[at + u] = v.y;
  unpacked[at + 2u * u] = gt_h[idx];
}

/** [rows, u] vec4 (lanes z, r, and the candidate in `lane`) to Keras [rows, 3u]: one invocation per vec4. */
@compute @workgroup_size(WG)
fn unpack(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let up = unpack_params;
  let u = up.units;
  if (idx >= up.rows * u) { return; }
  let v = gt[idx];
  let at = (idx / u) * 3u * u + idx % u;
  unpacked[at] = v.x;
  unpacked[at + u] = v.y;
  unpacked[at + 2u * u] = v[up.lane];
}

// ---- The weight, bias and input gradients after the backward loop, without the GEMMs (measurements:
// src/kernels/gruStepVec4.ts). Entry `weight_grad`:
//   dU[i, g·u + j] = Σ_r A_i[r] · dG[r, j][lane g]   dW[f, g·u + j] = Σ_r x[r, f] · dG[r, j][lane g]
//   db[g·u + j]    = Σ_r dG[r, j][lane g]          (db_rec too with reset_after: lanes 0, 1, 2)
//
// over the R = T·B rows r in order (deterministic, no atomics): one product A'ᵀ·dG with A' = [h_prev | x | 1],
// as lstmWeightGrad.wgsl does for the LSTM. Lanes: dU takes (0, 1, 2) — with reset_before lane 2 is computed
// as (R ⊙ H)ᵀ·DA, the A of its h rows being (h, h, r ⊙ h) against dG.xyw —, dW and db take (0, 1, 3).
// An invocation owns 4 rows of A' × 4 units: per r 4 scalars (8 with reset_before's h rows) and 4 dG vec4s
// for 16 vec4 FMAs. Row blocks: h first (⌈u/4⌉, rows past u clamped, never stored), then x and the bias row
// (⌈(F+1)/4⌉; row F is the constant 1, rows past it 0); unit blocks fastest.
//
// Entry `input_grad`: dX[r, f] = Σ_j dot(dG[r, j], Wp[f, j]) (Wp's lane 2 is 0), one invocation per (r, f).
//
// Bindings, weight_grad:  0 wg_params · 28 wg_h (read: the states) · 29 wg_rh (read: hcat, reset_before;
//                         any buffer with reset_after) · 30 wg_x (read) · 18 dg_sum (read) · 31 d_recurrent
//                         · 32 d_kernel · 19 db · 23 db_rec (rw; with reset_before any spare range)
// Bindings, input_grad:   0 wg_params · 18 dg_sum (read) · 10 scratch (rw; Wp) · 33 dx_out (rw)

struct WeightGradParams {
  rows: u32,
  units: u32,
  features: u32,
  /** Float offsets of h_prev's row 0 in wg_h, of r ⊙ h_prev's in wg_rh and of x's in wg_x. */
  h_offset: u32,
  rh_offset: u32,
  x_offset: u32,
  /** vec4 offset of Wp in scratch (input_grad). */
  wp: u32,
}

@group(0) @binding(0) var<uniform> wg_params: WeightGradParams;
@group(0) @binding(28) var<storage, read> wg_h: array<f32>;
@group(0) @binding(29) var<storage, read> wg_rh: array<f32>;
@group(0) @binding(30) var<storage, read> wg_x: array<f32>;
@group(0) @binding(31) var<storage, read_write> d_recurrent: array<f32>;
@group(0) @binding(32) var<storage, read_write> d_kernel: array<f32>;
@group(0) @binding(33) var<storage, read_write> dx_out: array<f32>;

/** Stores the vec4 of A' row i (an h unit, or with !of_h a feature or the bias row) × unit j: dU, dW or db. */
fn store_weight_grad(of_h: bool, i: u32, j: u32, v: vec4<f32>) {
  let p = wg_params;
  let u = p.units;
  if (j >= u) { return; }
  let u3 = 3u * u;
  if (of_h) {
    if (i >= u) { return; }
    d_recurrent[i * u3 + j] = v.x;
    d_recurrent[i * u3 + u + j] = v.y;
    d_recurrent[i * u3 + 2u * u + j] = v.z;
  } else if (i < p.features) {
    d_kernel[i * u3 + j] = v.x;
    d_kernel[i * u3 + u + j] = v.y;
    d_kernel[i * u3 + 2u * u + j] = v.w;
  } else if (i == p.features) {
    db[j] = v.x;
    db[u + j] = v.y;
    db[2u * u + j] = v.w;
    if (RESET_AFTER) {
      db_rec[j] = v.x;
      db_rec[u + j] = v.y;
      db_rec[2u * u + j] = v.z;
    }
  }
}

/** weight_grad with 4 rows of A' × 4 units per invocation. */
@compute @workgroup_size(WG)
fn weight_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = wg_params;
  let u = p.units;
  let quads = (u + 3u) / 4u;
  let h_blocks = (u + 3u) / 4u;
  if (idx >= (h_blocks + (p.features + 4u) / 4u) * quads) { return; }
  let rb = idx / quads;
  let j0 = (idx % quads) * 4u;
  let last_j = u - 1u;
  let c1 = min(j0 + 1u, last_j);
  let c2 = min(j0 + 2u, last_j);
  let c3 = min(j0 + 3u, last_j);
  var a00 = vec4<f32>(0.0); var a01 = vec4<f32>(0.0); var a02 = vec4<f32>(0.0); var a03 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0); var a11 = vec4<f32>(0.0); var a12 = vec4<f32>(0.0); var a13 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0); var a21 = vec4<f32>(0.0); var a22 = vec4<f32>(0.0); var a23 = vec4<f32>(0.0);
  var a30 = vec4<f32>(0.0); var a31 = vec4<f32>(0.0); var a32 = vec4<f32>(0.0); var a33 = vec4<f32>(0.0);
  let of_h = rb < h_blocks;
  let i0 = select((rb - h_blocks) * 4u, rb * 4u, of_h);
  if (of_h) {
    let last_i = u - 1u;
    let i0 = min(i0 + 0u, last_i);
    let i1 = min(i0 + 1u, last_i);
    let i2 = min(i0 + 2u, last_i);
    let i3 = min(i0 + 3u, last_i);
    for (var r = 0u; r < p.rows; r++) {
      let g = r * u;
      var g0 = dg_sum[g + j0];
      var g1 = dg_sum[g + c1];
      var g2 = dg_sum[g + c2];
      var g3 = dg_sum[g + c3];
      let hr = p.h_offset + r * u;
      var h0 = vec4<f32>(wg_h[hr + i0]);
      var h1 = vec4<f32>(wg_h[hr + i1]);
      var h2 = vec4<f32>(wg_h[hr + i2]);
      var h3 = vec4<f32>(wg_h[hr + i3]);
      if (!RESET_AFTER) {
        // lane 2: (r ⊙ h)·da
        let rr = p.rh_offset + r * u;
        h0.z = wg_rh[rr + i0];
        h1.z = wg_rh[rr + i1];
        h2.z = wg_rh[rr + i2];
        h3.z = wg_rh[rr + i3];
        g0.z = g0.w;
        g1.z = g1.w;
        g2.z = g2.w;
        g3.z = g3.w;
      }
      a00 = fma(h0, g0, a00); a01 = fma(h0, g1, a01); a02 = fma(h0, g2, a02); a03 = fma(h0, g3, a03);
      a10 = fma(h1, g0, a10); a11 = fma(h1, g1, a11); a12 = fma(h1, g2, a12); a13 = fma(h1, g3, a13);
      a20 = fma(h2, g0, a20); a21 = fma(h2, g1, a21); a22 = fma(h2, g2, a22); a23 = fma(h2, g3, a23);
      a30 = fma(h3, g0, a30); a31 = fma(h3, g1, a31); a32 = fma(h3, g2, a32); a33 = fma(h3, g3, a33);
    }
  } else {
    // x rows f = i0 + a: x[r, f] for f < F, 1 for f = F (the bias), 0 past it
    let F = p.features;
    let last_f = max(F, 1u) - 1u;
    for (var r = 0u; r < p.rows; r++) {
      let g = r * u;
      let g0 = dg_sum[g + j0];
      let g1 = dg_sum[g + c1];
      let g2 = dg_sum[g + c2];
      let g3 = dg_sum[g + c3];
      let xr = p.x_offset + r * F;
      let x0 = vec4<f32>(select(select(0.0, 1.0, i0 + 0u == F), wg_x[xr + min(i0 + 0u, last_f)], i0 + 0u < F));
      let x1 = vec4<f32>(select(select(0.0, 1.0, i0 + 1u == F), wg_x[xr + min(i0 + 1u, last_f)], i0 + 1u < F));
      let x2 = vec4<f32>(select(select(0.0, 1.0, i0 + 2u == F), wg_x[xr + min(i0 + 2u, last_f)], i0 + 2u < F));
      let x3 = vec4<f32>(select(select(0.0, 1.0, i0 + 3u == F), wg_x[xr + min(i0 + 3u, last_f)], i0 + 3u < F));
      a00 = fma(x0, g0, a00); a01 = fma(x0, g1, a01); a02 = fma(x0, g2, a02); a03 = fma(x0, g3, a03);
      a10 = fma(x1, g0, a10); a11 = fma(x1, g1, a11); a12 = fma(x1, g2, a12); a13 = fma(x1, g3, a13);
      a20 = fma(x2, g0, a20); a21 = fma(x2, g1, a21); a22 = fma(x2, g2, a22); a23 = fma(x2, g3, a23);
      a30 = fma(x3, g0, a30); a31 = fma(x3, g1, a31); a32 = fma(x3, g2, a32); a33 = fma(x3, g3, a33);
    }
  }
  store_weight_grad(of_h, i0 + 0u, j0 + 0u, a00); store_weight_grad(of_h, i0 + 0u, j0 + 1u, a01);
  store_weight_grad(of_h, i0 + 0u, j0 + 2u, a02); store_weight_grad(of_h, i0 + 0u, j0 + 3u, a03);
  store_weight_grad(of_h, i0 + 1u, j0 + 0u, a10); store_weight_grad(of_h, i0 + 1u, j0 + 1u, a11);
  store_weight_grad(of_h, i0 + 1u, j0 + 2u, a12); store_weight_grad(of_h, i0 + 1u, j0 + 3u, a13);
  store_weight_grad(of_h, i0 + 2u, j0 + 0u, a20); store_weight_grad(of_h, i0 + 2u, j0 + 1u, a21);
  store_weight_grad(of_h, i0 + 2u, j0 + 2u, a22); store_weight_grad(of_h, i0 + 2u, j0 + 3u, a23);
  store_weight_grad(of_h, i0 + 3u, j0 + 0u, a30); store_weight_grad(of_h, i0 + 3u, j0 + 1u, a31);
  store_weight_grad(of_h, i0 + 3u, j0 + 2u, a32); store_weight_grad(of_h, i0 + 3u, j0 + 3u, a33);
}

/** weight_grad with 8 rows of A' × 4 units per invocation. */
@compute @workgroup_size(WG)
fn weight_grad8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = wg_params;
  let u = p.units;
  let quads = (u + 3u) / 4u;
  let h_blocks = (u + 7u) / 8u;
  if (idx >= (h_blocks + (p.features + 8u) / 8u) * quads) { return; }
  let rb = idx / quads;
  let j0 = (idx % quads) * 4u;
  let last_j = u - 1u;
  let c1 = min(j0 + 1u, last_j);
  let c2 = min(j0 + 2u, last_j);
  let c3 = min(j0 + 3u, last_j);
  var a00 = vec4<f32>(0.0); var a01 = vec4<f32>(0.0); var a02 = vec4<f32>(0.0); var a03 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0); var a11 = vec4<f32>(0.0); var a12 = vec4<f32>(0.0); var a13 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0); var a21 = vec4<f32>(0.0); var a22 = vec4<f32>(0.0); var a23 = vec4<f32>(0.0);
  var a30 = vec4<f32>(0.0); var a31 = vec4<f32>(0.0); var a32 = vec4<f32>(0.0); var a33 = vec4<f32>(0.0);
  var a40 = vec4<f32>(0.0); var a41 = vec4<f32>(0.0); var a42 = vec4<f32>(0.0); var a43 = vec4<f32>(0.0);
  var a50 = vec4<f32>(0.0); var a51 = vec4<f32>(0.0); var a52 = vec4<f32>(0.0); var a53 = vec4<f32>(0.0);
  var a60 = vec4<f32>(0.0); var a61 = vec4<f32>(0.0); var a62 = vec4<f32>(0.0); var a63 = vec4<f32>(0.0);
  var a70 = vec4<f32>(0.0); var a71 = vec4<f32>(0.0); var a72 = vec4<f32>(0.0); var a73 = vec4<f32>(0.0);
  let of_h = rb < h_blocks;
  let i0 = select((rb - h_blocks) * 8u, rb * 8u, of_h);
  if (of_h) {
    let last_i = u - 1u;
    let i0 = min(i0 + 0u, last_i);
    let i1 = min(i0 + 1u, last_i);
    let i2 = min(i0 + 2u, last_i);
    let i3 = min(i0 + 3u, last_i);
    let i4 = min(i0 + 4u, last_i);
    let i5 = min(i0 + 5u, last_i);
    let i6 = min(i0 + 6u, last_i);
    let i7 = min(i0 + 7u, last_i);
    for (var r = 0u; r < p.rows; r++) {
      let g = r * u;
      var g0 = dg_sum[g + j0];
      var g1 = dg_sum[g + c1];
      var g2 = dg_sum[g + c2];
      var g3 = dg_sum[g + c3];
      let hr = p.h_offset + r * u;
      var h0 = vec4<f32>(wg_h[hr + i0]);
      var h1 = vec4<f32>(wg_h[hr + i1]);
      var h2 = vec4<f32>(wg_h[hr + i2]);
      var h3 = vec4<f32>(wg_h[hr + i3]);
      var h4 = vec4<f32>(wg_h[hr + i4]);
      var h5 = vec4<f32>(wg_h[hr + i5]);
      var h6 = vec4<f32>(wg_h[hr + i6]);
      var h7 = vec4<f32>(wg_h[hr + i7]);
      if (!RESET_AFTER) {
        // lane 2: (r ⊙ h)·da
        let rr = p.rh_offset + r * u;
        h0.z = wg_rh[rr + i0];
        h1.z = wg_rh[rr + i1];
        h2.z = wg_rh[rr + i2];
        h3.z = wg_rh[rr + i3];
        h4.z = wg_rh[rr + i4];
        h5.z = wg_rh[rr + i5];
        h6.z = wg_rh[rr + i6];
        h7.z = wg_rh[rr + i7];
        g0.z = g0.w;
        g1.z = g1.w;
        g2.z = g2.w;
        g3.z = g3.w;
      }
      a00 = fma(h0, g0, a00); a01 = fma(h0, g1, a01); a02 = fma(h0, g2, a02); a03 = fma(h0, g3, a03);
      a10 = fma(h1, g0, a10); a11 = fma(h1, g1, a11); a12 = fma(h1, g2, a12); a13 = fma(h1, g3, a13);
      a20 = fma(h2, g0, a20); a21 = fma(h2, g1, a21); a22 = fma(h2, g2, a22); a23 = fma(h2, g3, a23);
      a30 = fma(h3, g0, a30); a31 = fma(h3, g1, a31); a32 = fma(h3, g2, a32); a33 = fma(h3, g3, a33);
      a40 = fma(h4, g0, a40); a41 = fma(h4, g1, a41); a42 = fma(h4, g2, a42); a43 = fma(h4, g3, a43);
      a50 = fma(h5, g0, a50); a51 = fma(h5, g1, a51); a52 = fma(h5, g2, a52); a53 = fma(h5, g3, a53);
      a60 = fma(h6, g0, a60); a61 = fma(h6, g1, a61); a62 = fma(h6, g2, a62); a63 = fma(h6, g3, a63);
      a70 = fma(h7, g0, a70); a71 = fma(h7, g1, a71); a72 = fma(h7, g2, a72); a73 = fma(h7, g3, a73);
    }
  } else {
    // x rows f = i0 + a: x[r, f] for f < F, 1 for f = F (the bias), 0 past it
    let F = p.features;
    let last_f = max(F, 1u) - 1u;
    for (var r = 0u; r < p.rows; r++) {
      let g = r * u;
      let g0 = dg_sum[g + j0];
      let g1 = dg_sum[g + c1];
      let g2 = dg_sum[g + c2];
      let g3 = dg_sum[g + c3];
      let xr = p.x_offset + r * F;
      let x0 = vec4<f32>(select(select(0.0, 1.0, i0 + 0u == F), wg_x[xr + min(i0 + 0u, last_f)], i0 + 0u < F));
      let x1 = vec4<f32>(select(select(0.0, 1.0, i0 + 1u == F), wg_x[xr + min(i0 + 1u, last_f)], i0 + 1u < F));
      let x2 = vec4<f32>(select(select(0.0, 1.0, i0 + 2u == F), wg_x[xr + min(i0 + 2u, last_f)], i0 + 2u < F));
      let x3 = vec4<f32>(select(select(0.0, 1.0, i0 + 3u == F), wg_x[xr + min(i0 + 3u, last_f)], i0 + 3u < F));
      let x4 = vec4<f32>(select(select(0.0, 1.0, i0 + 4u == F), wg_x[xr + min(i0 + 4u, last_f)], i0 + 4u < F));
      let x5 = vec4<f32>(select(select(0.0, 1.0, i0 + 5u == F), wg_x[xr + min(i0 + 5u, last_f)], i0 + 5u < F));
      let x6 = vec4<f32>(select(select(0.0, 1.0, i0 + 6u == F), wg_x[xr + min(i0 + 6u, last_f)], i0 + 6u < F));
      let x7 = vec4<f32>(select(select(0.0, 1.0, i0 + 7u == F), wg_x[xr + min(i0 + 7u, last_f)], i0 + 7u < F));
      a00 = fma(x0, g0, a00); a01 = fma(x0, g1, a01); a02 = fma(x0, g2, a02); a03 = fma(x0, g3, a03);
      a10 = fma(x1, g0, a10); a11 = fma(x1, g1, a11); a12 = fma(x1, g2, a12); a13 = fma(x1, g3, a13);
      a20 = fma(x2, g0, a20); a21 = fma(x2, g1, a21); a22 = fma(x2, g2, a22); a23 = fma(x2, g3, a23);
      a30 = fma(x3, g0, a30); a31 = fma(x3, g1, a31); a32 = fma(x3, g2, a32); a33 = fma(x3, g3, a33);
      a40 = fma(x4, g0, a40); a41 = fma(x4, g1, a41); a42 = fma(x4, g2, a42); a43 = fma(x4, g3, a43);
      a50 = fma(x5, g0, a50); a51 = fma(x5, g1, a51); a52 = fma(x5, g2, a52); a53 = fma(x5, g3, a53);
      a60 = fma(x6, g0, a60); a61 = fma(x6, g1, a61); a62 = fma(x6, g2, a62); a63 = fma(x6, g3, a63);
      a70 = fma(x7, g0, a70); a71 = fma(x7, g1, a71); a72 = fma(x7, g2, a72); a73 = fma(x7, g3, a73);
    }
  }
  store_weight_grad(of_h, i0 + 0u, j0 + 0u, a00); store_weight_grad(of_h, i0 + 0u, j0 + 1u, a01);
  store_weight_grad(of_h, i0 + 0u, j0 + 2u, a02); store_weight_grad(of_h, i0 + 0u, j0 + 3u, a03);
  store_weight_grad(of_h, i0 + 1u, j0 + 0u, a10); store_weight_grad(of_h, i0 + 1u, j0 + 1u, a11);
  store_weight_grad(of_h, i0 + 1u, j0 + 2u, a12); store_weight_grad(of_h, i0 + 1u, j0 + 3u, a13);
  store_weight_grad(of_h, i0 + 2u, j0 + 0u, a20); store_weight_grad(of_h, i0 + 2u, j0 + 1u, a21);
  store_weight_grad(of_h, i0 + 2u, j0 + 2u, a22); store_weight_grad(of_h, i0 + 2u, j0 + 3u, a23);
  store_weight_grad(of_h, i0 + 3u, j0 + 0u, a30); store_weight_grad(of_h, i0 + 3u, j0 + 1u, a31);
  store_weight_grad(of_h, i0 + 3u, j0 + 2u, a32); store_weight_grad(of_h, i0 + 3u, j0 + 3u, a33);
  store_weight_grad(of_h, i0 + 4u, j0 + 0u, a40); store_weight_grad(of_h, i0 + 4u, j0 + 1u, a41);
  store_weight_grad(of_h, i0 + 4u, j0 + 2u, a42); store_weight_grad(of_h, i0 + 4u, j0 + 3u, a43);
  store_weight_grad(of_h, i0 + 5u, j0 + 0u, a50); store_weight_grad(of_h, i0 + 5u, j0 + 1u, a51);
  store_weight_grad(of_h, i0 + 5u, j0 + 2u, a52); store_weight_grad(of_h, i0 + 5u, j0 + 3u, a53);
  store_weight_grad(of_h, i0 + 6u, j0 + 0u, a60); store_weight_grad(of_h, i0 + 6u, j0 + 1u, a61);
  store_weight_grad(of_h, i0 + 6u, j0 + 2u, a62); store_weight_grad(of_h, i0 + 6u, j0 + 3u, a63);
  store_weight_grad(of_h, i0 + 7u, j0 + 0u, a70); store_weight_grad(of_h, i0 + 7u, j0 + 1u, a71);
  store_weight_grad(of_h, i0 + 7u, j0 + 2u, a72); store_weight_grad(of_h, i0 + 7u, j0 + 3u, a73);
}

@compute @workgroup_size(WG)
fn input_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = wg_params;
  if (idx >= p.rows * p.features) { return; }
  let r = idx / p.features;
  let f = idx % p.features;
  let g = r * p.units;
  let w = p.wp + f * p.units;
  var s = vec4<f32>(0.0);
  for (var j = 0u; j < p.units; j++) {
    s = fma(dg_sum[g + j], scratch[w + j], s);
  }
  dx_out[idx] = s.x + s.y + s.z + s.w;
}
