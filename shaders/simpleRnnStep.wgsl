// simpleRnnStep.wgsl — one timestep of a SimpleRNN (Elman) layer, forward and backward, each fused into one
// dispatch. Keras semantics: kernel [in, u], recurrent_kernel [u, u], bias [u], act = ACTIVATION.
//
// Forward (entry `forward`):
//   h_t = act(xproj[t, b, :] + h_{t−1}[b, :] · U)          xproj = x·W + b was computed for all t by one GEMM
// One invocation owns one (batch row b, unit j). Nothing is saved besides h itself: act' is a function of the
// output (activations.wgsl), and h_t is in the state buffer. States and per-time buffers follow direction.wgsl
// (prepended): dG and dy indexed by input time t, h [T+1, B, u] on the boundaries between inputs.
//
// Backward (entry `backward`), in reverse processing order:
//   dh_t = dy_t + (x_t processed last ? dh_T : dG[t', b, :] · U[j, :]ᵀ)      t' = the step run after t
//   dG[t, b, j] = dh_t · act'(h_t)
// h_{t−1} reaches h_t only through U, so after the loop dh_0 = dG[first step] · Uᵀ is a plain GEMM, and the
// weight gradients are dW = Xᵀ·dG, dU = H_{t−1}ᵀ·dG, db = Σ dG.
//
// Masking (direction.wgsl, MASKED): a skipped step keeps h, has dG = 0 and hands its whole dh on through
// dh_carry, which the gather of the step before adds; after the loop the host adds what is left in dh_carry
// (what passed the masked steps run first) to dh_0's GEMM.
//
// Leaky integration (LEAK = a < 1, the echo-state network's leak rate; 1 for Keras's SimpleRNN):
//   h_t = (1 − a) h_{t−1} + a · act(s_t)
// Backward, z_t = act(s_t) = (h_t − (1 − a) h_{t−1}) / a from the saved states, dG = dh · a · act'(z_t), and
// (1 − a) dh goes straight to h_{t−1} through dh_carry, as a masked step's whole dh does.
//
// Recurrent dropout (direction.wgsl, RECURRENT_DROPOUT): the product reads h_{t−1} ⊙ keep and the dh gathered
// through U is multiplied by keep; the host does the same to dh_0 and uses H̃ = H ⊙ keep in dU.
//
// SPARSE (forward only): `recurrent` holds U's non-zeros column by column (shaders/sparseColumns.wgsl), and the
// product runs over those alone: a sparse echo-state reservoir driven with many rows.
//
// Bindings, forward:  0 params · 1 xproj (read) · 2 recurrent U [u, u], or its packed non-zeros (read) · 3 h (rw)
// Bindings, backward: 0 back_params · 4 recurrent_b U (read) · 5 saved_h (read) · 6 dy (read)
//                     7 dh_last (read) · 8 dgates (rw) · 21 dh_carry [B, u] (rw; direction.wgsl)
// Both: 20 step_mask (read; direction.wgsl).
//
//! include activations direction

/** Forward reads U as its packed non-zeros (see above). */
override SPARSE: bool = false;
override ACTIVATION: u32 = 0u;
override LEAK: f32 = 1.0;

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(1) var<storage, read> xproj: array<f32>;
@group(0) @binding(2) var<storage, read> recurrent: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;

@group(0) @binding(0) var<uniform> back_params: BackParams;
@group(0) @binding(4) var<storage, read> recurrent_b: array<f32>;
@group(0) @binding(5) var<storage, read> saved_h: array<f32>;
@group(0) @binding(6) var<storage, read> dy: array<f32>;
@group(0) @binding(7) var<storage, read> dh_last: array<f32>;
@group(0) @binding(8) var<storage, read_write> dgates: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let prev = (prev_slot(p.t) * p.batch + b) * units;

  var s = xproj[(p.t * p.batch + b) * units + j];
  let keep_row = recurrent_keep_row(p.batch, units, b);
  // A masked step (direction.wgsl) skips the product and keeps h.
  let runs = step_runs(p.t, p.batch, b);
  if (SPARSE) {
    // Column j's non-zeros only (shaders/sparseColumns.wgsl's layout): row index, then value, units apart.
    let count = select(0u, u32(recurrent[j]), runs);
    for (var e = 0u; e < count; e++) {
      let at = units + e * 2u * units + j;
      let k = u32(recurrent[at]);
      var hk = h[prev + k];
      if (RECURRENT_DROPOUT) { hk *= step_mask[keep_row + k]; }
      s = fma(hk, recurrent[at + units], s);
    }
  } else {
    for (var k = 0u; k < select(0u, units, runs); k++) {
      var hk = h[prev + k];
      if (RECURRENT_DROPOUT) { hk *= step_mask[keep_row + k]; }
      s = fma(hk, recurrent[k * units + j], s);
    }
  }
  let z = act(s, ACTIVATION);
  // mix(h, z, 1) would be h·0 + z, not z, where h is not finite: a SimpleRNN keeps z exactly.
  let leaky = select(mix(h[prev + j], z, LEAK), z, LEAK == 1.0);
  h[(next_slot(p.t) * p.batch + b) * units + j] = select(h[prev + j], leaky, runs);
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = back_params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let last = is_last_step(p.t, p.timesteps);

  var dh = 0.0;
  if (last) {
    dh = dh_last[idx];
  } else {
    // A step t' that row b skipped left its dG[t'] row 0: nothing to gather there, only the carry.
    if (step_runs(following_time(p.t), p.batch, b)) {
      let next_row = (following_time(p.t) * p.batch + b) * units;
      for (var m = 0u; m < units; m++) {
        dh = fma(dgates[next_row + m], recurrent_b[j * units + m], dh);
      }
      dh *= recurrent_keep(p.batch, units, b, j);
    }
    if (MASKED || LEAK != 1.0) { dh += dh_carry[idx]; }
  }
  if (p.dy_is_sequence != 0u) {
    dh += dy[(p.t * p.batch + b) * units + j];
  } else if (last) {
    dh += dy[idx];
  }
  let row = (p.t * p.batch + b) * units;
  if (!step_runs(p.t, p.batch, b)) {
    // Skipped: no pre-activation gradient, and dh goes on whole to the state before.
    dgates[row + j] = 0.0;
    dh_carry[idx] = dh;
    return;
  }
  let y = saved_h[(next_slot(p.t) * p.batch + b) * units + j];
  if (LEAK != 1.0) {
    let z = (y - (1.0 - LEAK) * saved_h[(prev_slot(p.t) * p.batch + b) * units + j]) / LEAK;
    dgates[row + j] = dh * LEAK * act_grad_from_output(z, ACTIVATION);
    dh_carry[idx] = (1.0 - LEAK) * dh;
    return;
  }
  if (MASKED) { dh_carry[idx] = 0.0; }
  dgates[row + j] = dh * act_grad_from_output(y, ACTIVATION);
}
