// direction.wgsl — which timestep a recurrent step kernel works on, and where its states live, for both
// processing directions. Prepended (after activations.wgsl) to every recurrent kernel; CPU mirror:
// src/kernels/direction.ts.
//
// Every per-time buffer is indexed by the time t of the input x_t, never by processing order: xproj, saved
// gates and the gate gradients dG all have block t at rows t·batch .. (t+1)·batch. So the weight-gradient GEMMs
// (dW = Xᵀ·dG, dX = dG·Wᵀ, db = Σ dG) see x rows and dG rows aligned whatever the direction, and x is never
// copied or reversed: with GO_BACKWARDS the host simply records the steps for t = T−1 down to 0.
//
// States [T+1, batch, units] live on the T+1 boundaries around the inputs: slot k sits between x_{k−1} and x_k.
// A forward layer starts at slot 0 and step t moves from slot t to slot t+1; a GO_BACKWARDS layer starts at slot
// T and step t moves from slot t+1 to slot t. Either way the state before step t is slot prev_slot(t), so
// H_{t−1} for the recurrent-kernel gradient is slots 0..T−1 (forward) or 1..T (backwards), one contiguous
// matrix, and the output after x_t is slot next_slot(t). Keras returns a go_backwards layer's outputs in
// processing order (reversed); the output slots here are in input order, and the functional API reorders
// them on readback (src/ops/timeOrder.ts), a layer in a model on the GPU (shaders/reverseTime.wgsl).
//
// The step kernels' common uniforms live here too; a kernel with more per-step fields declares its own struct.

override GO_BACKWARDS: bool = false;

/** The uniform of a step kernel that needs only where it is (lstmStep.wgsl, simpleRnnStep.wgsl). */
struct StepParams {
  t: u32,
  batch: u32,
  units: u32,
}

/**
 * The uniform of a backward step (every recurrent kernel's but the register-blocked GRU's, which adds scratch
 * offsets): where it is, and whether dy holds every step's gradient or only the last output's.
 */
struct BackParams {
  t: u32,
  batch: u32,
  units: u32,
  timesteps: u32,
  dy_is_sequence: u32,
}

/** The input time read by processing step s (s = 0 is the first step run); the host's timeOfStep. */
fn time_of_step(s: u32, timesteps: u32) -> u32 {
  return select(s, timesteps - 1u - s, GO_BACKWARDS);
}

/** The slot holding the state before the step that reads x_t. */
fn prev_slot(t: u32) -> u32 {
  return select(t, t + 1u, GO_BACKWARDS);
}

/** The slot the step that reads x_t writes. */
fn next_slot(t: u32) -> u32 {
  return select(t + 1u, t, GO_BACKWARDS);
}

/** Whether x_t is the last input processed (the step whose h is the final state). */
fn is_last_step(t: u32, timesteps: u32) -> bool {
  return select(t + 1u == timesteps, t == 0u, GO_BACKWARDS);
}

/** The time of the step processed after the one that reads x_t (only valid when !is_last_step(t)). */
fn following_time(t: u32) -> u32 {
  return select(t + 1u, t - 1u, GO_BACKWARDS);
}

// Masking (a Keras mask: layers.masking, embedding maskZero). With MASKED, step_mask[t·batch + b] = 0 marks x_t
// as absent for row b: the step leaves every state as it was (slot next_slot(t) = slot prev_slot(t)), so the
// output there is the carried h, as Keras 3's rnn() gives without zero_output_for_mask (its JAX and numpy
// backends; the TensorFlow and torch ones output 0 at masked steps before the first real one, which differs only
// when the initial state is not zero). Backward, a skipped step has zero gate gradients and hands its whole dh on
// to the state before it through a carry ([batch, units], zero after a step that ran): dh_carry here for
// simpleRnnStep.wgsl, behind dc for the LSTM kernels, the GRU's own carry buffer (gruStep.wgsl,
// gruStepVec4Backward.wgsl), which between steps holds what passes through z as well. Every entry that
// uses these binds them, masked or not (a spare buffer when unmasked): every variant of every cell.
override MASKED: bool = false;
@group(0) @binding(20) var<storage, read> step_mask: array<f32>;
@group(0) @binding(21) var<storage, read_write> dh_carry: array<f32>;

/** Whether row b takes x_t (always, without MASKED). */
fn step_runs(t: u32, batch: u32, b: u32) -> bool {
  if (!MASKED) { return true; }
  return step_mask[t * batch + b] != 0.0;
}

/**
 * Whether any of rows b0 .. b0+rows−1 (those < batch) takes x_t. A register block none of whose rows runs skips
 * its products (forward) or its gather from a step none of them ran (backward, whose gate gradients are all 0
 * there): so the work past a batch's longest sequence, and a block's rows' shared padding, cost only the carry.
 */
fn rows_run(t: u32, batch: u32, b0: u32, rows: u32) -> bool {
  if (!MASKED) { return true; }
  for (var r = 0u; r < rows; r++) {
    if (b0 + r < batch && step_mask[t * batch + b0 + r] != 0.0) { return true; }
  }
  return false;
}

// Recurrent dropout (Keras recurrent_dropout, in training programs only). With RECURRENT_DROPOUT the step_mask
// binding ends with keep [batch, units], the same at every step (recurrentDropout.wgsl draws it once per batch:
// 0, or 1/(1 − rate)), and the recurrent product of every step reads h_{t−1} ⊙ keep instead of h_{t−1}. The
// mask, when there is one, comes first; the host binds exactly the range that ends with keep, so it sits at
// arrayLength − batch·units. Backward, what reaches h_{t−1} through U is multiplied by keep too; what reaches it
// another way (the GRU's z ⊙ h_{t−1}, a masked step's carry) is not. The plain step kernels (lstmStep, gruStep,
// simpleRnnStep) and the register-blocked ones (lstmStepVec4.wgsl, gruStepVec4Forward.wgsl: their compact h holds
// h ⊙ keep) read it.
override RECURRENT_DROPOUT: bool = false;

/** Where row b's keep starts in step_mask (only meaningful with RECURRENT_DROPOUT). */
fn recurrent_keep_row(batch: u32, units: u32, b: u32) -> u32 {
  return arrayLength(&step_mask) - batch * units + b * units;
}

/** keep[b, k] with RECURRENT_DROPOUT, else 1. */
fn recurrent_keep(batch: u32, units: u32, b: u32, k: u32) -> f32 {
  if (!RECURRENT_DROPOUT) { return 1.0; }
  return step_mask[recurrent_keep_row(batch, units, b) + k];
}
