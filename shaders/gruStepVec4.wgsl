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
// reset_before (RESET_AFTER false): `forward` (z, r, r ⊙ h) then `forward_candidate` (hh, h_t, hcat), and
// `backward_update` (dz, da, dh) then `backward_reset` (dr, carry) — two dispatches per step, for gruStep.wgsl's reason:
// unit j's candidate needs r_k·h_k of every unit k, and unit k's dr needs da of every unit j. Once per pass:
// `pack` (the weights change with every optimizer step) and, forward, `init_state`; after the backward loop
// `initial_grad`, `unpack` twice (or `unpack` and `unpack_split`) and `bias_grad` (`bias_grad_after` with
// reset_after).
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
// Blocks: an invocation owns batch rows b0..b0+3 × units j0..j0+3, and reads h_{t−1} from a compact copy
// `hc` [2, batch, up/4] vec4 (up = units rounded up to 4, zero-padded; two halves used in turn, entry
// `init_state` fills the first), as in lstmStepVec4.wgsl. Per 4 k forward: 4 vec4 of h and 16 of Up for 256
// FMAs; backward gather, per k: 4 vec4 of dG[t'] and 4 of Up for 64 FMAs. reset_before's second products,
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

override WG: u32 = 64;
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

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

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

/** The invocation's block: first batch row and first unit, from the flat index (units fastest). */
fn block_origin(idx: u32, units: u32) -> vec2<u32> {
  let unit_blocks = (units + 3u) / 4u;
  return vec2<u32>((idx / unit_blocks) * 4u, (idx % unit_blocks) * 4u);
}

fn block_count(batch: u32, units: u32) -> u32 {
  return ((batch + 3u) / 4u) * ((units + 3u) / 4u);
}

/** Sets element j of row b of a compact [batch, up/4] vec4 region at `base` in scratch. */
fn set_compact(base: u32, b: u32, j: u32, units: u32, value: f32) {
  scratch[base + b * ((units + 3u) / 4u) + j / 4u][j % 4u] = value;
}

/**
 * Σ_k src[b0+r, k]·M[k, jq] for the four rows r of a block: src a compact [batch, up/4] region, M a [units, up/4]
 * packed matrix (Uhq or Uht), both in scratch. Column r of the result is row b0+r's vec4 over units 4jq..4jq+3.
 */
fn rows_times_packed(src: u32, mat: u32, b0: u32, jq: u32, batch: u32, units: u32) -> mat4x4<f32> {
  let quads = (units + 3u) / 4u;
  let last_b = batch - 1u;
  let last_k = units - 1u;
  let x0 = src + b0 * quads;
  let x1 = src + min(b0 + 1u, last_b) * quads;
  let x2 = src + min(b0 + 2u, last_b) * quads;
  let x3 = src + min(b0 + 3u, last_b) * quads;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  for (var kq = 0u; kq < quads; kq++) {
    let v0 = scratch[x0 + kq];
    let v1 = scratch[x1 + kq];
    let v2 = scratch[x2 + kq];
    let v3 = scratch[x3 + kq];
    for (var s = 0u; s < 4u; s++) {
      let w = scratch[mat + min(kq * 4u + s, last_k) * quads + jq];
      a0 = fma(w, vec4<f32>(v0[s]), a0);
      a1 = fma(w, vec4<f32>(v1[s]), a1);
      a2 = fma(w, vec4<f32>(v2[s]), a2);
      a3 = fma(w, vec4<f32>(v3[s]), a3);
    }
  }
  return mat4x4<f32>(a0, a1, a2, a3);
}

/** Forward cell of one (b, j) from its sums s = (z, r, n, xh) (reset_after) or (z, r, ·, xh), if (b, j) exists. */
fn forward_cell(p: StepParams, b: u32, j: u32, sums: vec4<f32>) {
  let units = p.units;
  if (b >= p.batch) { return; }
  if (j >= units) {
    // reset_before: keep the padding of compact r ⊙ h zero (the candidate's sums read it whole).
    if (!RESET_AFTER) { set_compact(p.cq, b, j, units, 0.0); }
    return;
  }
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
    set_compact(p.hc_write, b, j, units, h_t);
  } else {
    // The candidate waits for r ⊙ h of every unit: forward_candidate, the next dispatch.
    gates[at] = vec4<f32>(z, r, 0.0, s.w);
    set_compact(p.cq, b, j, units, r * h_prev);
  }
}

/** bp + x_t·Wp + h_{t−1}·Up (or h_{t−1}·Up alone without FUSED_INPUT) of the 4×4 block, then its 16 cells. */
fn forward_block(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let x0 = p.hc_read + b0 * quads;
  let x1 = p.hc_read + min(b0 + 1u, last_b) * quads;
  let x2 = p.hc_read + min(b0 + 2u, last_b) * quads;
  let x3 = p.hc_read + min(b0 + 3u, last_b) * quads;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  // s<r><q>: the sums of row b0+r, unit j0+q, in sixteen named registers (as lstmStepVec4.wgsl, which measured it).
  var s00 = vec4<f32>(0.0); var s01 = vec4<f32>(0.0); var s02 = vec4<f32>(0.0); var s03 = vec4<f32>(0.0);
  var s10 = vec4<f32>(0.0); var s11 = vec4<f32>(0.0); var s12 = vec4<f32>(0.0); var s13 = vec4<f32>(0.0);
  var s20 = vec4<f32>(0.0); var s21 = vec4<f32>(0.0); var s22 = vec4<f32>(0.0); var s23 = vec4<f32>(0.0);
  var s30 = vec4<f32>(0.0); var s31 = vec4<f32>(0.0); var s32 = vec4<f32>(0.0); var s33 = vec4<f32>(0.0);
  if (FUSED_INPUT) {
    let b0v = scratch[p.bp + q.x];
    let b1v = scratch[p.bp + q.y];
    let b2v = scratch[p.bp + q.z];
    let b3v = scratch[p.bp + q.w];
    s00 = b0v; s01 = b1v; s02 = b2v; s03 = b3v;
    s10 = b0v; s11 = b1v; s12 = b2v; s13 = b3v;
    s20 = b0v; s21 = b1v; s22 = b2v; s23 = b3v;
    s30 = b0v; s31 = b1v; s32 = b2v; s33 = b3v;
    let rows = p.x_offset + p.t * p.batch * p.features;
    let r0 = rows + b0 * p.features;
    let r1 = rows + min(b0 + 1u, last_b) * p.features;
    let r2 = rows + min(b0 + 2u, last_b) * p.features;
    let r3 = rows + min(b0 + 3u, last_b) * p.features;
    for (var f = 0u; f < p.features; f++) {
      let row = p.wp + f * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(x_in[r0 + f]);
      s00 = fma(w0, v0, s00); s01 = fma(w1, v0, s01); s02 = fma(w2, v0, s02); s03 = fma(w3, v0, s03);
      let v1 = vec4<f32>(x_in[r1 + f]);
      s10 = fma(w0, v1, s10); s11 = fma(w1, v1, s11); s12 = fma(w2, v1, s12); s13 = fma(w3, v1, s13);
      let v2 = vec4<f32>(x_in[r2 + f]);
      s20 = fma(w0, v2, s20); s21 = fma(w1, v2, s21); s22 = fma(w2, v2, s22); s23 = fma(w3, v2, s23);
      let v3 = vec4<f32>(x_in[r3 + f]);
      s30 = fma(w0, v3, s30); s31 = fma(w1, v3, s31); s32 = fma(w2, v3, s32); s33 = fma(w3, v3, s33);
    }
  }
  for (var kq = 0u; kq < quads; kq++) {
    let hv0 = scratch[x0 + kq];
    let hv1 = scratch[x1 + kq];
    let hv2 = scratch[x2 + kq];
    let hv3 = scratch[x3 + kq];
    for (var s = 0u; s < 4u; s++) {
      let row = min(kq * 4u + s, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0[s]);
      s00 = fma(w0, v0, s00); s01 = fma(w1, v0, s01); s02 = fma(w2, v0, s02); s03 = fma(w3, v0, s03);
      let v1 = vec4<f32>(hv1[s]);
      s10 = fma(w0, v1, s10); s11 = fma(w1, v1, s11); s12 = fma(w2, v1, s12); s13 = fma(w3, v1, s13);
      let v2 = vec4<f32>(hv2[s]);
      s20 = fma(w0, v2, s20); s21 = fma(w1, v2, s21); s22 = fma(w2, v2, s22); s23 = fma(w3, v2, s23);
      let v3 = vec4<f32>(hv3[s]);
      s30 = fma(w0, v3, s30); s31 = fma(w1, v3, s31); s32 = fma(w2, v3, s32); s33 = fma(w3, v3, s33);
    }
  }
  forward_cell(p, b0, j0, s00);
  forward_cell(p, b0, j0 + 1u, s01);
  forward_cell(p, b0, j0 + 2u, s02);
  forward_cell(p, b0, j0 + 3u, s03);
  forward_cell(p, b0 + 1u, j0, s10);
  forward_cell(p, b0 + 1u, j0 + 1u, s11);
  forward_cell(p, b0 + 1u, j0 + 2u, s12);
  forward_cell(p, b0 + 1u, j0 + 3u, s13);
  forward_cell(p, b0 + 2u, j0, s20);
  forward_cell(p, b0 + 2u, j0 + 1u, s21);
  forward_cell(p, b0 + 2u, j0 + 2u, s22);
  forward_cell(p, b0 + 2u, j0 + 3u, s23);
  forward_cell(p, b0 + 3u, j0, s30);
  forward_cell(p, b0 + 3u, j0 + 1u, s31);
  forward_cell(p, b0 + 3u, j0 + 2u, s32);
  forward_cell(p, b0 + 3u, j0 + 3u, s33);
}

/** reset_after: the whole step. reset_before (RESET_AFTER false): z, r, r ⊙ h; forward_candidate finishes it. */
@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units)) { return; }
  let origin = block_origin(idx, p.units);
  forward_block(p, origin.x, origin.y);
}

fn candidate_cell(p: StepParams, b: u32, j: u32, rec: f32) {
  if (b >= p.batch || j >= p.units) { return; }
  let units = p.units;
  let at = (p.t * p.batch + b) * units + j;
  let g = gates[at];
  let hh = act(g.w + rec, ACTIVATION);
  let h_prev = h[(prev_slot(p.t) * p.batch + b) * units + j];
  let h_t = g.x * h_prev + (1.0 - g.x) * hh;
  // R ⊙ H_{t−1}, the A of the dUh GEMM, into hcat's second block (here, not in `forward`: reset_after binds no hcat).
  hcat[p.timesteps * p.batch * units + at] = g.y * h_prev;
  h[(next_slot(p.t) * p.batch + b) * units + j] = h_t;
  gates[at] = vec4<f32>(g.x, g.y, hh, g.w);
  set_compact(p.hc_write, b, j, units, h_t);
}

/** reset_before: hh = act(xh + (r ⊙ h_{t−1})·Uh) and h_t for the 4×4 block, from compact r ⊙ h and Uhq. */
@compute @workgroup_size(WG)
fn forward_candidate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= block_count(p.batch, p.units)) { return; }
  let origin = block_origin(idx, p.units);
  let b0 = origin.x;
  let j0 = origin.y;
  let a = rows_times_packed(p.cq, p.uhq, b0, j0 / 4u, p.batch, p.units);
  for (var r = 0u; r < 4u; r++) {
    let row = a[r];
    candidate_cell(p, b0 + r, j0, row.x);
    candidate_cell(p, b0 + r, j0 + 1u, row.y);
    candidate_cell(p, b0 + r, j0 + 2u, row.z);
    candidate_cell(p, b0 + r, j0 + 3u, row.w);
  }
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
 * reset_before: dz, da and dh of one (b, j); dr waits for da of every unit (backward_reset, the next dispatch,
 * fills lane 1 and finishes carry). da also goes to hcat's first block (the dUh GEMM's B) and to compact da.
 */
fn update_cell(p: BackParams, b: u32, j: u32, from_next: f32, last: bool) {
  let units = p.units;
  if (b >= p.batch) { return; }
  if (j >= units) {
    set_compact(p.cq, b, j, units, 0.0);
    return;
  }
  let dh = incoming(p, b, j, from_next, last);
  let row = (p.t * p.batch + b) * units + j;
  let g = saved_gates[row];
  let h_prev = saved_h[(prev_slot(p.t) * p.batch + b) * units + j];
  let dz = dh * (h_prev - g.z) * act_grad_from_output(g.x, RECURRENT_ACTIVATION);
  let da = dh * (1.0 - g.x) * act_grad_from_output(g.z, ACTIVATION);
  dgates[row] = vec4<f32>(dz, 0.0, 0.0, da);
  hcat[row] = da;
  carry[b * units + j] = dh;
  set_compact(p.cq, b, j, units, da);
}

/** The gathered dG[t']·Upᵀ of the invocation's block (zeros at the last step), and the block's origin. */
fn backward_gather(p: BackParams, origin: vec2<u32>, last: bool) -> mat4x4<f32> {
  // The step run after this one wrote dG[t']; this one writes dG[t] only, so the reads never race.
  if (last) { return mat4x4<f32>(); }
  return through_recurrent(following_time(p.t), origin.x, origin.y);
}

/** reset_after: the whole backward step. */
@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units)) { return; }
  let o = block_origin(idx, p.units);
  let last = is_last_step(p.t, p.timesteps);
  let g = backward_gather(p, o, last);
  for (var r = 0u; r < 4u; r++) {
    let d = g[r];
    backward_cell(p, o.x + r, o.y, d.x, last);
    backward_cell(p, o.x + r, o.y + 1u, d.y, last);
    backward_cell(p, o.x + r, o.y + 2u, d.z, last);
    backward_cell(p, o.x + r, o.y + 3u, d.w, last);
  }
}

/** reset_before: dz, da and dh of the block; backward_reset finishes the step. */
@compute @workgroup_size(WG)
fn backward_update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units)) { return; }
  let o = block_origin(idx, p.units);
  let last = is_last_step(p.t, p.timesteps);
  let g = backward_gather(p, o, last);
  for (var r = 0u; r < 4u; r++) {
    let d = g[r];
    update_cell(p, o.x + r, o.y, d.x, last);
    update_cell(p, o.x + r, o.y + 1u, d.y, last);
    update_cell(p, o.x + r, o.y + 2u, d.z, last);
    update_cell(p, o.x + r, o.y + 3u, d.w, last);
  }
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

/** reset_before: drh = da·Uhᵀ for the 4×4 block (rows × units k) from compact da and Uht, then dr and carry. */
@compute @workgroup_size(WG)
fn backward_reset(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units)) { return; }
  let origin = block_origin(idx, p.units);
  let b0 = origin.x;
  let k0 = origin.y;
  let d = rows_times_packed(p.cq, p.uht, b0, k0 / 4u, p.batch, p.units);
  for (var r = 0u; r < 4u; r++) {
    let row = d[r];
    reset_cell(p, b0 + r, k0, row.x);
    reset_cell(p, b0 + r, k0 + 1u, row.y);
    reset_cell(p, b0 + r, k0 + 2u, row.z);
    reset_cell(p, b0 + r, k0 + 3u, row.w);
  }
}

/** Once after the loop (uniform t = the first step run): dh0 = carry + dG[t]·Upᵀ, per 4×4 block. */
@compute @workgroup_size(WG)
fn initial_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= block_count(p.batch, p.units)) { return; }
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
