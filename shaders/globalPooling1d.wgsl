// globalPooling1d.wgsl — Keras's GlobalAveragePooling1D and GlobalMaxPooling1D: a sequence [T, batch, C]
// (time-major, rows t·batch + b, from x_offset) pooled over time to [batch, C], and the gradients back.
//
//   avg_pool        y[b, c]    = (1/T) Σ_t x[t, b, c]
//   avg_pool_grad   dx[t, b, c] = dy[b, c] / T
//   max_pool        y[b, c]    = max_t x[t, b, c]
//   max_pool_grad   dx[t, b, c] = dy[b, c] / k  where x[t, b, c] = y[b, c], else 0   (k = how many t tie for the max)
//
//   masked_avg_pool       y[b, c]     = Σ_t m[t, b] x[t, b, c] / Σ_t m[t, b]     (0 when no step of row b is real)
//   masked_avg_pool_grad  dx[t, b, c] = m[t, b] dy[b, c] / Σ_t m[t, b]
//
// The masked pair is Keras 3's GlobalAveragePooling1D given a timestep mask m (sequenceMask.wgsl): the mean over
// the real steps only. Keras divides by Σ m even when it is 0 and returns NaN for an all-padding row; here that
// row pools to 0, so one empty sequence cannot turn a whole batch's loss into NaN. Max pooling ignores a mask, as
// Keras 3's GlobalMaxPooling1D does. The masked gradient runs one invocation per (b, c) over all t, so the count
// Σ m is taken once per row, not once per element.
//
// Ties share the gradient evenly, as the gradients of reduce_max in TensorFlow and JAX (Keras 3's backends) do;
// ties are common after a relu (a unit that is 0 at every step). TF.js differs here: it gives each tied step
// the whole dy. The sums over t run in order in one invocation per (b, c), so every run gives
// the same bits. T is at most a few thousand; the parallelism is batch · C.
//
// Bindings: 0 params · 1 x (read) · 2 y (written by the pools, read by max_pool_grad) · 3 dy (read) · 4 dx (rw)
//           5 mask (read; the masked pair)

struct PoolParams {
  timesteps: u32,
  batch: u32,
  cols: u32,
  x_offset: u32,
}


@group(0) @binding(0) var<uniform> params: PoolParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<f32>;


fn x_index(t: u32, i: u32) -> u32 {
  return params.x_offset + t * params.batch * params.cols + i;
}

@compute @workgroup_size(WG)
fn avg_pool(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.batch * p.cols) { return; }
  var sum = 0.0;
  for (var t = 0u; t < p.timesteps; t++) { sum += x[x_index(t, i)]; }
  y[i] = sum / f32(p.timesteps);
}

@compute @workgroup_size(WG)
fn avg_pool_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let p = params;
  let span = p.batch * p.cols;
  if (j >= p.timesteps * span) { return; }
  dx[j] = dy[j % span] / f32(p.timesteps);
}

@compute @workgroup_size(WG)
fn max_pool(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.batch * p.cols) { return; }
  var best = x[x_index(0u, i)];
  for (var t = 1u; t < p.timesteps; t++) { best = max(best, x[x_index(t, i)]); }
  y[i] = best;
}

@compute @workgroup_size(WG)
fn max_pool_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  let span = p.batch * p.cols;
  if (i >= span) { return; }
  var ties = 0.0;
  for (var t = 0u; t < p.timesteps; t++) { ties += select(0.0, 1.0, x[x_index(t, i)] == y[i]); }
  let share = dy[i] / ties;
  for (var t = 0u; t < p.timesteps; t++) { dx[t * span + i] = select(0.0, share, x[x_index(t, i)] == y[i]); }
}

/** How many steps of row b are real. */
fn real_steps(b: u32) -> f32 {
  var count = 0.0;
  for (var t = 0u; t < params.timesteps; t++) { count += select(0.0, 1.0, mask[t * params.batch + b] != 0.0); }
  return count;
}

@compute @workgroup_size(WG)
fn masked_avg_pool(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.batch * p.cols) { return; }
  let b = i / p.cols;
  var sum = 0.0;
  for (var t = 0u; t < p.timesteps; t++) {
    if (mask[t * p.batch + b] != 0.0) { sum += x[x_index(t, i)]; }
  }
  let count = real_steps(b);
  y[i] = select(0.0, sum / count, count > 0.0);
}

@compute @workgroup_size(WG)
fn masked_avg_pool_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  let span = p.batch * p.cols;
  if (i >= span) { return; }
  let b = i / p.cols;
  let count = real_steps(b);
  let share = select(0.0, dy[i] / count, count > 0.0);
  for (var t = 0u; t < p.timesteps; t++) {
    dx[t * span + i] = select(0.0, share, mask[t * p.batch + b] != 0.0);
  }
}
