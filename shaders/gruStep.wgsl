// gruStep.wgsl — one timestep of a GRU layer, forward and backward. Keras semantics (GRUCell), gate order
// z, r, h(candidate) in every 3u-wide row; σ = RECURRENT_ACTIVATION, act = ACTIVATION. xproj = x·W + b_in was
// computed for all t by one GEMM, so below xz, xr, xh are its three blocks.
//
// reset_after (Keras default, PyTorch, cuDNN), entry `forward`, one fused dispatch per step:
//   z = σ(xz + h·Uz + bz_rec)   r = σ(xr + h·Ur + br_rec)   n = h·Uh + bh_rec   hh = act(xh + r ⊙ n)
//   h_t = z ⊙ h_{t−1} + (1 − z) ⊙ hh
// One invocation owns one (batch row b, unit j) and computes z_j, r_j and n_j from the same h row, so the
// whole cell fuses into one pass. It saves (z, r, hh, n) per unit for backward: gates [T, B, 4u].
//
// reset_before (Keras reset_after=False), bias [3u] all in xproj:  hh = act(xh + (r ⊙ h)·Uh)
// Two dispatches per step, because unit j's candidate needs r_k·h_k for EVERY unit k before its product with Uh,
// and invocations of one dispatch cannot wait for each other (a workgroup barrier only spans one workgroup):
//   `forward_gates`     z, r for every unit; saves h_{t−1} and r ⊙ h_{t−1} into hcat
//   `forward_candidate` hh = act(xh + (r ⊙ h)·Uh) and h_t
// gates [T, B, 3u] = (z, r, hh). hcat [2, T, B, u] = [H_{t−1}; R ⊙ H_{t−1}] is the A of the recurrent-kernel
// gradient GEMM (below).
//
// States and per-time buffers follow direction.wgsl (prepended): gates, dG and dy indexed by input time t,
// h [T+1, B, u] on the boundaries between inputs.
//
// Backward, in reverse processing order. Each step first gathers the gradient reaching h_t:
//   dh = dy_t + carry + (x_t processed last ? 0 : dGh[t'] · U[j, :]ᵀ)             t' = the step run after t
// where carry is the part of dh_{t−1} that does not pass through U (written by step t', read back here), and
// before the step processed last holds dh_T: the host copies it in before the loop, so no entry binds it.
// Then dz = dh·(h_{t−1} − hh)·σ'(z) and da = dh·(1 − z)·act'(hh) (da: gradient of the candidate's
// pre-activation). Two gradients per gate: dGx of x·W + b_in (feeds dW, dX, db_in) and dGh of h·U (+ b_rec)
// (feeds dU, db_rec, dh_{t−1}).
//   reset_after, entry `backward` (fused):  dr = da·n·σ'(r)
//     dGx = (dz, dr, da)   dGh = (dz, dr, da·r)   carry = dh·z
//   reset_before, entries `backward_update` then `backward_reset` (again, unit k's dr needs da of every unit):
//     update:  dGx = (dz, ·, da), carry = dh (kept for the next entry)
//     reset:   drh_k = Σ_j da_j Uh[k, j]   dr_k = drh_k·h_k·σ'(r_k)   carry_k = dh_k·z_k + drh_k·r_k
//     dGh [2, T, B, 3u] = [(dz, dr, 0); (0, 0, da)], so one GEMM dU = hcatᵀ·dGh gives
//     dUz,r = H_{t−1}ᵀ·(dz, dr) and dUh = (R ⊙ H_{t−1})ᵀ·da (its K is 2·T·B; a third of dGh is zeros).
//   Either way the gather above reads dGh's first block, whose h column is 0 in reset_before.
// Entry `initial_grad` runs once after the loop: dh_0 = carry + dGh[first step] · U[j, :]ᵀ (the carry term is
// why this is not the LSTM's plain GEMM).
//
// Masking (direction.wgsl, MASKED): a skipped step keeps h, writes zero gate gradients and sets carry = dh,
// all of it. The gather of the step before (and initial_grad) adds carry anyway, so carry is the GRU's dh_carry:
// no binding 21, and nothing to add to dh_0 after the loop. dh_T enters through carry (above) because the
// backward entries, with step_mask, would otherwise bind 9 storage buffers; WebGPU guarantees 8.
//
// Recurrent dropout (direction.wgsl, RECURRENT_DROPOUT): every product with U reads h̃ = h_{t−1} ⊙ keep (so hcat
// holds [H̃; R ⊙ H̃]), while z ⊙ h_{t−1} mixes in the unmasked state, as Keras 3's GRUCell does. Backward, what
// goes back through U (through_recurrent, and reset_before's drh·r) is multiplied by keep, dr reads h̃, and with
// reset_after the host computes dU from H̃ = H ⊙ keep.
//
// Bindings, forward:  0 params · 1 xproj (read) · 2 recurrent U [u, 3u] (read) · 3 h (rw) · 4 gates (rw)
//                     5 recurrent_bias [3u] (read; reset_after) · 6 hcat (rw; reset_before)
// Bindings, backward: 0 back_params · 7 recurrent_b U (read) · 8 saved_gates (read) · 9 saved_h (read)
//                     10 dy (read) · 12 carry [B, u] (rw; dh_T on entry) · 13 dgx (rw) · 14 dgh (rw)
//                     15 dh0 (rw; initial_grad)
// Every entry binds 20 step_mask (read; direction.wgsl): the mask, and the recurrent dropout keep behind it.
//
//! include activations direction

struct GruStepParams {
  t: u32,
  batch: u32,
  units: u32,
  timesteps: u32,
  // where the recurrent bias starts in its binding (a layer binds the whole [2, 3u] bias; row 1 is at 3u)
  bias_offset: u32,
}

override ACTIVATION: u32 = 0u;
override RECURRENT_ACTIVATION: u32 = 2u;

@group(0) @binding(0) var<uniform> params: GruStepParams;
@group(0) @binding(1) var<storage, read> xproj: array<f32>;
@group(0) @binding(2) var<storage, read> recurrent: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;
@group(0) @binding(4) var<storage, read_write> gates: array<f32>;
@group(0) @binding(5) var<storage, read> recurrent_bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> hcat: array<f32>;

@group(0) @binding(0) var<uniform> back_params: BackParams;
@group(0) @binding(7) var<storage, read> recurrent_b: array<f32>;
@group(0) @binding(8) var<storage, read> saved_gates: array<f32>;
@group(0) @binding(9) var<storage, read> saved_h: array<f32>;
@group(0) @binding(10) var<storage, read> dy: array<f32>;
@group(0) @binding(12) var<storage, read_write> carry: array<f32>;
@group(0) @binding(13) var<storage, read_write> dgx: array<f32>;
@group(0) @binding(14) var<storage, read_write> dgh: array<f32>;
@group(0) @binding(15) var<storage, read_write> dh0: array<f32>;


@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let u3 = 3u * units;
  let row = (p.t * p.batch + b) * u3;
  let prev = (prev_slot(p.t) * p.batch + b) * units;
  let next = (next_slot(p.t) * p.batch + b) * units;

  let rb = p.bias_offset;
  var sz = xproj[row + j] + recurrent_bias[rb + j];
  var sr = xproj[row + units + j] + recurrent_bias[rb + units + j];
  var n = recurrent_bias[rb + 2u * units + j];
  let keep_row = recurrent_keep_row(p.batch, units, b);
  // A masked step (direction.wgsl) skips the product and keeps h.
  let runs = step_runs(p.t, p.batch, b);
  for (var k = 0u; k < select(0u, units, runs); k++) {
    var hk = h[prev + k];
    if (RECURRENT_DROPOUT) { hk *= step_mask[keep_row + k]; }
    let u_row = k * u3 + j;
    sz = fma(hk, recurrent[u_row], sz);
    sr = fma(hk, recurrent[u_row + units], sr);
    n = fma(hk, recurrent[u_row + 2u * units], n);
  }
  let z = act(sz, RECURRENT_ACTIVATION);
  let r = act(sr, RECURRENT_ACTIVATION);
  let hh = act(xproj[row + 2u * units + j] + r * n, ACTIVATION);
  // The gates saved below are never read for a masked step.
  let h_prev = h[prev + j];
  h[next + j] = select(h_prev, z * h_prev + (1.0 - z) * hh, runs);
  let g = (p.t * p.batch + b) * 4u * units;
  gates[g + j] = z;
  gates[g + units + j] = r;
  gates[g + 2u * units + j] = hh;
  gates[g + 3u * units + j] = n;
}

@compute @workgroup_size(WG)
fn forward_gates(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let u3 = 3u * units;
  let row = (p.t * p.batch + b) * u3;
  let prev = (prev_slot(p.t) * p.batch + b) * units;

  var sz = xproj[row + j];
  var sr = xproj[row + units + j];
  let keep_row = recurrent_keep_row(p.batch, units, b);
  // A masked step skips the products (its gates and hcat rows meet zero gradients).
  for (var k = 0u; k < select(0u, units, step_runs(p.t, p.batch, b)); k++) {
    var hk = h[prev + k];
    if (RECURRENT_DROPOUT) { hk *= step_mask[keep_row + k]; }
    sz = fma(hk, recurrent[k * u3 + j], sz);
    sr = fma(hk, recurrent[k * u3 + units + j], sr);
  }
  let r = act(sr, RECURRENT_ACTIVATION);
  gates[row + j] = act(sz, RECURRENT_ACTIVATION);
  gates[row + units + j] = r;
  let cat = (p.t * p.batch + b) * units + j;
  let h_in = h[prev + j] * recurrent_keep(p.batch, units, b, j);
  hcat[cat] = h_in;
  hcat[p.timesteps * p.batch * units + cat] = r * h_in;
}

@compute @workgroup_size(WG)
fn forward_candidate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let u3 = 3u * units;
  let row = (p.t * p.batch + b) * u3;
  let rh = (p.timesteps * p.batch + p.t * p.batch + b) * units;

  var a = xproj[row + 2u * units + j];
  let runs = step_runs(p.t, p.batch, b);
  for (var k = 0u; k < select(0u, units, runs); k++) {
    a = fma(hcat[rh + k], recurrent[k * u3 + 2u * units + j], a);
  }
  let hh = act(a, ACTIVATION);
  gates[row + 2u * units + j] = hh;
  let z = gates[row + j];
  let prev = (prev_slot(p.t) * p.batch + b) * units;
  let next = (next_slot(p.t) * p.batch + b) * units;
  // A masked step keeps h (forward_gates has run anyway: its hcat rows meet zero dGh rows in the dU GEMM).
  let h_prev = h[prev + j];
  h[next + j] = select(h_prev, z * h_prev + (1.0 - z) * hh, runs);
}

/** dGh[t] · U[j, :]ᵀ (⊙ keep): what the gate gradients of step t send back to h_{t−1}[b, j] through U. */
fn through_recurrent(t: u32, b: u32, j: u32) -> f32 {
  let p = back_params;
  let u3 = 3u * p.units;
  let row = (t * p.batch + b) * u3;
  var sum = 0.0;
  for (var m = 0u; m < u3; m++) {
    sum = fma(dgh[row + m], recurrent_b[j * u3 + m], sum);
  }
  return sum * recurrent_keep(p.batch, p.units, b, j);
}

/** The gradient reaching h_t[b, j] from the output and from the step run after t (dh_T: carry on entry). */
fn incoming(b: u32, j: u32) -> f32 {
  let p = back_params;
  let idx = b * p.units + j;
  let last = is_last_step(p.t, p.timesteps);
  var dh = carry[idx];
  // A step t' that row b skipped left its dGh[t'] row 0: nothing to gather there.
  if (!last && step_runs(following_time(p.t), p.batch, b)) {
    dh += through_recurrent(following_time(p.t), b, j);
  }
  if (p.dy_is_sequence != 0u) {
    dh += dy[(p.t * p.batch + b) * p.units + j];
  } else if (last) {
    dh += dy[idx];
  }
  return dh;
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let dh = incoming(b, j);
  let row = (p.t * p.batch + b) * 3u * units;
  if (!step_runs(p.t, p.batch, b)) {
    // Skipped: no gate gradients, and dh goes on whole to h_{t−1} through carry.
    dgx[row + j] = 0.0;
    dgx[row + units + j] = 0.0;
    dgx[row + 2u * units + j] = 0.0;
    dgh[row + j] = 0.0;
    dgh[row + units + j] = 0.0;
    dgh[row + 2u * units + j] = 0.0;
    carry[idx] = dh;
    return;
  }

  let g = (p.t * p.batch + b) * 4u * units;
  let z = saved_gates[g + j];
  let r = saved_gates[g + units + j];
  let hh = saved_gates[g + 2u * units + j];
  let n = saved_gates[g + 3u * units + j];
  let h_prev = saved_h[(prev_slot(p.t) * p.batch + b) * units + j];
  let dz = dh * (h_prev - hh) * act_grad_from_output(z, RECURRENT_ACTIVATION);
  let da = dh * (1.0 - z) * act_grad_from_output(hh, ACTIVATION);
  let dr = da * n * act_grad_from_output(r, RECURRENT_ACTIVATION);

  dgx[row + j] = dz;
  dgx[row + units + j] = dr;
  dgx[row + 2u * units + j] = da;
  dgh[row + j] = dz;
  dgh[row + units + j] = dr;
  dgh[row + 2u * units + j] = da * r;
  carry[idx] = dh * z;
}

@compute @workgroup_size(WG)
fn backward_update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let dh = incoming(b, j);

  let row = (p.t * p.batch + b) * 3u * units;
  let z = saved_gates[row + j];
  let hh = saved_gates[row + 2u * units + j];
  let h_prev = saved_h[(prev_slot(p.t) * p.batch + b) * units + j];
  // A skipped step has zero gate gradients (backward_reset zeroes dr) and leaves all of dh in carry, as below.
  let runs = step_runs(p.t, p.batch, b);
  let dz = select(0.0, dh * (h_prev - hh) * act_grad_from_output(z, RECURRENT_ACTIVATION), runs);
  let da = select(0.0, dh * (1.0 - z) * act_grad_from_output(hh, ACTIVATION), runs);

  dgx[row + j] = dz;
  dgx[row + 2u * units + j] = da;
  let second = p.timesteps * p.batch * 3u * units;
  dgh[row + j] = dz;
  dgh[row + 2u * units + j] = 0.0;
  dgh[second + row + j] = 0.0;
  dgh[second + row + units + j] = 0.0;
  dgh[second + row + 2u * units + j] = da;
  carry[idx] = dh;
}

@compute @workgroup_size(WG)
fn backward_reset(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let k = idx % units;
  let u3 = 3u * units;
  let row = (p.t * p.batch + b) * u3;
  if (!step_runs(p.t, p.batch, b)) {
    // Skipped: dr = 0, and carry keeps the whole dh that backward_update put there.
    dgx[row + units + k] = 0.0;
    dgh[row + units + k] = 0.0;
    return;
  }

  var drh = 0.0;
  for (var j = 0u; j < units; j++) {
    drh = fma(dgx[row + 2u * units + j], recurrent_b[k * u3 + 2u * units + j], drh);
  }
  let z = saved_gates[row + k];
  let r = saved_gates[row + units + k];
  let keep = recurrent_keep(p.batch, units, b, k);
  let h_in = saved_h[(prev_slot(p.t) * p.batch + b) * units + k] * keep;
  let dr = drh * h_in * act_grad_from_output(r, RECURRENT_ACTIVATION);
  dgx[row + units + k] = dr;
  dgh[row + units + k] = dr;
  carry[idx] = carry[idx] * z + drh * r * keep;
}

@compute @workgroup_size(WG)
fn initial_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= p.batch * p.units) { return; }
  dh0[idx] = carry[idx] + through_recurrent(p.t, idx / p.units, idx % p.units);
}
