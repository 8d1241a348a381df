// dense.wgsl — the parts of a Dense layer that are not a GEMM: the row-wise softmax, and the activation's
// backward step. Forward is Y = act(X·W + b) with act fused into gemm.wgsl for every elementwise activation;
// softmax needs a whole row, so Y = softmax(X·W + b) is a linear GEMM followed by `softmax` here.
//
//   softmax (one invocation per row r):   y_j = exp(z_j − max_k z_k) / Σ_k exp(z_k − max_k z_k)
//                                         (the max is subtracted so exp never overflows)
//   activation (one per element):         y = act(y) in place (an Activation layer; a Dense fuses it into the GEMM)
//   activation_grad (one per element):    dZ = dY ⊙ act'(Y), act' written with the output Y (activations.wgsl)
//   softmax_grad (one invocation per row): dZ_j = y_j · (dY_j − Σ_k dY_k · y_k)     (the softmax Jacobian)
//
// Then dW = Xᵀ·dZ, db = Σ_rows dZ and dX = dZ·Wᵀ are GEMMs and a column sum (gemm.wgsl, columnSum.wgsl).
// Buffers are row-major [rows, cols], each the layer's own (dZ never aliases dY: one is read, one written).
//
// Bindings: 0 params · 1 y (softmax: rw in place) · 2 y_saved (read) · 3 dy (read) · 4 dz (rw)
//
//! include activations

struct DenseParams {
  rows: u32,
  cols: u32,
}

override ACTIVATION: u32 = 3u;

@group(0) @binding(0) var<uniform> params: DenseParams;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> y_saved: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dz: array<f32>;


@compute @workgroup_size(WG)
fn softmax(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flat_index(gid, groups);
  if (r >= params.rows) { return; }
  let base = r * params.cols;
  var top = y[base];
  for (var j = 1u; j < params.cols; j++) { top = max(top, y[base + j]); }
  var sum = 0.0;
  for (var j = 0u; j < params.cols; j++) {
    let e = exp(y[base + j] - top);
    y[base + j] = e;
    sum += e;
  }
  for (var j = 0u; j < params.cols; j++) { y[base + j] = y[base + j] / sum; }
}

@compute @workgroup_size(WG)
fn activation(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.rows * params.cols) { return; }
  y[i] = act(y[i], ACTIVATION);
}

@compute @workgroup_size(WG)
fn activation_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.rows * params.cols) { return; }
  dz[i] = dy[i] * act_grad_from_output(y_saved[i], ACTIVATION);
}

@compute @workgroup_size(WG)
fn softmax_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flat_index(gid, groups);
  if (r >= params.rows) { return; }
  let base = r * params.cols;
  var dot = 0.0;
  for (var j = 0u; j < params.cols; j++) { dot += dy[base + j] * y_saved[base + j]; }
  for (var j = 0u; j < params.cols; j++) {
    dz[base + j] = y_saved[base + j] * (dy[base + j] - dot);
  }
}
