// compactState.wgsl — the compact copy of the initial state that a register-blocked recurrent pass starts from
// (lstmStepVec4.wgsl and gruStepVec4.wgsl describe the layout): [batch, ⌈units/4⌉] vec4, units padded with
// zeros to a whole vec4. The scratch holds two such halves that the steps alternate between; this fills the
// first from the initial state's slot of h and the second with zeros. Both stay zero past `units`: the steps
// write only units < `units`. One invocation per vec4 of both halves.
//
// Bindings: 0 params · 1 h_init (read: the states [T+1, batch, units]) · 2 compact_h (rw: the scratch)

struct InitParams {
  batch: u32,
  units: u32,
  /** Float offset of the initial state's slot in h_init. */
  h_offset: u32,
  /** vec4 offset in compact_h of the half the first step reads. */
  hc: u32,
}

@group(0) @binding(0) var<uniform> params: InitParams;
@group(0) @binding(1) var<storage, read> h_init: array<f32>;
@group(0) @binding(2) var<storage, read_write> compact_h: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn init_state(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let ip = params;
  let quads = (ip.units + 3u) / 4u;
  if (idx >= 2u * ip.batch * quads) { return; }
  var v = vec4<f32>(0.0);
  if (idx < ip.batch * quads) {
    let b = idx / quads;
    let j = (idx % quads) * 4u;
    for (var q = 0u; q < 4u; q++) {
      if (j + q < ip.units) { v[q] = h_init[ip.h_offset + b * ip.units + j + q]; }
    }
  }
  compact_h[ip.hc + idx] = v;
}
