// shiftRows.wgsl — y[r, j] = x[x_offset + r·x_stride + col0 + j] − shift[col0 + j]: columns col0 … col0 + cols − 1
// of every row, moved by one vector, into a compact [rows, cols].
//
// fitRidge (src/model/ridge.ts) sums the products of reservoir states in float32. States that share a large mean
// (tanh units driven off zero) lose the little variance the readout needs to that mean's rounding: Σz² ≈ n·(m² + v)
// with m² ≫ v. Moving every row by a typical state first (the first row the fit sees) keeps what is summed near
// zero; a readout with an intercept fits shifted features to the same predictions, and the host moves the shift
// into its bias. A column window splits rows [u_t; x_t] into the input's columns and the states' (summed
// differently: src/model/ridge.ts). CPU twin: src/reference/shiftRows.ts. One invocation per element.
//
// Bindings: 0 params · 1 x (read) · 2 shift [cols] (read) · 3 y [rows, cols] (write)

struct ShiftParams {
  rows: u32,
  cols: u32,
  x_offset: u32,
  x_stride: u32,
  col0: u32,
}

@group(0) @binding(0) var<uniform> params: ShiftParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> shift: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.rows * params.cols) { return; }
  let r = i / params.cols;
  let j = params.col0 + i % params.cols;
  y[i] = x[params.x_offset + r * params.x_stride + j] - shift[j];
}
