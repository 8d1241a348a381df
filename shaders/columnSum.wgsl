// columnSum.wgsl — out[j] = Σ_r A[r, j], the column sums of a row-major [rows, cols] matrix.
//
// The bias gradient of a layer is the column sum of its pre-activation gradients over every timestep and
// batch row: db[4u] = Σ_{t,b} dG[t, b, :]. One invocation per column walks the rows in order, so the sum
// is deterministic (no atomics, same result every run).
//
// Bindings: 0 params (uniform) · 1 a (read) · 2 out (write)

struct ColumnSumParams {
  rows: u32,
  cols: u32,
}


@group(0) @binding(0) var<uniform> params: ColumnSumParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = gid.x + gid.y * groups.x * WG;
  if (j >= params.cols) { return; }
  var sum = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    sum += a[r * params.cols + j];
  }
  out[j] = sum;
}
