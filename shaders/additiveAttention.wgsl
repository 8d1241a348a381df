// additiveAttention.wgsl — the scores of Keras's AdditiveAttention (Bahdanau et al.), and their gradients. With the
// query Q [Tq, batch, d] and key K [Tv, batch, d] time-major, per batch row b:
//
//   scores   S[i, j] = Σ_d w_d · tanh(Q[i, d] + K[j, d])         (w = the learned scale, or 1 without USE_SCALE)
//
// then, from dS (the scores' gradient, after the softmax's), with t = tanh(Q[i, d] + K[j, d]) recomputed:
//
//   grad_query  dQ[i, d] = w_d · Σ_j dS[i, j] · (1 − t²)
//   grad_key    dK[j, d] = w_d · Σ_i dS[i, j] · (1 − t²)
//   grad_scale  dw_d     = Σ_b Σ_i Σ_j dS[i, j] · t                 (overwritten, as every weight gradient)
//
// The softmax over j and the weighted sum of the values are the dot-product Attention's (src/layers/attention.ts).
// One invocation per output element, each summing in a fixed order: the same bits every run.
// CPU twin: src/reference/additiveAttention.ts.
//
// Bindings: 0 params · 1 q (read) · 2 k (read) · 3 scale (read) · 4 scores (rw) · 5 ds (read) · 6 dq (rw)
//           7 dk (rw) · 8 dscale (rw)

struct AdditiveParams {
  batch: u32,
  tq: u32,
  tv: u32,
  dim: u32,
  q_offset: u32,
  k_offset: u32,
}

override USE_SCALE: bool = true;

@group(0) @binding(0) var<uniform> params: AdditiveParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
@group(0) @binding(5) var<storage, read> ds: array<f32>;
@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<storage, read_write> dk: array<f32>;
@group(0) @binding(8) var<storage, read_write> dscale: array<f32>;

fn weight(d: u32) -> f32 {
  if (USE_SCALE) { return scale[d]; }
  return 1.0;
}

fn q_at(i: u32, b: u32, d: u32) -> f32 {
  return q[params.q_offset + (i * params.batch + b) * params.dim + d];
}

fn k_at(j: u32, b: u32, d: u32) -> f32 {
  return k[params.k_offset + (j * params.batch + b) * params.dim + d];
}

fn ds_at(i: u32, b: u32, j: u32) -> f32 {
  return ds[(i * params.batch + b) * params.tv + j];
}

@compute @workgroup_size(WG)
fn score(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= p.tq * p.batch * p.tv) { return; }
  // idx = (i·batch + b)·tv + j: the time-major layout of S.
  let j = idx % p.tv;
  let b = (idx / p.tv) % p.batch;
  let i = idx / (p.tv * p.batch);
  var sum = 0.0;
  for (var d = 0u; d < p.dim; d++) { sum += weight(d) * tanh(q_at(i, b, d) + k_at(j, b, d)); }
  scores[idx] = sum;
}

@compute @workgroup_size(WG)
fn grad_query(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= p.tq * p.batch * p.dim) { return; }
  let d = idx % p.dim;
  let b = (idx / p.dim) % p.batch;
  let i = idx / (p.dim * p.batch);
  var sum = 0.0;
  for (var j = 0u; j < p.tv; j++) {
    let t = tanh(q_at(i, b, d) + k_at(j, b, d));
    sum += ds_at(i, b, j) * (1.0 - t * t);
  }
  dq[idx] = weight(d) * sum;
}

@compute @workgroup_size(WG)
fn grad_key(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= p.tv * p.batch * p.dim) { return; }
  let d = idx % p.dim;
  let b = (idx / p.dim) % p.batch;
  let j = idx / (p.dim * p.batch);
  var sum = 0.0;
  for (var i = 0u; i < p.tq; i++) {
    let t = tanh(q_at(i, b, d) + k_at(j, b, d));
    sum += ds_at(i, b, j) * (1.0 - t * t);
  }
  dk[idx] = weight(d) * sum;
}

@compute @workgroup_size(WG)
fn grad_scale(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let d = flat_index(gid, groups);
  let p = params;
  if (d >= p.dim) { return; }
  var sum = 0.0;
  for (var b = 0u; b < p.batch; b++) {
    for (var i = 0u; i < p.tq; i++) {
      for (var j = 0u; j < p.tv; j++) { sum += ds_at(i, b, j) * tanh(q_at(i, b, d) + k_at(j, b, d)); }
    }
  }
  dscale[d] = sum;
}
