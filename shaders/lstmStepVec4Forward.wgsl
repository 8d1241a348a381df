// lstmStepVec4Forward.wgsl — one forward timestep of the register-blocked LSTM (entries `forward`, `forward8`):
// the host records one dispatch per step, after lstmStepVec4Pack.wgsl's `pack` and compactState.wgsl.
//
// Per step t, for every batch row b and unit j (Keras gate order i, f, c(g), o; σ = RECURRENT_ACTIVATION,
// act = ACTIVATION):
//   z   = xproj[t, b, j] + Σ_k h_{t−1}[b, k] · Up[k, j]      (with FUSED_INPUT: bp[j] + Σ_f x_t[b, f] · Wp[f, j]
//                                                           in place of xproj, read from x_in)
//   i, f, o = σ(z.x, z.y, z.w)   g = act(z.z)   c_t = f·c_{t−1} + i·g   h_t = o·act(c_t)
// and it stores c_t and h_t into their state slots, the gates (i, f, g, o) as one vec4 for backward, and h_t
// into the compact-h half the next step reads. Layouts, the cell update and the storage bindings are in
// lstmStepVec4.wgsl (included).
//
// An invocation owns a block of R batch rows × 4 units: R = 4 in `forward` (block (b0, j0) = (4·(idx / ⌈u/4⌉),
// 4·(idx % ⌈u/4⌉))), R = 8 in `forward8` (b0 = 8·(idx / ⌈u/4⌉); the host uses it for a batch of 8 or more, so
// each Up vec4 feeds twice the FMAs). Both blocks come from one template, shaders/blocks/lstm.ts.
//
// Bindings, forward and forward8:
//   0 params (uniform LstmVec4StepParams: t, batch, units, hc_read, hc_write, features, x_offset, wp, bp)
//   1 xproj [T, B, u] vec4 (read) · 2 x_in [T, B, F] (read) · 3 h [T+1, B, u] (rw) · 4 c [T+1, B, u] (rw)
//   5 gates [T, B, u] vec4 (rw) · 6 scratch (rw: Up, Wp, bp, compact h)
//
//! include activations direction lstmStepVec4

@group(0) @binding(0) var<uniform> params: LstmVec4StepParams;

//! generate lstmForwardBlock {"rows": 4}

//! generate lstmForwardBlock {"rows": 8}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= ((p.batch + 3u) / 4u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  forward_block4(p, origin.x, origin.y);
}

/** `forward` with 8-row blocks: the block (b0, j0) = (8·(idx / ⌈u/4⌉), 4·(idx % ⌈u/4⌉)). */
@compute @workgroup_size(WG)
fn forward8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= ((p.batch + 7u) / 8u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  forward_block8(p, origin.x * 2u, origin.y);
}
