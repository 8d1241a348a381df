// lstmStep.wgsl — one timestep of an LSTM layer, forward and backward, each fused into one dispatch.
//
// Forward (entry `forward`), Keras semantics, gate order i, f, c(g), o in every 4u-wide row:
//   z     = xproj[t, b, :] + h_{t−1}[b, :] · U          xproj = x·W + b was computed for all t by one GEMM
//   i = σ(z_i)   f = σ(z_f)   g = act(z_g)   o = σ(z_o)  σ = RECURRENT_ACTIVATION, act = ACTIVATION
//   c_t = f ⊙ c_{t−1} + i ⊙ g
//   h_t = o ⊙ act(c_t)
// One invocation owns one (batch row b, unit j): it computes all four gates of unit j, so the cell update
// happens in the same pass and only h and c cross between invocations. It saves i, f, g, o (after their
// activations) for backward. h and c are time-major [T+1, batch, units] with slot 0 holding the initial state,
// so step t reads slot t and writes slot t+1, and h[0..T) is the H_{t−1} matrix the weight gradient needs.
// With GO_BACKWARDS (Keras go_backwards) the steps run for t = T−1 down to 0, the initial state is slot T and
// step t reads slot t+1 and writes slot t; gates and dG stay indexed by t (see direction.wgsl, prepended).
//
// Backward (entry `backward`), run in reverse processing order (t = T−1 down to 0; t = 0 up with GO_BACKWARDS).
// It first gathers the gradient reaching h_t:
//   dh_t = dy_t + (x_t processed last ? dh_T : dG[t', b, :] · U[j, :]ᵀ)      t' = the step run after t
// (dy_t is the output gradient: every step when the layer returned sequences, else only at the last step).
// Then, with a = act(c_t):
//   do = dh·a·σ'(o)      dc = dc_{t+1} + dh·o·act'(a)
//   di = dc·g·σ'(i)      df = dc·c_{t−1}·σ'(f)      dg = dc·i·act'(g)      dc_{t−1} = dc·f
// where act' and σ' are written in terms of the saved outputs (see activations.wgsl). dc lives in one
// [batch, units] buffer updated in place (each invocation reads and writes only its own element). The gate
// gradients dG[t] = (di, df, dg, do) are stored for the weight-gradient GEMMs that follow the loop; dh_0 is
// dG[first step] · Uᵀ, one more GEMM.
//
// Bindings, forward:  0 params · 1 xproj (read) · 2 recurrent U [u, 4u] (read) · 3 h (rw) · 4 c (rw) · 5 gates (rw)
// Bindings, backward: 0 back_params · 6 recurrent_b U (read) · 7 saved_gates (read) · 8 saved_c (read)
//                     9 dy (read) · 10 dh_last (read) · 11 dc (rw) · 12 dgates (rw)
// Recurrent dropout (direction.wgsl, RECURRENT_DROPOUT): the product reads h_{t−1} ⊙ keep, and the dh gathered
// through U is multiplied by keep; the host applies keep to dh_0 and to H_{t−1} in dU = H̃ᵀ·dG.
// Both entries also bind 20 step_mask (read; direction.wgsl), masked or not. With MASKED dc holds [2, batch, units], dc and behind it
// dh_carry. After the last step backward, dh_carry holds what reaches the initial h past the masked steps run
// first (added to dh_0).
//
//! include activations direction

override ACTIVATION: u32 = 0u;
override RECURRENT_ACTIVATION: u32 = 2u;

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(1) var<storage, read> xproj: array<f32>;
@group(0) @binding(2) var<storage, read> recurrent: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
@group(0) @binding(5) var<storage, read_write> gates: array<f32>;

@group(0) @binding(0) var<uniform> back_params: BackParams;
@group(0) @binding(6) var<storage, read> recurrent_b: array<f32>;
@group(0) @binding(7) var<storage, read> saved_gates: array<f32>;
@group(0) @binding(8) var<storage, read> saved_c: array<f32>;
@group(0) @binding(9) var<storage, read> dy: array<f32>;
@group(0) @binding(10) var<storage, read> dh_last: array<f32>;
@group(0) @binding(11) var<storage, read_write> dc: array<f32>;
@group(0) @binding(12) var<storage, read_write> dgates: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let units = params.units;
  if (idx >= params.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let u4 = 4u * units;
  let gate_row = (params.t * params.batch + b) * u4;
  let prev = (prev_slot(params.t) * params.batch + b) * units;
  let next = (next_slot(params.t) * params.batch + b) * units;

  var zi = xproj[gate_row + j];
  var zf = xproj[gate_row + units + j];
  var zg = xproj[gate_row + 2u * units + j];
  var zo = xproj[gate_row + 3u * units + j];
  let keep_row = recurrent_keep_row(params.batch, units, b);
  // A masked step (direction.wgsl) skips the product: it carries both states over (below).
  let runs = step_runs(params.t, params.batch, b);
  for (var k = 0u; k < select(0u, units, runs); k++) {
    var hk = h[prev + k];
    if (RECURRENT_DROPOUT) { hk *= step_mask[keep_row + k]; }
    let u_row = k * u4 + j;
    zi = fma(hk, recurrent[u_row], zi);
    zf = fma(hk, recurrent[u_row + units], zf);
    zg = fma(hk, recurrent[u_row + 2u * units], zg);
    zo = fma(hk, recurrent[u_row + 3u * units], zo);
  }
  let i = act(zi, RECURRENT_ACTIVATION);
  let f = act(zf, RECURRENT_ACTIVATION);
  let g = act(zg, ACTIVATION);
  let o = act(zo, RECURRENT_ACTIVATION);
  let c_prev = c[prev + j];
  let c_t = f * c_prev + i * g;
  // The gates saved below are never read for a masked step.
  c[next + j] = select(c_prev, c_t, runs);
  h[next + j] = select(h[prev + j], o * act(c_t, ACTIVATION), runs);
  gates[gate_row + j] = i;
  gates[gate_row + units + j] = f;
  gates[gate_row + 2u * units + j] = g;
  gates[gate_row + 3u * units + j] = o;
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = back_params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let u4 = 4u * units;
  let last = is_last_step(p.t, p.timesteps);
  // The carry of dh past masked steps (direction.wgsl's dh_carry) lives behind dc, in the same buffer: a ninth
  // storage binding would pass WebGPU's guaranteed eight.
  let carry_at = p.batch * units;

  var dh = 0.0;
  if (last) {
    dh = dh_last[idx];
  } else {
    // A step t' that row b skipped left its dG[t'] row 0: nothing to gather there, only the carry.
    if (step_runs(following_time(p.t), p.batch, b)) {
      let next_row = (following_time(p.t) * p.batch + b) * u4;
      let u_row = j * u4;
      for (var m = 0u; m < u4; m++) {
        dh = fma(dgates[next_row + m], recurrent_b[u_row + m], dh);
      }
      dh *= recurrent_keep(p.batch, units, b, j);
    }
    if (MASKED) { dh += dc[carry_at + idx]; }
  }
  if (p.dy_is_sequence != 0u) {
    dh += dy[(p.t * p.batch + b) * units + j];
  } else if (last) {
    dh += dy[idx];
  }

  let gate_row = (p.t * p.batch + b) * u4;
  if (!step_runs(p.t, p.batch, b)) {
    // Skipped: no gate gradients, dc passes unchanged, and dh goes on whole to the state before.
    dgates[gate_row + j] = 0.0;
    dgates[gate_row + units + j] = 0.0;
    dgates[gate_row + 2u * units + j] = 0.0;
    dgates[gate_row + 3u * units + j] = 0.0;
    dc[carry_at + idx] = dh;
    return;
  }
  if (MASKED) { dc[carry_at + idx] = 0.0; }
  let i = saved_gates[gate_row + j];
  let f = saved_gates[gate_row + units + j];
  let g = saved_gates[gate_row + 2u * units + j];
  let o = saved_gates[gate_row + 3u * units + j];
  let c_prev = saved_c[(prev_slot(p.t) * p.batch + b) * units + j];
  let a = act(saved_c[(next_slot(p.t) * p.batch + b) * units + j], ACTIVATION);

  let dct = dc[idx] + dh * o * act_grad_from_output(a, ACTIVATION);
  dgates[gate_row + j] = dct * g * act_grad_from_output(i, RECURRENT_ACTIVATION);
  dgates[gate_row + units + j] = dct * c_prev * act_grad_from_output(f, RECURRENT_ACTIVATION);
  dgates[gate_row + 2u * units + j] = dct * i * act_grad_from_output(g, ACTIVATION);
  dgates[gate_row + 3u * units + j] = dh * a * act_grad_from_output(o, RECURRENT_ACTIVATION);
  dc[idx] = dct * f;
}
