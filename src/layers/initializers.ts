/**
 * Weight initializers with Keras's defaults and names, computed on the host from a seeded generator so a
 * model built with the same seed starts from the same weights everywhere. What users write (a name, Keras's
 * JSON, a TF.js initializer object) becomes one of these in src/layers/initializerConfig.ts.
 *
 * Fans follow Keras: a 2-D weight [in, out] has fanIn = in, fanOut = out; a 1-D weight has both = its length.
 * Truncated normals redraw values beyond two standard deviations; variance scaling's truncated normal divides
 * its standard deviation by 0.8796 (the std of a unit normal truncated at ±2) so the variance is the one asked
 * for, as Keras 3 does (TF.js does not divide, so its 'normal' weights are about 12% narrower).
 */
import { ValueError } from '../errors';
import { orthonormalRows } from './orthonormalRows';
import { spectralRadius } from './powerIteration';

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type ScalingDistribution = 'uniform' | 'truncatedNormal' | 'untruncatedNormal';

export type Initializer = (
  | { kind: 'glorotUniform' }
  | { kind: 'orthogonal'; gain?: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'identity'; gain: number }
  | { kind: 'randomUniform'; min: number; max: number }
  | { kind: 'randomNormal'; mean: number; stddev: number }
  | { kind: 'truncatedNormal'; mean: number; stddev: number }
  | { kind: 'varianceScaling'; scale: number; mode: FanMode; distribution: ScalingDistribution }
  /**
   * LSTM bias (Keras unit_forget_bias=True): `base` (zeros by default) with ones in the forget-gate block, as
   * Keras concatenates bias_initializer(u), ones(u), bias_initializer(2u).
   */
  | { kind: 'unitForgetBias'; units: number; base?: Initializer }
  /**
   * An echo-state reservoir [u, u]: each weight non-zero with probability `connectivity`, uniform in [−1, 1], then
   * the whole matrix scaled so that its spectral radius is `spectralRadius` (src/reference/spectralRadius.ts).
   */
  | { kind: 'reservoir'; connectivity: number; spectralRadius: number }
) & {
  /** Draw this weight from its own generator (TF.js's and Keras's `seed`), not the model's. */
  seed?: number;
};

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
function fans(shape: number[]): { fanIn: number; fanOut: number } {
  const fanIn = shape.length >= 2 ? shape[0]! : (shape[0] ?? 1);
  const fanOut = shape.length >= 2 ? shape[shape.length - 1]! : (shape[0] ?? 1);
  return { fanIn, fanOut };
}

/** A normal draw redrawn until it lies within two standard deviations. */
function truncatedNormal(random: Random): number {
  for (;;) {
    const z = normal(random);
    if (Math.abs(z) <= 2) return z;
  }
}

/** The standard deviation of a unit normal truncated to [−2, 2]. */
const TRUNCATED_STD = 0.87962566103423978;

function varianceScaling(shape: number[], random: Random, scale: number, mode: FanMode, distribution: ScalingDistribution): Float32Array {
  const { fanIn, fanOut } = fans(shape);
  const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
  const variance = scale / Math.max(1, n);
  const draw =
    distribution === 'uniform'
      ? () => (random() * 2 - 1) * Math.sqrt(3 * variance)
      : distribution === 'truncatedNormal'
        ? () => (truncatedNormal(random) * Math.sqrt(variance)) / TRUNCATED_STD
        : () => normal(random) * Math.sqrt(variance);
  return Float32Array.from({ length: size(shape) }, draw);
}

/** gain on the diagonal of a [rows, cols] matrix (Keras's Identity, rectangular allowed). */
function identity(shape: number[], gain: number): Float32Array {
  if (shape.length !== 2) throw new ValueError(`the identity initializer needs a 2-D weight; got shape [${shape.join(', ')}]`);
  const [rows, cols] = shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = gain;
  return out;
}

/**
 * A [rows, cols] matrix with orthonormal rows or columns (whichever are fewer), as Keras's Orthogonal: the QR of a
 * Gaussian matrix, with the sign fix that makes the result uniformly distributed (./orthonormalRows.ts).
 */
function orthogonal(shape: number[], random: Random, gain: number): Float32Array {
  const rows = shape[0]!;
  const cols = size(shape) / rows;
  const n = Math.min(rows, cols);
  const m = Math.max(rows, cols);
  // n Gaussian vectors of length m, one after another, then orthonormalized.
  const g = Float64Array.from({ length: n * m }, () => normal(random));
  const q = orthonormalRows(g, n, m);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows ≤ cols: orthonormal rows; else orthonormal columns
      out[r * cols + c] = gain * (rows <= cols ? q[r * m + c]! : q[c * m + r]!);
    }
  }
  return out;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function initialize(init: Initializer, shape: number[], modelRandom: Random): Float32Array {
  const random = init.seed === undefined ? modelRandom : seededRandom(init.seed);
  switch (init.kind) {
    case 'glorotUniform': {
      // Keras's default kernel initializer, written as it always was here so seeded models keep their weights.
      const { fanIn, fanOut } = fans(shape);
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return Float32Array.from({ length: size(shape) }, () => (random() * 2 - 1) * limit);
    }
    case 'varianceScaling':
      return varianceScaling(shape, random, init.scale, init.mode, init.distribution);
    case 'orthogonal':
      return orthogonal(shape, random, init.gain ?? 1);
    case 'zeros':
      return new Float32Array(size(shape));
    case 'ones':
      return new Float32Array(size(shape)).fill(1);
    case 'constant':
      return new Float32Array(size(shape)).fill(init.value);
    case 'identity':
      return identity(shape, init.gain);
    case 'randomUniform':
      return Float32Array.from({ length: size(shape) }, () => init.min + random() * (init.max - init.min));
    case 'randomNormal':
      return Float32Array.from({ length: size(shape) }, () => init.mean + normal(random) * init.stddev);
    case 'truncatedNormal':
      return Float32Array.from({ length: size(shape) }, () => init.mean + truncatedNormal(random) * init.stddev);
    case 'unitForgetBias': {
      // As Keras: base(u), ones(u), base(2u), each drawn at its own shape (a fan-based base sees fans of u and 2u).
      const u = init.units;
      const bias = new Float32Array(size(shape));
      if (init.base) {
        bias.set(initialize(init.base, [u], random), 0);
        bias.set(initialize(init.base, [2 * u], random), 2 * u);
      }
      bias.fill(1, u, 2 * u);
      return bias;
    }
    case 'reservoir':
      return reservoir(shape, random, init.connectivity, init.spectralRadius);
  }
}

function reservoir(shape: number[], random: Random, connectivity: number, target: number): Float32Array {
  const units = shape[0]!;
  const w = Float32Array.from({ length: size(shape) }, () => (random() < connectivity ? random() * 2 - 1 : 0));
  const radius = spectralRadius(w, units);
  // Too sparse to recur (no non-zero weight, or only ones that die out): no scale reaches the target.
  if (!(radius > 1e-6)) {
    throw new ValueError(
      `an echo-state reservoir of ${units} units with connectivity ${connectivity} came out with spectral radius ${radius}; raise connectivity or units`,
    );
  }
  return w.map((x) => (x * target) / radius);
}
