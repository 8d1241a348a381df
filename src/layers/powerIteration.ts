/**
 * ρ(W) by power iteration in float64: exp of the mean log growth of ‖v·W‖ over the iterations from `averageFrom`,
 * from a fixed start vector. The echo-state initializer scales its reservoir with it (./initializers.ts), and it is
 * the CPU twin of shaders/spectralRadius.wgsl (src/reference/spectralRadius.ts re-exports it), which starts from the
 * same vector. Sparse-aware (it walks W's non-zeros), so it affords reservoirs of a few thousand units.
 */

/** The start vector both twins use: a fixed, seeded direction with no zero component. */
export function powerIterationStart(units: number): Float32Array {
  const v = new Float32Array(units);
  let a = 0x2545f491;
  for (let i = 0; i < units; i++) {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    v[i] = 0.5 + (a >>> 8) / 16777216; // in [0.5, 1.5)
  }
  let squares = 0;
  for (const x of v) squares += x * x;
  return v.map((x) => x / Math.sqrt(squares));
}

export interface PowerIteration {
  iterations: number;
  /** Iterations before this one only remove the start vector's transient. */
  averageFrom: number;
}

/** Enough for a few-percent transient to die away in reservoirs of thousands of units, and a 1/200 averaging error. */
export const POWER_ITERATION: PowerIteration = { iterations: 400, averageFrom: 200 };

export function spectralRadius(matrix: ArrayLike<number>, units: number, { iterations, averageFrom }: PowerIteration = POWER_ITERATION): number {
  const rows: { k: number; j: number; w: number }[] = [];
  for (let k = 0; k < units; k++) for (let j = 0; j < units; j++) if (matrix[k * units + j] !== 0) rows.push({ k, j, w: matrix[k * units + j]! });
  let v = Float64Array.from(powerIterationStart(units));
  let logSum = 0;
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(units);
    for (const { k, j, w } of rows) next[j] += v[k]! * w;
    let squares = 0;
    for (const x of next) squares += x * x;
    const norm = Math.sqrt(squares);
    if (norm === 0) return 0;
    for (let j = 0; j < units; j++) next[j] = next[j]! / norm;
    if (it >= averageFrom) logSum += Math.log(norm);
    v = next;
  }
  return Math.exp(logSum / (iterations - averageFrom));
}
