// gruStepVec4Pack.wgsl — the register-blocked GRU's setup, once per pass before the steps (layout and lanes:
// gruStepVec4.wgsl). Entry `pack` writes the Keras weights in the interleaved vec4 layout into the scratch (the
// weights change with every optimizer step). The compact copy of h_0 that the first step reads comes from
// compactState.wgsl.
//
//   Up[k, j] = (U[k, j], U[k, u+j], U[k, 2u+j], 0)          k < u, j < u    (Keras U [u, 3u], gates z, r, h)
//   Wp[f, j] = (W[f, j], W[f, u+j], 0, W[f, 2u+j])          f < F           (Keras W [F, 3u])
//   Uhq[k, jq] = U[k, 2u+4jq .. 2u+4jq+3], Uht[j, kq] = U[4kq .. 4kq+3, 2u+j]   reset_before, zero past u
//   bp[j]    = (b[j], b[u+j], 0, b[2u+j]) + (reset_after) (rb[j], rb[u+j], rb[2u+j], 0)
//
// `pack` runs one invocation per vec4, in the order Up (u·u), Wp (F·u), Uhq and Uht (`uh` each, 0 with
// reset_after), then bp (u; the host leaves it out of the dispatch when the pass has no bias: backward).
//
// Bindings, pack:        0 pack_params · 1 recurrent U [u, 3u] · 2 kernel W [F, 3u] · 3 bias (input row)
//                        · 4 recurrent_bias (reset_after; from rbias_offset) (read) · 5 packed (rw: the scratch)
//
//! include gruStepVec4

struct PackParams {
  units: u32,
  features: u32,
  /** vec4 offsets in `packed`: Wp, Uhq, Uht, bp; `uh` = u·up/4 when Uhq and Uht are packed (reset_before), else 0. */
  wp: u32,
  uhq: u32,
  uht: u32,
  bp: u32,
  uh: u32,
  /** Float offset of the recurrent bias row in `recurrent_bias` (reset_after). */
  rbias_offset: u32,
}

@group(0) @binding(0) var<uniform> pack_params: PackParams;
@group(0) @binding(1) var<storage, read> recurrent: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> recurrent_bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> packed: array<vec4<f32>>;

/** Up (u·u vec4s), Wp (F·u), Uhq and Uht (uh each), then bp (u; absent from the dispatch without a bias). */
@compute @workgroup_size(WG)
fn pack(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let pp = pack_params;
  let u = pp.units;
  let u3 = 3u * u;
  let quads = (u + 3u) / 4u;
  let n_up = u * u;
  let n_wp = pp.features * u;
  if (idx < n_up) {
    let row = (idx / u) * u3 + idx % u;
    packed[idx] = vec4<f32>(recurrent[row], recurrent[row + u], recurrent[row + 2u * u], 0.0);
  } else if (idx < n_up + n_wp) {
    let i = idx - n_up;
    let row = (i / u) * u3 + i % u;
    packed[pp.wp + i] = vec4<f32>(kernel[row], kernel[row + u], 0.0, kernel[row + 2u * u]);
  } else if (idx < n_up + n_wp + pp.uh) {
    // Uhq[k, jq] = Uh[k, 4jq .. 4jq+3]
    let i = idx - n_up - n_wp;
    let k = i / quads;
    let j = (i % quads) * 4u;
    var v = vec4<f32>(0.0);
    for (var q = 0u; q < 4u; q++) {
      if (j + q < u) { v[q] = recurrent[k * u3 + 2u * u + j + q]; }
    }
    packed[pp.uhq + i] = v;
  } else if (idx < n_up + n_wp + 2u * pp.uh) {
    // Uht[j, kq] = Uh[4kq .. 4kq+3, j]
    let i = idx - n_up - n_wp - pp.uh;
    let j = i / quads;
    let k = (i % quads) * 4u;
    var v = vec4<f32>(0.0);
    for (var q = 0u; q < 4u; q++) {
      if (k + q < u) { v[q] = recurrent[(k + q) * u3 + 2u * u + j]; }
    }
    packed[pp.uht + i] = v;
  } else if (idx < n_up + n_wp + 2u * pp.uh + u) {
    let j = idx - n_up - n_wp - 2u * pp.uh;
    var v = vec4<f32>(bias[j], bias[u + j], 0.0, bias[2u * u + j]);
    if (RESET_AFTER) {
      let rb = pp.rbias_offset;
      v += vec4<f32>(recurrent_bias[rb + j], recurrent_bias[rb + u + j], recurrent_bias[rb + 2u * u + j], 0.0);
    }
    packed[pp.bp + j] = v;
  }
}

