// dropout.wgsl — inverted dropout (Keras's Dropout and SpatialDropout1D while training) with a counter-based
// random mask, so no random state lives anywhere but in one step counter.
//
//   keep(i)  = draw(seed, step, key(i)) ≥ threshold          threshold = ⌊rate · 2^32⌋
//   scale[i] = keep(i) ? 1 / (1 − rate) : 0                   saved for the backward pass
//   apply    y[i]  = x[x_offset + i] · scale[i]               (forward, training only)
//   backward dx[i] = dy[i] · scale[i]
//   advance  step += 1                                         after each training forward: a new mask next batch
//
// Elements are rows × cols, rows = t·batch + b for a sequence (time-major) or b for a vector, c the column.
// The noise shape shares a mask along an axis: key(i) = [t]·batch·cols + [b]·cols + [c], where an axis whose
// noise size is 1 contributes 0 (Keras's noise_shape; SpatialDropout1D is noise [batch, 1, features]: one mask
// per sequence and feature, the same at every timestep).
//
// draw is random.wgsl's counter-based hash of (seed, step, key): the same bits on every GPU and in the CPU twin
// (src/reference/dropout.ts), which is how the tests check the mask exactly.
//
//! include random
//
// Bindings: 0 params · 1 step (u32 counter) · 2 x (read) · 3 scale (rw) · 4 y (rw) · 5 dy (read) · 6 dx (rw)

struct DropoutParams {
  rows: u32,
  cols: u32,
  batch: u32,
  x_offset: u32,
  seed: u32,
  threshold: u32,
  keep_scale: f32,
  noise_t: u32,
  noise_b: u32,
  noise_c: u32,
}


@group(0) @binding(0) var<uniform> params: DropoutParams;
@group(0) @binding(1) var<storage, read_write> step: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;


@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.cols) { return; }
  let row = i / p.cols;
  let t = select(0u, row / p.batch, p.noise_t == 1u);
  let b = select(0u, row % p.batch, p.noise_b == 1u);
  let c = select(0u, i % p.cols, p.noise_c == 1u);
  let key = (t * p.batch + b) * p.cols + c;
  let s = select(0.0, p.keep_scale, draw(p.seed, step[0], key) >= p.threshold);
  scale[i] = s;
  y[i] = x[p.x_offset + i] * s;
}

@compute @workgroup_size(1)
fn advance() {
  step[0] = step[0] + 1u;
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.rows * params.cols) { return; }
  dx[i] = dy[i] * scale[i];
}
