// reverseTime.wgsl — reverses the time axis of a time-major sequence: out[s] = in[T−1−s], block by block.
//
//   out[s·block + i] = in[in_offset + (T−1−s)·block + i]        s < T, i < block (block = batch · channels)
//
// Why it exists: the recurrent kernels index every per-time buffer by input time t in both directions
// (direction.wgsl), but Keras returns a go_backwards layer's output sequence in processing order, i.e.
// reversed. A goBackwards layer with returnSequences in a Sequential runs this once on its h slots so that the
// next layer, the loss and predict see Keras's order; its backward pass runs it once more on the incoming
// gradient (the reversal is its own inverse). Bidirectional needs no reversal: Keras flips the backward
// layer's sequence back to input time before merging, which is the kernels' order already.
//
// One invocation per output element; `in_offset` (in floats) lets it read the h slots of a larger buffer.
//
// Bindings: 0 params (uniform) · 1 src (read) · 2 dst (write)

struct ReverseParams {
  timesteps: u32,
  block: u32,
  in_offset: u32,
}


@group(0) @binding(0) var<uniform> params: ReverseParams;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = params;
  if (idx >= p.timesteps * p.block) { return; }
  let s = idx / p.block;
  let i = idx % p.block;
  dst[idx] = src[p.in_offset + (p.timesteps - 1u - s) * p.block + i];
}
