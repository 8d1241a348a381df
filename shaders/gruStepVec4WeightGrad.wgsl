// gruStepVec4WeightGrad.wgsl — the register-blocked GRU's weight, bias and input gradients after the backward
// loop, from the gate gradients dG [T·B rows, u] vec4 = (dz, dr, dGh_h, da) (lanes: gruStepVec4.wgsl; the steps:
// gruStepVec4Backward.wgsl). Two paths; the host picks by the number of features (src/kernels/gruStepVec4.ts).
//
// Few features: one dispatch each, no GEMM.
//   `weight_grad` (and `weight_grad8`):
//     dU[i, g·u + j] = Σ_r A_i[r] · dG[r, j][lane g]   dW[f, g·u + j] = Σ_r x[r, f] · dG[r, j][lane g]
//     db[g·u + j]    = Σ_r dG[r, j][lane g]          (db_rec too with reset_after: lanes 0, 1, 2)
//   over the R = T·B rows r in order (deterministic, no atomics): one product A'ᵀ·dG with A' = [h_prev | x | 1],
//   as lstmWeightGrad.wgsl does for the LSTM. Lanes: dU takes (0, 1, 2) — with reset_before lane 2 is computed
//   as (R ⊙ H)ᵀ·DA, the A of its h rows being (h, h, r ⊙ h) against dG.xyw —, dW and db take (0, 1, 3).
//   An invocation owns 4 (weight_grad8: 8) rows of A' × 4 units: per r 4 scalars (8 with reset_before's h rows)
//   and 4 dG vec4s for 16 vec4 FMAs. Row blocks: h first (⌈u/rows⌉, rows past u clamped, never stored), then x
//   and the bias row (⌈(F+1)/rows⌉; row F is the constant 1, rows past it 0); unit blocks fastest.
//   `input_grad`: dX[r, f] = Σ_j dot(dG[r, j], Wp[f, j]) (Wp's lane 2 is 0), one invocation per (r, f).
//
// Otherwise GEMMs (src/kernels/gemm.ts): dX = dG·Wpᵀ; dW = Xᵀ·dG and dU = H_{t−1}ᵀ·dG into a temporary gt
// [·, u] vec4 that `unpack` scatters to Keras columns gate·u + j (lanes 0, 1, 3 for dW, 0, 1, 2 for dU).
// reset_before adds dUh = (R ⊙ H)ᵀ·DA, a [u, u] product into gt_h, and `unpack_split` takes the z, r columns
// from gt and the candidate's from gt_h: K = T·B for both, where gruStep.wgsl's single GEMM over [H; R ⊙ H] has
// K = 2·T·B (measured: bench/results/gru-kernels.md). `bias_grad` sums dG's columns (lanes 0, 1, 3 into db_in;
// `bias_grad_after` also 0, 1, 2 into db_rec).
//
// Bindings, weight_grad:  0 wg_params · 1 wg_h (read: the states) · 2 wg_rh (read: hcat, reset_before; any
//                         buffer with reset_after) · 3 wg_x (read) · 4 dg_sum (read) · 5 d_recurrent
//                         · 6 d_kernel · 7 db · 8 db_rec (rw; with reset_before any spare range)
// Bindings, input_grad:   0 wg_params · 4 dg_sum (read) · 9 scratch (rw; Wp) · 10 dx_out (rw)
// Bindings, bias_grad*:   0 bias_params · 4 dg_sum (read) · 7 db [3u] (rw) · 8 db_rec [3u] (rw; _after)
// Bindings, unpack*:      0 unpack_params · 11 gt vec4 (read) · 12 gt_h (read; unpack_split) · 13 unpacked
//                         [rows, 3u] (rw)
//
//! include gruStepVec4

struct WeightGradParams {
  rows: u32,
  units: u32,
  features: u32,
  /** Float offsets of h_prev's row 0 in wg_h, of r ⊙ h_prev's in wg_rh and of x's in wg_x. */
  h_offset: u32,
  rh_offset: u32,
  x_offset: u32,
  /** vec4 offset of Wp in scratch (input_grad). */
  wp: u32,
}

struct BiasParams {
  rows: u32,
  units: u32,
}

struct UnpackParams {
  rows: u32,
  units: u32,
  /** The lane that holds the candidate gate's column: 2 (dU) or 3 (dW). */
  lane: u32,
}

@group(0) @binding(0) var<uniform> wg_params: WeightGradParams;
@group(0) @binding(1) var<storage, read> wg_h: array<f32>;
@group(0) @binding(2) var<storage, read> wg_rh: array<f32>;
@group(0) @binding(3) var<storage, read> wg_x: array<f32>;
@group(0) @binding(4) var<storage, read> dg_sum: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> d_recurrent: array<f32>;
@group(0) @binding(6) var<storage, read_write> d_kernel: array<f32>;
@group(0) @binding(7) var<storage, read_write> db: array<f32>;
@group(0) @binding(8) var<storage, read_write> db_rec: array<f32>;
@group(0) @binding(9) var<storage, read_write> scratch: array<vec4<f32>>;
@group(0) @binding(10) var<storage, read_write> dx_out: array<f32>;

@group(0) @binding(0) var<uniform> bias_params: BiasParams;

@group(0) @binding(0) var<uniform> unpack_params: UnpackParams;
@group(0) @binding(11) var<storage, read> gt: array<vec4<f32>>;
@group(0) @binding(12) var<storage, read> gt_h: array<f32>;
@group(0) @binding(13) var<storage, read_write> unpacked: array<f32>;

/** Stores the vec4 of A' row i (an h unit, or with !of_h a feature or the bias row) × unit j: dU, dW or db. */
fn store_weight_grad(of_h: bool, i: u32, j: u32, v: vec4<f32>) {
  let p = wg_params;
  let u = p.units;
  if (j >= u) { return; }
  let u3 = 3u * u;
  if (of_h) {
    if (i >= u) { return; }
    d_recurrent[i * u3 + j] = v.x;
    d_recurrent[i * u3 + u + j] = v.y;
    d_recurrent[i * u3 + 2u * u + j] = v.z;
  } else if (i < p.features) {
    d_kernel[i * u3 + j] = v.x;
    d_kernel[i * u3 + u + j] = v.y;
    d_kernel[i * u3 + 2u * u + j] = v.w;
  } else if (i == p.features) {
    db[j] = v.x;
    db[u + j] = v.y;
    db[2u * u + j] = v.w;
    if (RESET_AFTER) {
      db_rec[j] = v.x;
      db_rec[u + j] = v.y;
      db_rec[2u * u + j] = v.z;
    }
  }
}

// weight_grad with 4 rows of A' × 4 units per invocation, weight_grad8 with 8.
//! generate gruWeightGradEntry {"entry": "weight_grad", "rows": 4}
//! generate gruWeightGradEntry {"entry": "weight_grad8", "rows": 8}

@compute @workgroup_size(WG)
fn input_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = wg_params;
  if (idx >= p.rows * p.features) { return; }
  let r = idx / p.features;
  let f = idx % p.features;
  let g = r * p.units;
  let w = p.wp + f * p.units;
  var s = vec4<f32>(0.0);
  for (var j = 0u; j < p.units; j++) {
    s = fma(dg_sum[g + j], scratch[w + j], s);
  }
  dx_out[idx] = s.x + s.y + s.z + s.w;
}

/** Σ_r dG[r, j] (whole vec4), rows in order: deterministic, no atomics. */
fn column_sums(j: u32) -> vec4<f32> {
  let bp = bias_params;
  var sum = vec4<f32>(0.0);
  for (var r = 0u; r < bp.rows; r++) {
    sum += dg_sum[r * bp.units + j];
  }
  return sum;
}

/** db_in[gate·u + j] from lanes (0, 1, 3): one invocation per unit. */
@compute @workgroup_size(WG)
fn bias_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let u = bias_params.units;
  if (j >= u) { return; }
  let s = column_sums(j);
  db[j] = s.x;
  db[u + j] = s.y;
  db[2u * u + j] = s.w;
}

/** reset_after: db_in from lanes (0, 1, 3) and db_rec from lanes (0, 1, 2). */
@compute @workgroup_size(WG)
fn bias_grad_after(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let u = bias_params.units;
  if (j >= u) { return; }
  let s = column_sums(j);
  db[j] = s.x;
  db[u + j] = s.y;
  db[2u * u + j] = s.w;
  db_rec[j] = s.x;
  db_rec[u + j] = s.y;
  db_rec[2u * u + j] = s.z;
}

/** reset_before's dU: z and r columns from gt (lanes 0, 1), the candidate's from gt_h [u, u]. */
@compute @workgroup_size(WG)
fn unpack_split(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let up = unpack_params;
  let u = up.units;
  if (idx >= up.rows * u) { return; }
  let v = gt[idx];
  let at = (idx / u) * 3u * u + idx % u;
  unpacked[at] = v.x;
  unpacked[at + u] = v.y;
  unpacked[at + 2u * u] = gt_h[idx];
}

/** [rows, u] vec4 (lanes z, r, and the candidate in `lane`) to Keras [rows, 3u]: one invocation per vec4. */
@compute @workgroup_size(WG)
fn unpack(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let up = unpack_params;
  let u = up.units;
  if (idx >= up.rows * u) { return; }
  let v = gt[idx];
  let at = (idx / u) * 3u * u + idx % u;
  unpacked[at] = v.x;
  unpacked[at + u] = v.y;
  unpacked[at + 2u * u] = v[up.lane];
}
