// regularizers.wgsl — L1/L2 weight penalties (Keras L1L2) on one segment of the parameter arena.
//
// For every weight w of the segment [offset, offset + length) of the arenas:
//
//   grads[i] += l1·sign(w) + 2·l2·w           (sign(0) = 0, as TensorFlow's gradient of |w| at 0)
//   penalty   = Σ l1·|w| + l2·w²               (one partial sum per block of BLOCK = 64 weights)
//
// One invocation owns one block of 64 consecutive weights, walks it in order and writes the block's
// penalty into partials[partial_offset + b]. The TS wrapper dispatches once per regularized segment (their
// l1, l2 differ) and then sums every partial with losses.wgsl's deterministic `accumulate`, scaled by the
// batch rows, into the loss accumulator: the epoch loss then includes the penalty the way Keras reports it.
// No invocation writes a weight of another block, so there are no races and no atomics.
//
// Bindings: 0 params (uniform) · 1 w (read) · 2 grads (read-write) · 3 partials (write)

struct RegularizerParams {
  offset: u32,
  length: u32,
  partial_offset: u32,
  l1: f32,
  l2: f32,
}

const BLOCK: u32 = 64u;

@group(0) @binding(0) var<uniform> params: RegularizerParams;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

@compute @workgroup_size(WG)
fn regularize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let b = gid.x + gid.y * groups.x * WG;
  let start = b * BLOCK;
  if (start >= params.length) { return; }
  let end = min(start + BLOCK, params.length);
  var penalty = 0.0;
  for (var i = start; i < end; i++) {
    let k = params.offset + i;
    let x = w[k];
    grads[k] += params.l1 * sign(x) + 2.0 * params.l2 * x;
    penalty += params.l1 * abs(x) + params.l2 * x * x;
  }
  partials[params.partial_offset + b] = penalty;
}
