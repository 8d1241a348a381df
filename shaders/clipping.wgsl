// clipping.wgsl — gradient clipping over the flat gradient arena, with Keras's three modes.
//
//   clipValue       g ← clamp(g, −c, c), every element                              (entry clip_value)
//   clipNorm        EACH gradient tensor (arena segment) s separately:
//                   g_s ← g_s · c / max(‖g_s‖₂, c)          (tf.clip_by_norm: untouched when ‖g_s‖ ≤ c)
//   globalClipNorm  all gradients together, N = sqrt(Σ_s ‖g_s‖²):
//                   g ← g · c / max(N, c) = g · min(1, c/N)  (tf.clip_by_global_norm); a non-finite N makes
//                   every gradient NaN, as TensorFlow does, so an overflow is seen instead of hidden
//
// The norms are deterministic reductions (no atomics) in blocks of BLOCK = 64 floats. Segments start at
// multiples of 64, so a block never straddles two tensors, and the arena's padding is zero, so it adds nothing:
//
//   block_sumsq     one invocation per block b: partial[b] = Σ g² over the block, in order; factor[b] = 1
//   segment_factor  one workgroup per segment (one dispatch each): sums partial[first .. first + blocks)
//                   with a fixed-shape tree and writes the segment's factor into factor[first ..]
//   global_factor   one workgroup: sums every partial, writes the global factor into factor[0]
//   scale_blocks    one invocation per element: g[i] *= factor[(i / 64) · factor_stride]
//                   (factor_stride 1 for per-segment factors, 0 for the single global one)
//
// The scratch buffer holds partial[0 .. block_count) then factor[0 .. block_count).
//
// Bindings: 0 params (uniform) · 1 grads (read-write) · 2 scratch (read-write)

struct ClipParams {
  length: u32,
  block_count: u32,
  first_block: u32,
  segment_blocks: u32,
  factor_stride: u32,
  limit: f32,
}

const BLOCK: u32 = 64u;
const REDUCE_WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: ClipParams;
@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> scratch: array<f32>;

var<workgroup> tree: array<f32, REDUCE_WG>;


@compute @workgroup_size(WG)
fn clip_value(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.length) { return; }
  grads[i] = clamp(grads[i], -params.limit, params.limit);
}

@compute @workgroup_size(WG)
fn block_sumsq(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let b = flat_index(gid, groups);
  if (b >= params.block_count) { return; }
  let end = min((b + 1u) * BLOCK, params.length);
  var sum = 0.0;
  for (var i = b * BLOCK; i < end; i++) {
    sum += grads[i] * grads[i];
  }
  scratch[b] = sum;
  scratch[params.block_count + b] = 1.0;
}

// Σ partial[first .. first + count) by one workgroup: strided sums in order, then a fixed tree.
fn reduce_partials(lid: u32, first: u32, count: u32) -> f32 {
  var sum = 0.0;
  for (var j = lid; j < count; j += REDUCE_WG) {
    sum += scratch[first + j];
  }
  tree[lid] = sum;
  workgroupBarrier();
  for (var stride = REDUCE_WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { tree[lid] += tree[lid + stride]; }
    workgroupBarrier();
  }
  return tree[0];
}

@compute @workgroup_size(REDUCE_WG)
fn segment_factor(@builtin(local_invocation_index) lid: u32) {
  let norm = sqrt(reduce_partials(lid, params.first_block, params.segment_blocks));
  let factor = params.limit / max(norm, params.limit);
  for (var j = lid; j < params.segment_blocks; j += REDUCE_WG) {
    scratch[params.block_count + params.first_block + j] = factor;
  }
}

@compute @workgroup_size(REDUCE_WG)
fn global_factor(@builtin(local_invocation_index) lid: u32) {
  let norm = sqrt(reduce_partials(lid, 0u, params.block_count));
  // Exponent bits all ones: Inf or NaN. Tested on the bits because compilers may fold `norm != norm` away.
  let finite = (bitcast<u32>(norm) & 0x7f800000u) != 0x7f800000u;
  var nan_bits = 0x7fc00000u; // a runtime value: WGSL rejects NaN from a constant expression
  let factor = select(bitcast<f32>(nan_bits), params.limit / max(norm, params.limit), finite);
  if (lid == 0u) { scratch[params.block_count] = factor; }
}

@compute @workgroup_size(WG)
fn scale_blocks(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.length) { return; }
  grads[i] *= scratch[params.block_count + (i / BLOCK) * params.factor_stride];
}
