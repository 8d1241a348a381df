// lstmStepVec4.wgsl — what the register-blocked, gate-interleaved LSTM shares: its layouts, the parameter
// structs, the storage bindings of a forward and of a backward step, and the per-(row, unit) cell updates.
// A helper with no entry point: lstmStepVec4Forward.wgsl (forward, forward8), lstmStepVec4Backward.wgsl
// (backward, backward8) and lstmSeq.wgsl (the same blocks in a loop over time) include it and bind their own
// uniform at 0; lstmStepVec4Pack.wgsl fills and drains the layouts below. Same equations, same results as
// lstmStep.wgsl; the host side of this file is src/kernels/lstmStepVec4.ts.
//
// Equations (Keras semantics, gate order i, f, c(g), o), as in lstmStep.wgsl:
//   forward   z = x_t·W + b + h_{t−1}·U;  i, f, o = σ(z);  g = act(z);  c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙act(c_t)
//   backward  dh_t = dy_t + Σ_k Σ_gate dG[t', b, gate, k]·U[j, gate, k]   (t' the step run after t; dh_T = dh_last)
//             do = dh·a·σ'(o), dc = dc_{t+1} + dh·o·act'(a), di = dc·g·σ'(i), df = dc·c_{t−1}·σ'(f),
//             dg = dc·i·act'(g), dc_{t−1} = dc·f                                           (a = act(c_t))
// States h and c are the same [T+1, batch, units] slots as in lstmStep.wgsl (direction.wgsl picks them), so the
// layer's outputs and the dU GEMM read h as before. What this variant changes is private to it:
//
//   interleaved layouts   Up[k, j] = (U[k, j], U[k, u+j], U[k, 2u+j], U[k, 3u+j]) — U with its columns reordered
//                         to 4j+gate — and likewise Wp [F, u] and bp [u] (lstmStepVec4Pack.wgsl, one dispatch
//                         per pass: the weights change with every optimizer step). With them the input GEMM
//                         X·Wp + bp writes xproj interleaved, [T, B, u] vec4; the saved gates and the gate
//                         gradients dG are [T, B, u] vec4 too. A step then reads or writes one vec4 where
//                         lstmStep.wgsl moves four scalars. The GEMMs after the backward loop read dG as the
//                         matrix [T·B, 4u] with columns 4j+gate: dX = dG·Wpᵀ and dh0 = dG₀·Upᵀ need no change;
//                         dU = Hᵀ·dG, dW = Xᵀ·dG and db are stored back in Keras order: one dispatch of
//                         lstmWeightGrad.wgsl for few units, else GEMMs with gemmVec4.wgsl's permute_units and
//                         lstmStepVec4Pack.wgsl's `bias_grad` (4 column sums per vec4).
//   fused input           with FUSED_INPUT (few features: the host decides) there is no input GEMM: a block's
//                         sums start at bp and take x_t's F features (`x_in`) like F more units of h, 4 x
//                         scalars and 4 Wp vec4s per feature, where reading xproj costs 16 vec4s per block.
//   compact h             each step also writes h_t into `scratch` as [batch, up] (up = units rounded up to 4,
//                         zero-padded), in two halves used in turn, so the next step reads h_{t−1} as vec4s
//                         over k. compactState.wgsl copies the initial state in.
//   R×4 blocks            an invocation owns batch rows b0..b0+R−1 × units j0..j0+3 (R = 4, or 8 for a batch of
//                         8 or more: the host picks). Forward, per 4 k: R vec4 of h and 16 of Up (R + 16 loads)
//                         for 64·R FMAs; lstmStep.wgsl: 5 loads for 4 FMAs. Backward, per k: R vec4s of dG[t']
//                         and 4 of Up (R + 4 loads) for 16·R FMAs. The blocks are generated from one template
//                         per pass (shaders/blocks/lstm.ts: forward_block4/8, backward_block4/8).
// Rows past `batch`, units past `units` and k past `units` read clamped (valid) elements and are never stored;
// their products meet a zero (h padding) or are dropped. On SwiftShader every load is a per-lane gather and
// costs about as much as a dozen FMAs, so loads per FMA decide the speed; the measurements that chose this
// layout are in bench/results/lstm-kernels.md.
//
// `scratch` (vec4s): Up [u·u] at 0 · Wp [F·u] at wp · bp [u] at bp · compact h [2, batch, up/4] at hc.
// The forward steps bind it read-write (they write compact h), so they read Up through the same binding: WebGPU
// forbids binding one buffer both read-only and writable in a dispatch.
//
// Storage bindings (each including file binds its own uniform at 0: an LstmVec4StepParams or a BackParams, or lstmSeq's):
//   forward step:   1 xproj [T, B, u] vec4 (read) · 2 x_in [T, B, F] (read) · 3 h (rw) · 4 c (rw)
//                   5 gates [T, B, u] vec4 (rw) · 6 scratch (rw)     (xproj is unused with FUSED_INPUT, x_in without)
//   backward step:  1 packed_b (read: Up in the scratch) · 2 saved_gates vec4 (read) · 3 saved_c (read)
//                   4 dy (read) · 5 dh_last (read) · 6 dc (rw) · 7 dgates vec4 (rw)
//   both:           20 step_mask (direction.wgsl; with MASKED dc holds [2, batch, units], the carry of dh behind
//                   dc as in lstmStep.wgsl; with RECURRENT_DROPOUT keep [batch, units] at its end: the compact h
//                   holds h ⊙ keep, so the blocks' products read it as lstmStep.wgsl's do, and the gathered dh
//                   is multiplied by keep)
// A forward entry point uses only the first set and a backward one only the second, so the numbers may meet.
//
//! include activations direction

struct LstmVec4StepParams {
  t: u32,
  batch: u32,
  units: u32,
  /** vec4 offsets of the compact-h halves this step reads (h_{t−1}) and writes (h_t). */
  hc_read: u32,
  hc_write: u32,
  /** FUSED_INPUT only: features, x's float offset in x_in, and the vec4 offsets of Wp and bp in scratch. */
  features: u32,
  x_offset: u32,
  wp: u32,
  bp: u32,
}

override ACTIVATION: u32 = 0u;
override RECURRENT_ACTIVATION: u32 = 2u;
override FUSED_INPUT: bool = false;

@group(0) @binding(1) var<storage, read> xproj: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> x_in: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
@group(0) @binding(5) var<storage, read_write> gates: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> scratch: array<vec4<f32>>;

@group(0) @binding(1) var<storage, read> packed_b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> saved_gates: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> saved_c: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> dh_last: array<f32>;
@group(0) @binding(6) var<storage, read_write> dc: array<f32>;
@group(0) @binding(7) var<storage, read_write> dgates: array<vec4<f32>>;

/** The invocation's 4-row block: first batch row and first unit, from the flat index (units fastest). */
fn block_origin(idx: u32, units: u32) -> vec2<u32> {
  let unit_blocks = (units + 3u) / 4u;
  return vec2<u32>((idx / unit_blocks) * 4u, (idx % unit_blocks) * 4u);
}

/** Forward cell update of one (b, j) at step p.t from its recurrent sum `zr` (gates i, f, g, o), if (b, j) exists. */
fn forward_cell(p: LstmVec4StepParams, b: u32, j: u32, zr: vec4<f32>) {
  let units = p.units;
  if (b >= p.batch || j >= units) { return; }
  let at = (p.t * p.batch + b) * units + j;
  var z = zr;
  if (!FUSED_INPUT) { z += xproj[at]; }
  let gate = vec4<f32>(act(z.x, RECURRENT_ACTIVATION), act(z.y, RECURRENT_ACTIVATION), act(z.z, ACTIVATION), act(z.w, RECURRENT_ACTIVATION));
  let prev = (prev_slot(p.t) * p.batch + b) * units + j;
  let next = (next_slot(p.t) * p.batch + b) * units + j;
  let c_prev = c[prev];
  var c_t = gate.y * c_prev + gate.x * gate.z;
  var h_t = gate.w * act(c_t, ACTIVATION);
  // A masked step (direction.wgsl) carries both states over, into the compact h too.
  if (!step_runs(p.t, p.batch, b)) {
    c_t = c_prev;
    h_t = h[prev];
  }
  c[next] = c_t;
  h[next] = h_t;
  gates[at] = gate;
  // The compact copy feeds only the next step's recurrent product: with recurrent dropout it holds h_t ⊙ keep.
  scratch[p.hc_write + b * ((units + 3u) / 4u) + j / 4u][j % 4u] = h_t * recurrent_keep(p.batch, units, b, j);
}

/** Backward cell update of one (b, j) at step p.t given the gathered dG·Uᵀ term `from_next`, if (b, j) exists. */
fn backward_cell(p: BackParams, b: u32, j: u32, from_next: f32, last: bool) {
  let units = p.units;
  if (b >= p.batch || j >= units) { return; }
  let at = b * units + j;
  // The carry of dh past masked steps (direction.wgsl) lives behind dc, as in lstmStep.wgsl.
  let carry = p.batch * units + at;
  // What came back through U reached h_t ⊙ keep with recurrent dropout (direction.wgsl).
  var dh = from_next * recurrent_keep(p.batch, units, b, j);
  if (last) {
    dh = dh_last[at];
  } else if (MASKED) {
    dh += dc[carry];
  }
  if (p.dy_is_sequence != 0u) {
    dh += dy[(p.t * p.batch + b) * units + j];
  } else if (last) {
    dh += dy[at];
  }
  let row = (p.t * p.batch + b) * units + j;
  if (!step_runs(p.t, p.batch, b)) {
    dgates[row] = vec4<f32>(0.0);
    dc[carry] = dh;
    return;
  }
  if (MASKED) { dc[carry] = 0.0; }
  let gate = saved_gates[row];
  let c_prev = saved_c[(prev_slot(p.t) * p.batch + b) * units + j];
  let a = act(saved_c[(next_slot(p.t) * p.batch + b) * units + j], ACTIVATION);
  let dct = dc[at] + dh * gate.w * act_grad_from_output(a, ACTIVATION);
  dgates[row] = vec4<f32>(
    dct * gate.z * act_grad_from_output(gate.x, RECURRENT_ACTIVATION),
    dct * c_prev * act_grad_from_output(gate.y, RECURRENT_ACTIVATION),
    dct * gate.x * act_grad_from_output(gate.z, ACTIVATION),
    dh * a * act_grad_from_output(gate.w, RECURRENT_ACTIVATION),
  );
  dc[at] = dct * gate.y;
}
