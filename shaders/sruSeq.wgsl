// sruSeq.wgsl — a whole Simple Recurrent Unit sequence (Lei et al. 2018), forward and backward, each one
// dispatch for every timestep. CPU twin: src/reference/sruSeq.ts.
//
// For x_t (F features), u units, state c:
//   x̃_t = x_t·W    f_t = σ(x_t·W_f + v_f ⊙ c_{t−1} + b_f)    r_t = σ(x_t·W_r + v_r ⊙ c_{t−1} + b_r)
//   c_t = f_t ⊙ c_{t−1} + (1 − f_t) ⊙ x̃_t
//   h_t = r_t ⊙ g(c_t) + (1 − r_t) ⊙ x̂_t       x̂_t = x_t when F = u (SKIP_IDENTITY), else x_t·W_h
// g is ACTIVATION (linear in the 2018 paper, tanh in the 2017 preprint). The host computes every matrix product
// first, xproj = X·[W | W_f | W_r (| W_h)] for all timesteps as one GEMM, so what is left of the recurrence is
// element-wise: the invocation that owns (batch row b, unit j) runs the whole sequence in registers, with no
// barrier and no per-step dispatch. `weights` holds [v_f; v_r; b_f; b_r] (4u floats), then with SINGLE_FEATURE
// the kernel's one row.
//
// SINGLE_FEATURE (F = 1, a univariate series: the founding brief's prices): no GEMM and no xproj. x_t·W is then
// x_t times one row of weights, which each invocation holds in registers for the whole sequence; backward sums its
// share of dW = Σ x_t · dproj in registers too. With one feature the GEMM writes blocks·u floats for every input
// it reads, and that traffic, not arithmetic, was its cost (bench/results/sru.md).
//
// The states follow direction.wgsl: h and c are [T+1, B, u], slot prev_slot(t) before the step that reads x_t,
// next_slot(t) after it. h is the layer's output; the SRU's recurrence reads only c, and h rides along as a state
// so that a masked step (MASKED) repeats the last output, as the other cells' do, and keeps c.
//
// Recurrent dropout (RECURRENT_DROPOUT): keep [B, u] multiplies c_{t−1} where it enters the gates (v ⊙ c), not in
// the carry f ⊙ c_{t−1}: the SRU's only recurrent product.
//
// Backward (entry `backward`), the same invocation walks the steps in reverse, recomputing f and r from xproj and
// the saved c (cheaper than storing them), with dh and dc in registers:
//   dr = dh (g(c_t) − x̂_t)      dc_t += dh r g'(c_t)      dx̂ = dh (1 − r)
//   df = dc_t (c_{t−1} − x̃_t)   dx̃ = dc_t (1 − f)         dc_{t−1} = dc_t f + (df σ'_f v_f + dr σ'_r v_r) ⊙ keep
// It writes dproj [T, B, 3u or 4u] (dx̃, the two gate pre-activation gradients, and dx̂ in the fourth block), for
// the host's GEMMs dW = Xᵀ·dproj and dX = dproj·Wᵀ; when the skip is x_t itself, dx̂ [T, B, u] goes after the
// 3 blocks, and the host adds it to dX. The gradients of v and b sum over time in registers and over the batch on
// the host: d_small starts with partials [B, width] (width = 4u in `weights`' order, then with SINGLE_FEATURE the
// kernel row's blocks·u), then [dh; dc] [2, B, u], those of the final states on entry and of the initial states
// on return. With SINGLE_FEATURE, dproj is written only when the host asks (write_dproj: for dX = dproj·Wᵀ). A masked step's dh passes on whole to the output
// before it. (Packed so that the entry binds 8 storage buffers, all WebGPU guarantees.)
//
// Bindings, forward:  0 params · 1 xproj (read) · 2 x (read) · 3 weights (read) · 4 h (rw) · 5 c (rw)
// Bindings, backward: 0 back_params · 1 xproj · 2 x · 3 weights · 6 saved_c (read) · 7 dy (read)
//                     8 dproj (rw) · 9 d_small (rw)
// Both: 20 step_mask (read; direction.wgsl).
//
//! include activations direction

override ACTIVATION: u32 = 3u;
/** F = u: the skip connection is x_t itself and xproj has 3 blocks; else 4, the last x_t·W_h. */
override SKIP_IDENTITY: bool = false;
override SINGLE_FEATURE: bool = false;

struct SruParams {
  batch: u32,
  units: u32,
  timesteps: u32,
  features: u32,
  /** Where x starts in its buffer (a stacked layer reads the h slots of the layer below). */
  x_offset: u32,
}

struct SruBackParams {
  batch: u32,
  units: u32,
  timesteps: u32,
  features: u32,
  x_offset: u32,
  dy_is_sequence: u32,
  write_dproj: u32,
}

@group(0) @binding(0) var<uniform> params: SruParams;
@group(0) @binding(1) var<storage, read> xproj: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> h: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;

@group(0) @binding(0) var<uniform> back_params: SruBackParams;
@group(0) @binding(6) var<storage, read> saved_c: array<f32>;
@group(0) @binding(7) var<storage, read> dy: array<f32>;
@group(0) @binding(8) var<storage, read_write> dproj: array<f32>;
@group(0) @binding(9) var<storage, read_write> d_small: array<f32>;

/** Blocks of xproj and dproj per row: x̃, f, r, and x̂ unless it is x_t. */
fn blocks() -> u32 {
  return select(4u, 3u, SKIP_IDENTITY);
}

/** (v_f, v_r, b_f, b_r) of unit j. */
fn gate_weights(units: u32, j: u32) -> vec4<f32> {
  return vec4<f32>(weights[j], weights[units + j], weights[2u * units + j], weights[3u * units + j]);
}

/** With SINGLE_FEATURE, the kernel's row at column g·u + j for g = 0..3 (0 where there is no fourth block). */
fn single_weights(units: u32, j: u32) -> vec4<f32> {
  if (!SINGLE_FEATURE) { return vec4<f32>(0.0); }
  var w = vec4<f32>(weights[4u * units + j], weights[5u * units + j], weights[6u * units + j], 0.0);
  if (!SKIP_IDENTITY) { w.w = weights[7u * units + j]; }
  return w;
}

/**
 * (x_t·W, x_t·W_f, x_t·W_r, x̂_t) at (b, j): from xproj (and x for the identity skip), or with SINGLE_FEATURE
 * from x_t's one value and the weights w the invocation holds.
 */
fn projections(t: u32, batch: u32, b: u32, j: u32, units: u32, features: u32, x_offset: u32, w: vec4<f32>) -> vec4<f32> {
  if (SINGLE_FEATURE) {
    let xv = x[x_offset + t * batch + b];
    return vec4<f32>(xv * w.x, xv * w.y, xv * w.z, select(xv * w.w, xv, SKIP_IDENTITY));
  }
  let row = (t * batch + b) * blocks() * units;
  var skip: f32;
  if (SKIP_IDENTITY) { skip = x[x_offset + (t * batch + b) * features + j]; } else { skip = xproj[row + 3u * units + j]; }
  return vec4<f32>(xproj[row + j], xproj[row + units + j], xproj[row + 2u * units + j], skip);
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  let units = p.units;
  if (idx >= p.batch * units) { return; }
  let b = idx / units;
  let j = idx % units;
  let gw = gate_weights(units, j);
  let keep = recurrent_keep(p.batch, units, b, j);
  let w = single_weights(units, j);
  let first = time_of_step(0u, p.timesteps);
  var cell = c[prev_slot(first) * p.batch * units + idx];
  var out = h[prev_slot(first) * p.batch * units + idx];
  for (var s = 0u; s < p.timesteps; s++) {
    let t = time_of_step(s, p.timesteps);
    if (step_runs(t, p.batch, b)) {
      let proj = projections(t, p.batch, b, j, units, p.features, p.x_offset, w);
      let gated = cell * keep;
      let f = act(proj.y + gw.x * gated + gw.z, 2u);
      let r = act(proj.z + gw.y * gated + gw.w, 2u);
      cell = f * cell + (1.0 - f) * proj.x;
      out = r * act(cell, ACTIVATION) + (1.0 - r) * proj.w;
    }
    let at = next_slot(t) * p.batch * units + idx;
    c[at] = cell;
    h[at] = out;
  }
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  let units = p.units;
  let state = p.batch * units;
  if (idx >= state) { return; }
  let b = idx / units;
  let j = idx % units;
  let gw = gate_weights(units, j);
  let keep = recurrent_keep(p.batch, units, b, j);
  let w = single_weights(units, j);
  let width = 4u * units + select(0u, blocks() * units, SINGLE_FEATURE);
  let d_state = p.batch * width;
  let write_dproj = !SINGLE_FEATURE || p.write_dproj != 0u;
  // With SINGLE_FEATURE: Σ_t x_t · (dx̃, df, dr, dx̂), this row's share of dW.
  var dw = vec4<f32>(0.0);
  // dx̂ after dproj's blocks when the skip is x_t.
  let d_skip_base = p.timesteps * state * 3u;
  // What reaches the final output from outside; only the last output's gradient when dy is not a sequence.
  var dh_next = d_small[d_state + idx] + select(dy[idx], 0.0, p.dy_is_sequence != 0u);
  var dc = d_small[d_state + state + idx];
  var dvf = 0.0;
  var dvr = 0.0;
  var dbf = 0.0;
  var dbr = 0.0;
  for (var s = p.timesteps; s > 0u; s--) {
    let t = time_of_step(s - 1u, p.timesteps);
    var dh = dh_next;
    if (p.dy_is_sequence != 0u) { dh += dy[(t * p.batch + b) * units + j]; }
    let row = (t * p.batch + b) * blocks() * units;
    let skip_at = d_skip_base + (t * p.batch + b) * units + j;
    if (!step_runs(t, p.batch, b)) {
      // Skipped: the output was the one before, so its gradient goes on whole; c is untouched.
      dh_next = dh;
      if (!write_dproj) { continue; }
      dproj[row + j] = 0.0;
      dproj[row + units + j] = 0.0;
      dproj[row + 2u * units + j] = 0.0;
      if (SKIP_IDENTITY) { dproj[skip_at] = 0.0; } else { dproj[row + 3u * units + j] = 0.0; }
      continue;
    }
    dh_next = 0.0;
    let c_prev = saved_c[prev_slot(t) * state + idx];
    let c_new = saved_c[next_slot(t) * state + idx];
    let proj = projections(t, p.batch, b, j, units, p.features, p.x_offset, w);
    let gated = c_prev * keep;
    let f = act(proj.y + gw.x * gated + gw.z, 2u);
    let r = act(proj.z + gw.y * gated + gw.w, 2u);
    let g = act(c_new, ACTIVATION);
    let dr = dh * (g - proj.w) * r * (1.0 - r);
    let dct = dc + dh * r * act_grad_from_output(g, ACTIVATION);
    let df = dct * (c_prev - proj.x) * f * (1.0 - f);
    let d_proj = vec4<f32>(dct * (1.0 - f), df, dr, dh * (1.0 - r));
    if (write_dproj) {
      dproj[row + j] = d_proj.x;
      dproj[row + units + j] = d_proj.y;
      dproj[row + 2u * units + j] = d_proj.z;
      if (SKIP_IDENTITY) { dproj[skip_at] = d_proj.w; } else { dproj[row + 3u * units + j] = d_proj.w; }
    }
    if (SINGLE_FEATURE) { dw += x[p.x_offset + t * p.batch + b] * d_proj; }
    dc = dct * f + (df * gw.x + dr * gw.y) * keep;
    dvf += df * gated;
    dvr += dr * gated;
    dbf += df;
    dbr += dr;
  }
  d_small[d_state + idx] = dh_next;
  d_small[d_state + state + idx] = dc;
  let at = b * width + j;
  d_small[at] = dvf;
  d_small[at + units] = dvr;
  d_small[at + 2u * units] = dbf;
  d_small[at + 3u * units] = dbr;
  if (SINGLE_FEATURE) {
    d_small[at + 4u * units] = dw.x;
    d_small[at + 5u * units] = dw.y;
    d_small[at + 6u * units] = dw.z;
    if (!SKIP_IDENTITY) { d_small[at + 7u * units] = dw.w; }
  }
}
