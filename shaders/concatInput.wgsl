// concatInput.wgsl — an echo-state layer's output [u_t; x_t] (`includeInput`): each output row is the input row
// it was computed from, then the reservoir's state, as Jaeger's readout sees them; and that concatenation's gradient.
//
// The reservoir's output rows are time-major (r = t·batch + b). With REVERSE (a goBackwards layer returning its
// sequence, which Keras orders as processed: output t came after input step T−1−t) output row t·batch + b takes
// input row (T−1−t)·batch + b; otherwise input row r itself (a layer returning its last output points u_offset at
// the last input step it processed). One invocation per output element.
//
//   concat   out[r, j] = u[u_offset + row_u(r)·nu + j]  (j < nu)      out[r, nu + j] = x[x_offset + r·nx + j]
//   split_x  dx_state[r, j] = dout[r, nu + j]                          (before the reservoir's backward pass)
//   add_u    du[du_offset + row_u(r)·nu + j] += dout[r, j]             (after it: the input's gradient gets both)
//
// CPU twin: src/reference/concatInput.ts.
//
// Bindings: 0 params · 1 u (read) · 2 x (read) · 3 out (write) · 4 dout (read) · 5 dx_state (write) · 6 du (rw)

struct ConcatParams {
  rows: u32,
  nu: u32,
  nx: u32,
  u_offset: u32,
  x_offset: u32,
  /** Rows per timestep (the batch), for REVERSE. */
  batch: u32,
}

override REVERSE: bool = false;

@group(0) @binding(0) var<uniform> params: ConcatParams;
@group(0) @binding(1) var<storage, read> u: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx_state: array<f32>;
@group(0) @binding(6) var<storage, read_write> du: array<f32>;

/** The input row output row r was computed from. */
fn row_u(r: u32) -> u32 {
  if (!REVERSE) { return r; }
  let timesteps = params.rows / params.batch;
  return (timesteps - 1u - r / params.batch) * params.batch + r % params.batch;
}

@compute @workgroup_size(WG)
fn concat(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  let width = p.nu + p.nx;
  if (i >= p.rows * width) { return; }
  let r = i / width;
  let j = i % width;
  if (j < p.nu) {
    out[i] = u[p.u_offset + row_u(r) * p.nu + j];
  } else {
    out[i] = x[p.x_offset + r * p.nx + j - p.nu];
  }
}

@compute @workgroup_size(WG)
fn split_x(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.nx) { return; }
  let r = i / p.nx;
  dx_state[i] = dout[r * (p.nu + p.nx) + p.nu + i % p.nx];
}

@compute @workgroup_size(WG)
fn add_u(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.nu) { return; }
  let r = i / p.nu;
  let j = i % p.nu;
  let at = p.u_offset + row_u(r) * p.nu + j;
  du[at] = du[at] + dout[r * (p.nu + p.nx) + j];
}
