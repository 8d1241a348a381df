/**
 * Float64 CPU twin of shaders/quantizedGram.wgsl: C = initial + ZᵀZ over Z's values rounded to multiples of 2⁻²⁴
 * (half to even, as WGSL's round) after clamping to [−2, 2]. Each product of two such values is exact in float64;
 * the sums round at ~1e-16, far below the double-float pair the kernel keeps.
 */
export function quantizedGram(z: ArrayLike<number>, rows: number, n: number, initial?: ArrayLike<number>): Float64Array {
  const q = Float64Array.from({ length: rows * n }, (_, i) => roundToGrid(z[i]!));
  const c = Float64Array.from({ length: n * n }, (_, i) => initial?.[i] ?? 0);
  for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j]! += q[r * n + i]! * q[r * n + j]!;
  return c;
}

/** v clamped to [−2, 2] and rounded to a multiple of 2⁻²⁴, half to even (quantizedGram.wgsl's `quantize`). */
export function roundToGrid(v: number): number {
  const scaled = Math.min(2, Math.max(-2, v)) * 2 ** 24;
  const f = Math.floor(scaled);
  const d = scaled - f;
  return (d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f) / 2 ** 24;
}
