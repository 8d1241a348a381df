// random.wgsl — the counter-based random bits of every dropout kernel (dropout.wgsl, recurrentDropout.wgsl):
// no random state lives on the GPU but a step counter, and the same (seed, step, key) gives the same bits on
// every GPU and in the CPU twin (src/reference/dropout.ts, dropoutDraw).
//
// draw is three rounds of a 32-bit integer hash (Chris Wellons's "lowbias32": xor-shift, multiply, twice) over
// the key, the seed and the step. u32 products wrap.

fn mix32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

fn draw(seed: u32, counter: u32, key: u32) -> u32 {
  return mix32(mix32(mix32(key) ^ seed) ^ (counter * 0x9e3779b9u));
}
