// embedding.wgsl — an Embedding layer: token ids to learned vectors, and the gradient back to the table.
//
//   gather (one invocation per output element):   Y[r, d] = W[id_r, d]          W is [inputDim, outputDim]
//   zero (one per table element):                 dW = 0
//   scatter_grad (one invocation per column d):   dW[id_r, d] += dY[r, d]  for r = 0, 1, ... in order
//
// Rows r follow the layout of the ids: the layer feeds a recurrent layer, so ids are stored time-major
// (r = t·batch + b) and Y comes out time-major too. Ids are float32 (exact up to 2^24) so they share the
// data path of every other input. An id outside [0, inputDim) is a host-side error before upload; here it
// is clamped so a bad id can never write outside the table.
//
// WGSL has no float atomics, and several rows may carry the same id; one invocation per column walking the
// rows in order makes the sum deterministic (the same bits on every run) at the cost of parallelism over
// rows. Rows ≤ batch·timesteps (thousands) and columns are the embedding width, so this stays cheap.
//
// Bindings: 0 params · 1 ids (read) · 2 table (read) · 3 y (rw) · 4 dy (read) · 5 dtable (rw)

struct EmbeddingParams {
  rows: u32,
  input_dim: u32,
  output_dim: u32,
}


@group(0) @binding(0) var<uniform> params: EmbeddingParams;
@group(0) @binding(1) var<storage, read> ids: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dtable: array<f32>;


fn row_id(r: u32) -> u32 {
  return min(u32(max(ids[r], 0.0)), params.input_dim - 1u);
}

@compute @workgroup_size(WG)
fn gather(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.rows * params.output_dim) { return; }
  let r = i / params.output_dim;
  let d = i % params.output_dim;
  y[i] = table[row_id(r) * params.output_dim + d];
}

@compute @workgroup_size(WG)
fn zero(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.input_dim * params.output_dim) { return; }
  dtable[i] = 0.0;
}

@compute @workgroup_size(WG)
fn scatter_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let d = flat_index(gid, groups);
  if (d >= params.output_dim) { return; }
  for (var r = 0u; r < params.rows; r++) {
    let at = row_id(r) * params.output_dim + d;
    dtable[at] = dtable[at] + dy[r * params.output_dim + d];
  }
}
