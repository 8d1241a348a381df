// lstmSeq.wgsl — the sequence-persistent LSTM: one dispatch runs every timestep of the forward pass (entry
// `forward_seq`) or of the backward pass (entry `backward_seq`), instead of one dispatch per step.
//
// The math, the buffers and the per-block work are those of the per-step kernels (lstmStepVec4Forward.wgsl,
// lstmStepVec4Backward.wgsl): the same 4×4 blocks from the same templates (shaders/blocks/lstm.ts) on the
// layouts, cell updates and storage bindings of lstmStepVec4.wgsl (included). This file only adds the loop over
// time. Batch rows never exchange data in an LSTM, so the batch splits across workgroups with no global
// synchronization: workgroup w owns batch rows 4w..4w+3, and its WG invocations share that row block's units in
// 4×4 blocks (invocation l takes unit blocks l, l+WG, ...). After each step a storageBarrier() makes what the
// step wrote to storage — compact h (forward) or dG[t] (backward), by every invocation of the workgroup —
// visible to the next step, which reads it across units. The pack (lstmStepVec4Pack.wgsl) and
// initial-state (compactState.wgsl) dispatches still run before the loop.
//
// Why: the per-step kernels pay one dispatch per step; this pays one barrier per step instead. On SwiftShader
// the barrier loses (a shader with barriers runs as coroutines there, and a dispatch is cheap); on a real GPU,
// where a dispatch and its barrier cost tens of µs and workgroup barriers are cheap, it wins while the hidden
// size is small, and is the default there (src/kernels/lstmStep.ts picks; the measurements are in
// bench/results/lstm-kernels.md).
//
// Bindings, forward_seq:  0 seq_params · 1 xproj · 2 x_in · 3 h · 4 c · 5 gates · 6 scratch      (as `forward`)
// Bindings, backward_seq: 0 seq_params · 1 packed_b · 2 saved_gates · 3 saved_c · 4 dy · 5 dh_last
//                         6 dc · 7 dgates                                                       (as `backward`)
// Both also bind 20 step_mask (direction.wgsl): the cells skip masked steps as the per-step kernels do.
//
//! include activations direction lstmStepVec4

struct SeqParams {
  batch: u32,
  units: u32,
  timesteps: u32,
  dy_is_sequence: u32,
  /** vec4 offset of compact h in `scratch`, and vec4s per half (batch · ⌈units/4⌉). */
  hc: u32,
  hc_half: u32,
  /** As LstmVec4StepParams (lstmStepVec4.wgsl), for FUSED_INPUT. */
  features: u32,
  x_offset: u32,
  wp: u32,
  bp: u32,
}

@group(0) @binding(0) var<uniform> seq_params: SeqParams;

//! generate lstmForwardBlock {"rows": 4}

//! generate lstmBackwardBlock {"rows": 4}

@compute @workgroup_size(WG)
fn forward_seq(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let sp = seq_params;
  let b0 = (wg.x + wg.y * groups.x) * 4u;
  let unit_blocks = (sp.units + 3u) / 4u;
  for (var s = 0u; s < sp.timesteps; s++) {
    let p = LstmVec4StepParams(
      time_of_step(s, sp.timesteps), sp.batch, sp.units, sp.hc + (s % 2u) * sp.hc_half, sp.hc + ((s + 1u) % 2u) * sp.hc_half,
      sp.features, sp.x_offset, sp.wp, sp.bp,
    );
    if (b0 < sp.batch) {
      for (var jb = lane; jb < unit_blocks; jb += WG) {
        forward_block4(p, b0, jb * 4u);
      }
    }
    storageBarrier();
  }
}

@compute @workgroup_size(WG)
fn backward_seq(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let sp = seq_params;
  let b0 = (wg.x + wg.y * groups.x) * 4u;
  let unit_blocks = (sp.units + 3u) / 4u;
  // Backward runs the processing order in reverse: n = 0 is the last step processed.
  for (var n = 0u; n < sp.timesteps; n++) {
    let t = time_of_step(sp.timesteps - 1u - n, sp.timesteps);
    let p = BackParams(t, sp.batch, sp.units, sp.timesteps, sp.dy_is_sequence);
    if (b0 < sp.batch) {
      for (var jb = lane; jb < unit_blocks; jb += WG) {
        backward_block4(p, b0, jb * 4u);
      }
    }
    storageBarrier();
  }
}
