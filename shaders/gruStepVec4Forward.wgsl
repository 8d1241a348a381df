// gruStepVec4Forward.wgsl — the forward steps of the register-blocked GRU (lanes, blocks and scratch:
// gruStepVec4.wgsl), one or two dispatches per timestep.
//
// Equations (Keras GRUCell, gate order z, r, h; σ = RECURRENT_ACTIVATION, act = ACTIVATION), as in gruStep.wgsl:
//   reset_after   z = σ(xz + h·Uz + bz)  r = σ(xr + h·Ur + br)  n = h·Uh + bh_rec  hh = act(xh + r ⊙ n)
//   reset_before  z = σ(xz + h·Uz)       r = σ(xr + h·Ur)                         hh = act(xh + (r ⊙ h)·Uh)
//   both          h_t = z ⊙ h_{t−1} + (1 − z) ⊙ hh                       (xz, xr, xh: the blocks of x·W + b_in)
//
// Entries. reset_after: `forward`, the whole step in one dispatch: a block's sums s = bp + x_t·Wp + h_{t−1}·Up
// are (z, r, n, xh), all its cells follow. reset_before (RESET_AFTER false): `forward_zr` (z, r and r ⊙ h_{t−1},
// FMAs on the z and r lanes only: the candidate lane waits) then `forward_candidate` (hh, h_t, and r ⊙ h_{t−1}
// into hcat for the dUh GEMM) — two dispatches, for gruStep.wgsl's reason: unit j's candidate needs r_k·h_k of
// every unit k. Each comes in 4-row blocks and, suffixed 8 (`forward8`, `forward8_zr`, `forward_candidate8`),
// in 8-row blocks; the host picks (src/kernels/gruStepVec4.ts).
//
// Per 4 k, 4-row blocks: 4 vec4 of h and 16 of Up for 192 FMAs (128 in forward_zr); forward_candidate, per 4 k:
// 4 vec4 of compact r ⊙ h and 4 of Uhq for 64 FMAs.
//
// Bindings (every entry): 0 params · 1 xproj [T, B, u] vec4 (read) · 2 x_in [T, B, F] (read) · 3 h (rw)
//                         · 4 gates vec4 (rw) · 5 scratch (rw) · 6 hcat (rw; forward_candidate only)
//                         · 20 step_mask (read; direction.wgsl: a masked step keeps h; with RECURRENT_DROPOUT
//                           the compact copies hold h ⊙ keep, and hcat R ⊙ H̃)
// (xproj is unused with FUSED_INPUT, x_in without; forward_candidate reads neither.)
//
//! include activations direction gruStepVec4

struct GruVec4StepParams {
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

@group(0) @binding(0) var<uniform> params: GruVec4StepParams;
@group(0) @binding(1) var<storage, read> xproj: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> x_in: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;
@group(0) @binding(4) var<storage, read_write> gates: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> scratch: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> hcat: array<f32>;

/**
 * Forward cell of one (b < batch, j) from its sums s = (z, r, n, xh) (reset_after) or (z, r, ·, xh). Returns
 * the cell's element of the compact vec4 its block stores: h_t (reset_after) or r ⊙ h_{t−1} (reset_before, for
 * forward_candidate, the next dispatch: the candidate waits for r ⊙ h of every unit); 0 past `units`, which
 * keeps the padding of the compact copies zero (the sums read them whole).
 */
fn forward_cell(p: GruVec4StepParams, b: u32, j: u32, sums: vec4<f32>) -> f32 {
  let units = p.units;
  if (j >= units) { return 0.0; }
  let at = (p.t * p.batch + b) * units + j;
  var s = sums;
  if (!FUSED_INPUT) { s += xproj[at]; }
  let z = act(s.x, RECURRENT_ACTIVATION);
  let r = act(s.y, RECURRENT_ACTIVATION);
  let h_prev = h[(prev_slot(p.t) * p.batch + b) * units + j];
  // The compact copies feed only products with U: with recurrent dropout they hold h ⊙ keep (direction.wgsl).
  let keep = recurrent_keep(p.batch, units, b, j);
  if (RESET_AFTER) {
    let hh = act(s.w + r * s.z, ACTIVATION);
    // A masked step (direction.wgsl) carries h over, into the compact copy too.
    let h_t = select(h_prev, z * h_prev + (1.0 - z) * hh, step_runs(p.t, p.batch, b));
    h[(next_slot(p.t) * p.batch + b) * units + j] = h_t;
    gates[at] = vec4<f32>(z, r, hh, s.z);
    return h_t * keep;
  }
  gates[at] = vec4<f32>(z, r, 0.0, s.w);
  return r * h_prev * keep;
}

/** reset_before's candidate and h_t of one (b < batch, j); returns h_t for compact h (0 past `units`). */
fn candidate_cell(p: GruVec4StepParams, b: u32, j: u32, rec: f32) -> f32 {
  let units = p.units;
  if (j >= units) { return 0.0; }
  let at = (p.t * p.batch + b) * units + j;
  let g = gates[at];
  let hh = act(g.w + rec, ACTIVATION);
  let h_prev = h[(prev_slot(p.t) * p.batch + b) * units + j];
  let h_t = select(h_prev, g.x * h_prev + (1.0 - g.x) * hh, step_runs(p.t, p.batch, b));
  // R ⊙ H̃_{t−1}, the A of the dUh GEMM, into hcat's second block (here, not in `forward`: reset_after binds no hcat).
  let keep = recurrent_keep(p.batch, units, b, j);
  hcat[p.timesteps * p.batch * units + at] = g.y * h_prev * keep;
  h[(next_slot(p.t) * p.batch + b) * units + j] = h_t;
  gates[at] = vec4<f32>(g.x, g.y, hh, g.w);
  return h_t * keep;
}

// The block functions: bp + x_t·Wp + h_{t−1}·Up (or h_{t−1}·Up alone without FUSED_INPUT) of a block, then
// forward_cell for each of its cells; the block owns its rows' vec4 j0/4 of compact h_t (reset_after) or
// r ⊙ h_{t−1} (reset_before). FMAs on lanes (z, r, n) for forward, (z, r) for forward_zr.
//! generate gruForwardBlock {"name": "forward_block", "rows": 4, "lanes": "xyz"}
//! generate gruForwardBlock {"name": "forward_block8", "rows": 8, "lanes": "xyz"}
//! generate gruForwardBlock {"name": "forward_block_zr", "rows": 4, "lanes": "xy"}
//! generate gruForwardBlock {"name": "forward_block8_zr", "rows": 8, "lanes": "xy"}

// reset_after: the whole step.
//! generate gruBlockEntry {"entry": "forward", "rows": 4, "params": "params", "block": "forward_block"}
//! generate gruBlockEntry {"entry": "forward8", "rows": 8, "params": "params", "block": "forward_block8"}

// reset_before: z, r and compact r ⊙ h_{t−1}, then the candidate, hh = act(xh + (r ⊙ h_{t−1})·Uh), and h_t
// from compact r ⊙ h and Uhq.
//! generate gruBlockEntry {"entry": "forward_zr", "rows": 4, "params": "params", "block": "forward_block_zr"}
//! generate gruBlockEntry {"entry": "forward8_zr", "rows": 8, "params": "params", "block": "forward_block8_zr"}
//! generate gruUhEntry {"entry": "forward_candidate", "rows": 4, "cell": "candidate_cell"}
//! generate gruUhEntry {"entry": "forward_candidate8", "rows": 8, "cell": "candidate_cell"}
