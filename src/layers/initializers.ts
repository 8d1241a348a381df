/**
 * Weight initializers with Keras's defaults and names, computed on the host from a seeded generator so a
 * model built with the same seed starts from the same weights everywhere.
 */
export type Initializer =
  | { kind: 'glorotUniform' }
  | { kind: 'orthogonal'; gain?: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'randomUniform'; min: number; max: number }
  /** LSTM bias: zeros except ones in the forget-gate block (Keras unit_forget_bias=True). */
  | { kind: 'unitForgetBias'; units: number };

export type Random = () => number;

/** mulberry32: small, fast, and good enough for initial weights. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: Random): number {
  // Box–Muller; 1 − u keeps the log finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Keras fans: for a 2-D weight [in, out], fanIn = in and fanOut = out. */
function glorotUniform(shape: number[], random: Random): Float32Array {
  const fanIn = shape.length >= 2 ? shape[0]! : (shape[0] ?? 1);
  const fanOut = shape.length >= 2 ? shape[shape.length - 1]! : (shape[0] ?? 1);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: size(shape) }, () => (random() * 2 - 1) * limit);
}

/**
 * A [rows, cols] matrix with orthonormal rows or columns (whichever are fewer), as Keras's Orthogonal:
 * Gram–Schmidt on a Gaussian matrix, with the sign fix that makes the result uniformly distributed.
 */
function orthogonal(shape: number[], random: Random, gain: number): Float32Array {
  const rows = shape[0]!;
  const cols = size(shape) / rows;
  const n = Math.min(rows, cols);
  const m = Math.max(rows, cols);
  // n orthonormal vectors of length m
  const q: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from({ length: m }, () => normal(random));
    for (const u of q) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += v[k]! * u[k]!;
      for (let k = 0; k < m; k++) v[k]! -= dot * u[k]!;
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += v[k]! * v[k]!;
    norm = Math.sqrt(norm);
    for (let k = 0; k < m; k++) v[k]! /= norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows ≤ cols: orthonormal rows; else orthonormal columns
      out[r * cols + c] = gain * (rows <= cols ? q[r]![c]! : q[c]![r]!);
    }
  }
  return out;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function initialize(init: Initializer, shape: number[], random: Random): Float32Array {
  switch (init.kind) {
    case 'glorotUniform':
      return glorotUniform(shape, random);
    case 'orthogonal':
      return orthogonal(shape, random, init.gain ?? 1);
    case 'zeros':
      return new Float32Array(size(shape));
    case 'ones':
      return new Float32Array(size(shape)).fill(1);
    case 'randomUniform':
      return Float32Array.from({ length: size(shape) }, () => init.min + random() * (init.max - init.min));
    case 'unitForgetBias': {
      const bias = new Float32Array(size(shape));
      bias.fill(1, init.units, 2 * init.units);
      return bias;
    }
  }
}
