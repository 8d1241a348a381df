// lstmStepVec4Backward.wgsl — one backward timestep of the register-blocked LSTM (entries `backward`,
// `backward8`): the host records one dispatch per step in reverse processing order, after lstmStepVec4Pack.wgsl's
// `pack`, then the weight- and input-gradient GEMMs (or lstmWeightGrad.wgsl) read the gate gradients dG.
//
// Per step t, for every batch row b and unit j, with a = act(c_t) and the saved gates (i, f, g, o):
//   dh  = dy_t[b, j] + (x_t processed last ? dh_last[b, j] : Σ_k dot(dG[t', b, k], Up[j, k]))
//         (t' = the step run after t; dy_t is every step's output gradient when dy_is_sequence, else the last's)
//   do = dh·a·σ'(o)   dc = dc_{t+1} + dh·o·act'(a)   di = dc·g·σ'(i)   df = dc·c_{t−1}·σ'(f)   dg = dc·i·act'(g)
//   dG[t, b, j] = (di, df, dg, do) (one vec4)        dc_{t−1} = dc·f (in place in `dc`, [B, u])
// A masked step (direction.wgsl) writes dG = 0 for its row and hands the whole dh on through the carry behind dc.
// σ' and act' are written in terms of the saved outputs (activations.wgsl). A step reads dG[t'] and writes
// dG[t] only, so its invocations never race. Layouts, the cell update and the storage bindings are in
// lstmStepVec4.wgsl (included).
//
// An invocation owns a block of R batch rows × 4 units, R = 4 in `backward` and 8 in `backward8` (as the
// forward entries: the host uses 8 for a batch of 8 or more). Per k it loads R vec4s of dG[t'] and 4 of Up for
// 16·R FMAs. Both blocks come from one template, shaders/blocks/lstm.ts.
//
// Bindings, backward and backward8:
//   0 back_params (uniform BackParams: t, batch, units, timesteps, dy_is_sequence)
//   1 packed_b (read: Up, the scratch's first part) · 2 saved_gates [T, B, u] vec4 (read)
//   3 saved_c [T+1, B, u] (read) · 4 dy (read) · 5 dh_last [B, u] (read) · 6 dc [B, u] (rw; masked [2, B, u],
//   the carry of dh behind dc) · 7 dgates [T, B, u] vec4 (rw) · 20 step_mask (read; direction.wgsl)
//
//! include activations direction lstmStepVec4

@group(0) @binding(0) var<uniform> back_params: BackParams;

//! generate lstmBackwardBlock {"rows": 4}

//! generate lstmBackwardBlock {"rows": 8}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= ((p.batch + 3u) / 4u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  backward_block4(p, origin.x, origin.y);
}

/** `backward` with 8-row blocks, as forward8. */
@compute @workgroup_size(WG)
fn backward8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= ((p.batch + 7u) / 8u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  backward_block8(p, origin.x * 2u, origin.y);
}
