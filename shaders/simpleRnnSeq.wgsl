// simpleRnnSeq.wgsl — a whole SimpleRNN (and echo-state reservoir) forward sequence in one dispatch: one workgroup
// per batch row loops over every timestep, h_{t−1} held in workgroup memory. Same math, states and mask as
// simpleRnnStep.wgsl's `forward` (whose backward pass follows it unchanged); CPU twin src/reference/simpleRnnStep.ts.
//
//   h_t = (1 − LEAK) h_{t−1} + LEAK · act(xproj[t, b, :] + h_{t−1} · U)
//
// For a few long sequences — a reservoir driven through thousands of steps, one row — the per-step kernel is one
// dispatch per step with one invocation per unit; here the steps cost one barrier each instead
// (bench/results/simple-rnn-kernels.md). Invocation l owns units l, l + WG, …; h_{t−1} and h_t ping-pong between the
// two halves of `hs` (step s reads half s % 2 and writes the other, so one barrier a step keeps them apart). A
// masked step (MASKED) keeps h; recurrent dropout (RECURRENT_DROPOUT) multiplies h_{t−1} in the product.
// SPARSE reads U as the column lists of shaders/sparseColumns.wgsl and multiplies only its non-zeros: an echo-state
// reservoir with 2.5 % of its weights non-zero does 1/40 of the dense work a step.
//
// Bindings: 0 params · 1 xproj (read) · 2 recurrent U [u, u], or its packed non-zeros [u + 2u²] (read) · 3 h (rw) · 20 step_mask (read)
//
//! include activations direction

override ACTIVATION: u32 = 0u;
override LEAK: f32 = 1.0;
/** The units (the workgroup arrays' length; ≤ 2048 keeps them in WebGPU's 16 KiB default). */
override UNITS: u32 = 64u;
/** `recurrent` holds U's non-zeros column by column (shaders/sparseColumns.wgsl), not U: a sparse reservoir. */
override SPARSE: bool = false;

struct SeqParams {
  batch: u32,
  units: u32,
  timesteps: u32,
}

@group(0) @binding(0) var<uniform> params: SeqParams;
@group(0) @binding(1) var<storage, read> xproj: array<f32>;
@group(0) @binding(2) var<storage, read> recurrent: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;

var<workgroup> hs: array<f32, 2u * UNITS>;

@compute @workgroup_size(WG)
fn forward(@builtin(local_invocation_index) l: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let p = params;
  let b = wid.x;
  let u = p.units;
  let state = p.batch * u;
  let first = prev_slot(time_of_step(0u, p.timesteps)) * state + b * u;
  for (var j = l; j < u; j += WG) { hs[j] = h[first + j]; }
  workgroupBarrier();
  let keep_row = recurrent_keep_row(p.batch, u, b);
  for (var s = 0u; s < p.timesteps; s++) {
    let t = time_of_step(s, p.timesteps);
    let now = (s % 2u) * u;
    let after = u - now;
    let runs = step_runs(t, p.batch, b);
    for (var j = l; j < u; j += WG) {
      var sum = xproj[(t * p.batch + b) * u + j];
      if (SPARSE) {
        // Column j's non-zeros only (shaders/sparseColumns.wgsl's layout): row index, then value, n apart.
        let count = u32(recurrent[j]);
        for (var e = 0u; e < count; e++) {
          let at = u + e * 2u * u + j;
          let k = u32(recurrent[at]);
          var hk = hs[now + k];
          if (RECURRENT_DROPOUT) { hk *= step_mask[keep_row + k]; }
          sum = fma(hk, recurrent[at + u], sum);
        }
      } else {
        for (var k = 0u; k < u; k++) {
          var hk = hs[now + k];
          if (RECURRENT_DROPOUT) { hk *= step_mask[keep_row + k]; }
          sum = fma(hk, recurrent[k * u + j], sum);
        }
      }
      let z = act(sum, ACTIVATION);
      let before = hs[now + j];
      let next = select(before, select(mix(before, z, LEAK), z, LEAK == 1.0), runs);
      hs[after + j] = next;
      h[next_slot(t) * state + b * u + j] = next;
    }
    workgroupBarrier();
  }
}
