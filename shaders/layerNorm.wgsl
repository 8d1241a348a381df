// layerNorm.wgsl — Keras's LayerNormalization over the last axis: each row of `cols` features (a timestep of a
// sequence, or a sample) normalized to mean 0 and variance 1, then scaled and shifted per feature.
//
//   forward   μ = (1/N) Σ_j x_j,  σ² = (1/N) Σ_j (x_j − μ)²,  r = 1/√(σ² + ε),  x̂_j = (x_j − μ)·r
//             y_j = γ_j·x̂_j + β_j            stats[2·row] = μ, stats[2·row + 1] = r (for the backward pass)
//   backward  g_j = dy_j·γ_j
//             dx_j = r·(g_j − mean_k g_k − x̂_j·mean_k(g_k·x̂_k))
//             dyx̂_j = dy_j·x̂_j               (summed over rows by columnSum: dγ; dβ is the column sum of dy)
//
// N = cols, ε = epsilon (Keras default 1e-3). The variance is the population one, as Keras's. One invocation per
// row walks its features in order (two passes for μ and σ², which is steadier than E[x²] − μ² when |μ| ≫ σ);
// the parallelism is rows = timesteps · batch. Without `scale` the layer binds γ = 1, without `center` β = 0.
//
// Bindings: 0 params · 1 x (read) · 2 gamma (read) · 3 beta (read) · 4 y (rw) · 5 stats (rw) · 6 dy (read)
//           · 7 dx (rw) · 8 dyxhat (rw)

struct LayerNormParams {
  rows: u32,
  cols: u32,
  x_offset: u32,
  epsilon: f32,
}


@group(0) @binding(0) var<uniform> params: LayerNormParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
@group(0) @binding(6) var<storage, read> dy: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
@group(0) @binding(8) var<storage, read_write> dyxhat: array<f32>;


@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = flat_index(gid, groups);
  let p = params;
  if (row >= p.rows) { return; }
  let first = p.x_offset + row * p.cols;
  var sum = 0.0;
  for (var j = 0u; j < p.cols; j++) { sum += x[first + j]; }
  let mean = sum / f32(p.cols);
  var squares = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    let d = x[first + j] - mean;
    squares += d * d;
  }
  let r = inverseSqrt(squares / f32(p.cols) + p.epsilon);
  for (var j = 0u; j < p.cols; j++) { y[row * p.cols + j] = gamma[j] * (x[first + j] - mean) * r + beta[j]; }
  stats[2u * row] = mean;
  stats[2u * row + 1u] = r;
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = flat_index(gid, groups);
  let p = params;
  if (row >= p.rows) { return; }
  let first = p.x_offset + row * p.cols;
  let row_start = row * p.cols;
  let mean = stats[2u * row];
  let r = stats[2u * row + 1u];
  var g_sum = 0.0;
  var gx_sum = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    let xhat = (x[first + j] - mean) * r;
    let g = dy[row_start + j] * gamma[j];
    g_sum += g;
    gx_sum += g * xhat;
    dyxhat[row_start + j] = dy[row_start + j] * xhat;
  }
  let n = f32(p.cols);
  for (var j = 0u; j < p.cols; j++) {
    let xhat = (x[first + j] - mean) * r;
    dx[row_start + j] = r * (dy[row_start + j] * gamma[j] - g_sum / n - xhat * gx_sum / n);
  }
}
