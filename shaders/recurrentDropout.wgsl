// recurrentDropout.wgsl — Keras's recurrent_dropout while training: one mask over h_{t−1} per batch row and unit,
// drawn once per training batch and the same at every timestep (Gal & Ghahramani's variational dropout; Keras
// 3's RNN cells cache it across the steps of a batch), with inverted scaling. The step kernels read it
// (direction.wgsl, RECURRENT_DROPOUT); this file draws it and applies it where the step kernels do not.
//
//   draw_keep       keep[b, j] = draw(seed, step, b·units + j) ≥ threshold ? 1/(1 − rate) : 0
//                   (threshold 0 and scale 1 write all ones: a training program run for inference)
//   advance         step += 1                                   after each training draw: a new mask next batch
//   drop_rows       y[r, j] = x[x_offset + r·units + j] · keep[r mod batch, j]     r = t·batch + b, every t
//                   (H̃_{t−1} = H_{t−1} ⊙ keep, the A of the recurrent-kernel gradient dU = H̃ᵀ·dG)
//   scale_in_place  y[b, j] *= keep[b, j]                       dh_0 after its GEMM: it went through U
//
// keep sits at keep_offset floats into its binding (behind the step mask: direction.wgsl). The CPU twin is
// src/reference/recurrentDropout.ts.
//
//! include random
//
// Bindings: 0 params · 1 step (u32 counter) · 2 keep (rw) · 3 x (read) · 4 y (rw)

struct RecurrentDropoutParams {
  batch: u32,
  units: u32,
  /** Rows of x and y for drop_rows (T·batch); batch otherwise. */
  rows: u32,
  keep_offset: u32,
  x_offset: u32,
  seed: u32,
  threshold: u32,
  keep_scale: f32,
}

@group(0) @binding(0) var<uniform> params: RecurrentDropoutParams;
@group(0) @binding(1) var<storage, read_write> step: array<u32>;
@group(0) @binding(2) var<storage, read_write> keep: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn draw_keep(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.batch * p.units) { return; }
  keep[p.keep_offset + i] = select(0.0, p.keep_scale, draw(p.seed, step[0], i) >= p.threshold);
}

@compute @workgroup_size(1)
fn advance() {
  step[0] = step[0] + 1u;
}

@compute @workgroup_size(WG)
fn drop_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.units) { return; }
  y[i] = x[p.x_offset + i] * keep[p.keep_offset + i % (p.batch * p.units)];
}

@compute @workgroup_size(WG)
fn scale_in_place(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.batch * p.units) { return; }
  y[i] = y[i] * keep[p.keep_offset + i];
}
