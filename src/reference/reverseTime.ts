/** Float64 twin of shaders/reverseTime.wgsl: out[s·block + i] = src[srcOffset + (T−1−s)·block + i]. */
export function reverseTime(src: ArrayLike<number>, timesteps: number, block: number, srcOffset = 0): Float64Array {
  const out = new Float64Array(timesteps * block);
  for (let s = 0; s < timesteps; s++) {
    for (let i = 0; i < block; i++) out[s * block + i] = src[srcOffset + (timesteps - 1 - s) * block + i]!;
  }
  return out;
}
