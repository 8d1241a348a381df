// gruStepVec4Backward.wgsl — the backward steps of the register-blocked GRU (lanes, blocks and scratch:
// gruStepVec4.wgsl), one or two dispatches per timestep, then `initial_grad` once.
//
// Equations (gate order z, r, h; forward: gruStepVec4Forward.wgsl), as in gruStep.wgsl:
//   dh = dy_t + carry + (last ? 0 : Σ_k Σ_gate dGh[t', b, gate, k]·U[j, gate·u + k])   (t' run after t;
//        carry = dh_T before the loop)
//   dz = dh·(h_{t−1} − hh)·σ'(z)   da = dh·(1 − z)·act'(hh)
//   reset_after:  dr = da·n·σ'(r), dGh = (dz, dr, da·r), carry = dh·z
//   reset_before: drh_k = Σ_j da_j·Uh[k, j], dr_k = drh_k·h_k·σ'(r_k), dGh = (dz, dr, 0) on H_{t−1}
//                 and (0, 0, da) on R ⊙ H_{t−1}, carry_k = dh_k·z_k + drh_k·r_k
//   dGx = (dz, dr, da) feeds dW, dX and db_in in both; dG [T, B, u] vec4 = (dz, dr, dGh_h, da).
//   initial_grad: dh0 = carry + dG[t₀]·Upᵀ (t₀ the first step run).
//
// Entries. reset_after: `backward`, the whole step in one dispatch: a block gathers dG[t']·Upᵀ on lanes
// (z, r, n) (the step run after this one wrote dG[t'], this one writes dG[t] only, so the reads never race),
// then its cells. reset_before: `backward_update` (the gather on lanes z, r only — dGh_h is 0 —, then dz, da, dh,
// da into hcat's first block for the dUh GEMM, compact da into `cq`) then `backward_reset` (drh = da·Uhᵀ from
// compact da and Uht, then dr and carry) — two dispatches: unit k's dr needs da of every unit j. Each comes in
// 4-row blocks and, suffixed 8, in 8-row blocks; the host picks (src/kernels/gruStepVec4.ts). `initial_grad`
// runs once after the loop (uniform t = the first step run), 4×4 blocks.
//
// Per k, 4-row blocks: the gather reads 4 vec4 of dG[t'] and 4 of Up for 48 FMAs (32 in backward_update);
// backward_reset, per 4 j: 4 vec4 of compact da and 4 of Uht for 64 FMAs.
//
// Bindings: 0 back_params · 1 scratch (rw) · 2 saved_gates vec4 (read; the steps) · 3 saved_h (read; the steps)
//           · 4 dy (read; backward, backward_update) · 6 carry [B, u] (rw; holds dh_T before the loop)
//           · 7 dgates vec4 (rw) · 8 hcat (rw; backward_update) · 9 dh0 (rw; initial_grad)
//           · 20 step_mask (read; the steps and initial_grad: a masked step has dG = 0 and passes dh on whole
//             through carry; with RECURRENT_DROPOUT, what comes back through U is multiplied by keep)
//
//! include activations direction gruStepVec4

struct GruVec4BackParams {
  t: u32,
  batch: u32,
  units: u32,
  timesteps: u32,
  dy_is_sequence: u32,
  /** vec4 offsets of compact da and Uht in scratch (reset_before). */
  cq: u32,
  uht: u32,
}

@group(0) @binding(0) var<uniform> back_params: GruVec4BackParams;
@group(0) @binding(1) var<storage, read_write> scratch: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> saved_gates: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> saved_h: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> carry: array<f32>;
@group(0) @binding(7) var<storage, read_write> dgates: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read_write> hcat: array<f32>;
@group(0) @binding(9) var<storage, read_write> dh0: array<f32>;

/** The gradient reaching h_t[b, j] from the output and (gathered: dG[t']·Upᵀ) from the step run after t. */
fn incoming(p: GruVec4BackParams, b: u32, j: u32, from_next: f32, last: bool) -> f32 {
  let units = p.units;
  let at = b * units + j;
  // carry holds dh_T at the last step (the host copies it in: a dh_last binding would make backward_update's
  // ninth with step_mask), and after it what passed through z or a masked step.
  var dh = carry[at];
  // What came back through U reached h_t ⊙ keep with recurrent dropout (direction.wgsl).
  if (!last) { dh += from_next * recurrent_keep(p.batch, units, b, j); }
  if (p.dy_is_sequence != 0u) {
    dh += dy[(p.t * p.batch + b) * units + j];
  } else if (last) {
    dh += dy[at];
  }
  return dh;
}

/** reset_after: the whole backward cell of one (b, j), if it exists. */
fn backward_cell(p: GruVec4BackParams, b: u32, j: u32, from_next: f32, last: bool) {
  let units = p.units;
  if (b >= p.batch || j >= units) { return; }
  let dh = incoming(p, b, j, from_next, last);
  let row = (p.t * p.batch + b) * units + j;
  if (!step_runs(p.t, p.batch, b)) {
    // Skipped (direction.wgsl): no gate gradients, and dh goes on whole to h_{t−1}.
    dgates[row] = vec4<f32>(0.0);
    carry[b * units + j] = dh;
    return;
  }
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
fn update_cell(p: GruVec4BackParams, b: u32, j: u32, from_next: f32, last: bool) -> f32 {
  let units = p.units;
  if (j >= units) { return 0.0; }
  let dh = incoming(p, b, j, from_next, last);
  let row = (p.t * p.batch + b) * units + j;
  if (!step_runs(p.t, p.batch, b)) {
    // Skipped: no gate gradients (da 0 in hcat too, for the dUh GEMM), dh on whole; backward_reset leaves it.
    dgates[row] = vec4<f32>(0.0);
    hcat[row] = 0.0;
    carry[b * units + j] = dh;
    return 0.0;
  }
  let g = saved_gates[row];
  let h_prev = saved_h[(prev_slot(p.t) * p.batch + b) * units + j];
  let dz = dh * (h_prev - g.z) * act_grad_from_output(g.x, RECURRENT_ACTIVATION);
  let da = dh * (1.0 - g.x) * act_grad_from_output(g.z, ACTIVATION);
  dgates[row] = vec4<f32>(dz, 0.0, 0.0, da);
  hcat[row] = da;
  carry[b * units + j] = dh;
  return da;
}

/** reset_before: dr and the rest of carry of one (b, k) from drh_k = Σ_j da_j·Uh[k, j]. */
fn reset_cell(p: GruVec4BackParams, b: u32, k: u32, drh: f32) {
  let units = p.units;
  if (b >= p.batch || k >= units || !step_runs(p.t, p.batch, b)) { return; }
  let row = (p.t * p.batch + b) * units + k;
  let g = saved_gates[row];
  // The candidate's product read r ⊙ h̃ (h ⊙ keep with recurrent dropout).
  let keep = recurrent_keep(p.batch, units, b, k);
  let h_in = saved_h[(prev_slot(p.t) * p.batch + b) * units + k] * keep;
  dgates[row].y = drh * h_in * act_grad_from_output(g.y, RECURRENT_ACTIVATION);
  let at = b * units + k;
  carry[at] = carry[at] * g.x + drh * g.y * keep;
}

// The block functions: gather dh from dG[t']·Upᵀ (none at the last step), then the cells: backward_cell
// (reset_after, lanes z, r, n) or update_cell (reset_before, lanes z, r; the block stores its rows' vec4
// j0/4 of compact da for backward_reset).
//! generate gruGatherBlock {"name": "backward_block", "rows": 4, "lanes": "xyz", "cell": "backward_cell"}
//! generate gruGatherBlock {"name": "backward_block8", "rows": 8, "lanes": "xyz", "cell": "backward_cell"}
//! generate gruGatherBlock {"name": "update_block", "rows": 4, "lanes": "xy", "cell": "update_cell"}
//! generate gruGatherBlock {"name": "update_block8", "rows": 8, "lanes": "xy", "cell": "update_cell"}

// reset_after: the whole backward step.
//! generate gruBlockEntry {"entry": "backward", "rows": 4, "params": "back_params", "block": "backward_block"}
//! generate gruBlockEntry {"entry": "backward8", "rows": 8, "params": "back_params", "block": "backward_block8"}

// reset_before: dz, da and dh, then drh = da·Uhᵀ (rows × units k) from compact da and Uht, dr and carry.
//! generate gruBlockEntry {"entry": "backward_update", "rows": 4, "params": "back_params", "block": "update_block"}
//! generate gruBlockEntry {"entry": "backward_update8", "rows": 8, "params": "back_params", "block": "update_block8"}
//! generate gruUhEntry {"entry": "backward_reset", "rows": 4, "cell": "reset_cell"}
//! generate gruUhEntry {"entry": "backward_reset8", "rows": 8, "cell": "reset_cell"}

/**
 * Column r: Σ_k dG[t_src, b0+r, k]·Up[j0+q, k] (lane q) — what the gate gradients of step t_src send back to
 * h[b0+r, j0+q] through U (Up's lane 3 is zero, so dG's da lane drops out). Once per pass: written out once,
 * with whole vec4s (no lane to skip).
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
        dh0[at] = carry[at] + g[r][q] * recurrent_keep(p.batch, p.units, b, j);
      }
    }
  }
}
