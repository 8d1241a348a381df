// repeatVector.wgsl — Keras's RepeatVector: a vector [batch, C] repeated n times into a sequence [n, batch, C]
// (time-major, rows t·batch + b), and the gradient back, the sum over the copies.
//
//   repeat       y[t, b, c] = x[x_offset + b·C + c]          t < n
//   repeat_grad  dx[b, c]   = Σ_t dy[t, b, c]                 summed in order of t: the same bits every run
//
// It is how a Sequential encoder–decoder feeds the encoder's last state to every step of the decoder.
//
// Bindings: 0 params · 1 x (read) · 2 y (rw) · 3 dy (read) · 4 dx (rw)

struct RepeatParams {
  n: u32,
  block: u32,
  x_offset: u32,
}


@group(0) @binding(0) var<uniform> params: RepeatParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;


@compute @workgroup_size(WG)
fn repeat(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let p = params;
  if (j >= p.n * p.block) { return; }
  y[j] = x[p.x_offset + j % p.block];
}

@compute @workgroup_size(WG)
fn repeat_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.block) { return; }
  var sum = 0.0;
  for (var t = 0u; t < p.n; t++) { sum += dy[t * p.block + i]; }
  dx[i] = sum;
}
