// merge.wgsl — what Keras's merge layers (Concatenate, Add, Average) and a functional model's gradient sums move:
// rows of activations laid side by side, and scaled sums of them. Activations are row-major [rows, cols]; a
// sequence is time-major (row t·batch + b), so a merge of sequences is the same row-wise work.
//
//   place       out[r·out_cols + col_offset + c] = x[x_offset + r·cols + c]        c < cols
//               (one input of a concatenation on the last axis, written into its columns)
//   take        dx[r·cols + c] = dout[r·out_cols + col_offset + c]                 (its gradient: those columns)
//   scaled_add  y[y_offset + i] += alpha · x[x_offset + i]                          i < rows·cols
//               (Add and Average, forward and backward, and the gradient of a tensor read by several layers)
//   mask_columns out[r·cols + j] += (x[j·batch + r % batch] − 1) · 1e9              j < cols
//               (attention scores [Tq, batch, Tv] where value step j of row b is padding, by the value's
//               timestep mask x: pushed to −1e9 so the softmax gives them no weight, as Keras's attention does)
//
// One invocation per element; each element is written by one invocation, so the results are the same bits every
// run. CPU twin: src/reference/merge.ts.
//
// Bindings: 0 params · 1 x (read) · 2 out (rw)

struct MergeParams {
  rows: u32,
  cols: u32,
  out_cols: u32,
  col_offset: u32,
  x_offset: u32,
  y_offset: u32,
  alpha: f32,
  batch: u32,
}

@group(0) @binding(0) var<uniform> params: MergeParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn place(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.cols) { return; }
  let r = i / p.cols;
  let c = i % p.cols;
  out[r * p.out_cols + p.col_offset + c] = x[p.x_offset + i];
}

@compute @workgroup_size(WG)
fn take(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.cols) { return; }
  let r = i / p.cols;
  let c = i % p.cols;
  out[i] = x[r * p.out_cols + p.col_offset + c];
}

@compute @workgroup_size(WG)
fn mask_columns(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.cols) { return; }
  let r = i / p.cols;
  let j = i % p.cols;
  out[i] += (x[j * p.batch + r % p.batch] - 1.0) * 1e9;
}

@compute @workgroup_size(WG)
fn scaled_add(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.cols) { return; }
  out[p.y_offset + i] += p.alpha * x[p.x_offset + i];
}
