// lstmStepVec4Pack.wgsl — the layout conversions around the register-blocked LSTM's steps (lstmStepVec4.wgsl
// describes the layouts): into the gate-interleaved scratch before a pass, and the bias gradient back to
// Keras order after the backward pass.
//
//   pack        Up[k, j] = (U[k, j], U[k, u+j], U[k, 2u+j], U[k, 3u+j]) for k, j < u, likewise Wp[f, j] from
//               W [F, 4u] and bp[j] from b [4u]: one invocation per vec4, Up, then Wp, then bp (the host
//               sizes the grid without bp when it has no bias to pack: the backward pass needs only Up and Wp).
//               Run once per pass: the weights change with every optimizer step.
//   bias_grad   db[gate·u + j] = Σ_r dG[r, j][gate] over the rows r of dG [T·B, u] vec4: one invocation per
//               unit, rows in order (deterministic, no atomics). Used when lstmWeightGrad.wgsl does not run.
//
// Bindings, pack:       0 pack_params · 1 recurrent U [u, 4u] (read) · 2 kernel W [F, 4u] (read)
//                       3 bias [4u] (read) · 4 packed (rw: the scratch)
// Bindings, bias_grad:  0 bias_params · 1 dg_sum [T·B, u] vec4 (read: dG) · 2 db [4u] (rw)

struct PackParams {
  units: u32,
  features: u32,
  /** vec4 offsets of Wp and bp in `packed`. */
  wp: u32,
  bp: u32,
}

struct BiasParams {
  rows: u32,
  units: u32,
}

@group(0) @binding(0) var<uniform> pack_params: PackParams;
@group(0) @binding(1) var<storage, read> recurrent: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> packed: array<vec4<f32>>;

@group(0) @binding(0) var<uniform> bias_params: BiasParams;
@group(0) @binding(1) var<storage, read> dg_sum: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(WG)
fn pack(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let pp = pack_params;
  let u = pp.units;
  if (idx < u * u) {
    let row = (idx / u) * 4u * u + idx % u;
    packed[idx] = vec4<f32>(recurrent[row], recurrent[row + u], recurrent[row + 2u * u], recurrent[row + 3u * u]);
  } else if (idx < u * u + pp.features * u) {
    let i = idx - u * u;
    let row = (i / u) * 4u * u + i % u;
    packed[pp.wp + i] = vec4<f32>(kernel[row], kernel[row + u], kernel[row + 2u * u], kernel[row + 3u * u]);
  } else if (idx < u * u + pp.features * u + u) {
    let j = idx - u * u - pp.features * u;
    packed[pp.bp + j] = vec4<f32>(bias[j], bias[j + u], bias[j + 2u * u], bias[j + 3u * u]);
  }
}

@compute @workgroup_size(WG)
fn bias_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let bp = bias_params;
  let u = bp.units;
  if (j >= u) { return; }
  var sum = vec4<f32>(0.0);
  for (var r = 0u; r < bp.rows; r++) {
    sum += dg_sum[r * u + j];
  }
  db[j] = sum.x;
  db[u + j] = sum.y;
  db[2u * u + j] = sum.z;
  db[3u * u + j] = sum.w;
}
