// lstmSeq.wgsl — the sequence-persistent LSTM: one dispatch runs every timestep of the forward pass (entry
// `forward_seq`) or of the backward pass (entry `backward_seq`), instead of one dispatch per step.
//
// The math, the buffers and the per-block work are those of lstmStepVec4.wgsl, which is prepended to this file
// (after activations.wgsl and direction.wgsl): this file only adds the loop over time. Batch rows never
// exchange data in an LSTM, so the batch splits across workgroups with no global synchronization: workgroup w
// owns batch rows 4w..4w+3, and its WG invocations share that row block's units in 4×4 blocks (invocation l
// takes unit blocks l, l+WG, ...). After each step a storageBarrier() makes the step's h and c (forward) or
// dGi (backward), written to storage by every invocation of the workgroup, visible to the next step, which reads
// them across units. The U pack (entry `pack`) still runs as its own dispatch before the loop.
//
// Why: on SwiftShader a dispatch costs ≈115 µs, so the per-step kernels pay T of them per pass; here the cost
// is T workgroup barriers instead. Which one wins depends on the size (the barriers cost more as the workgroup
// grows); src/kernels/lstmStep.ts picks by measurement.
//
// Bindings, forward_seq:  0 seq_params · 3 xproj · 4 packed_f · 5 h · 6 c · 7 gates      (as `forward`)
// Bindings, backward_seq: 0 seq_params · 9 saved_gates · 10 saved_c · 11 dy · 12 dh_last · 13 dc · 14 dgates
//                         15 scratch                                                        (as `backward`)

struct SeqParams {
  batch: u32,
  units: u32,
  timesteps: u32,
  dy_is_sequence: u32,
  /** vec4s per half of dGi (batch·units), and where the first half starts in `scratch`. */
  half: u32,
  dgi_offset: u32,
}

@group(0) @binding(0) var<uniform> seq_params: SeqParams;

/** Input time of processing step s (direction.wgsl's order, as the host's timeOfStep). */
fn time_of_step(s: u32, timesteps: u32) -> u32 {
  return select(s, timesteps - 1u - s, GO_BACKWARDS);
}

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
    let p = StepParams(time_of_step(s, sp.timesteps), sp.batch, sp.units);
    if (b0 < sp.batch) {
      for (var jb = lane; jb < unit_blocks; jb += WG) {
        forward_block(p, b0, jb * 4u);
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
    let p = BackParams(t, sp.batch, sp.units, sp.timesteps, sp.dy_is_sequence, n % 2u, sp.half, sp.dgi_offset);
    if (b0 < sp.batch) {
      for (var jb = lane; jb < unit_blocks; jb += WG) {
        backward_block(p, b0, jb * 4u);
      }
    }
    storageBarrier();
  }
}
