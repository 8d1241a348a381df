/** Float64 twin of shaders/repeatVector.wgsl: y[t·block + i] = x[i] for t < n, and dx[i] = Σ_t dy[t·block + i]. */
export function repeatForward(x: ArrayLike<number>, n: number, block: number, xOffset = 0): Float64Array {
  const y = new Float64Array(n * block);
  for (let t = 0; t < n; t++) for (let i = 0; i < block; i++) y[t * block + i] = x[xOffset + i]!;
  return y;
}

export function repeatBackward(dy: ArrayLike<number>, n: number, block: number): Float64Array {
  const dx = new Float64Array(block);
  for (let t = 0; t < n; t++) for (let i = 0; i < block; i++) dx[i]! += dy[t * block + i]!;
  return dx;
}
