/**
 * Host-side data handling for fit/predict/evaluate: converting x and y, checking them against the model's
 * shapes (named errors with expected vs received and the first bad index), splitting off validation data the
 * way Keras does (the LAST fraction, never a random pick from a time series), seeded shuffling, and gathering
 * a batch into the layout the kernels read (time-major for sequences).
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import { checkFinite, toTensor, type Tensor, type TensorLike } from '../tensor';

export interface Samples {
  data: Float32Array;
  /** Number of samples (the leading axis). */
  count: number;
  /** Shape of one sample. */
  sampleShape: number[];
}

export function samplesOf(value: TensorLike, name: string, expected: number[] | null, what: string): Samples {
  const t: Tensor = toTensor(value, name);
  if (t.shape.length < 1) throw new ShapeError(`${name} must have a leading batch axis; got a scalar`);
  const count = t.shape[0]!;
  if (count === 0) throw new ValueError(`${name} is empty (shape ${formatShape(t.shape)}); fit, predict and evaluate need at least one sample`);
  const sampleShape = t.shape.slice(1);
  if (expected && (sampleShape.length !== expected.length || sampleShape.some((d, i) => d !== expected[i]))) {
    throw new ShapeError(`${name} must be ${what} = ${formatShape(['*', ...expected])}; got ${formatShape(t.shape)}`);
  }
  checkFinite(t, name);
  return { data: t.data, count, sampleShape };
}

export function sampleSize(s: Samples): number {
  return s.sampleShape.reduce((a, b) => a * b, 1);
}

export function subset(s: Samples, start: number, end: number): Samples {
  const size = sampleSize(s);
  return { data: s.data.subarray(start * size, end * size), count: end - start, sampleShape: s.sampleShape };
}

/** Keras's validationSplit: the last `fraction` of the samples, before any shuffling. */
export function splitValidation(x: Samples, y: Samples, fraction: number): { train: [Samples, Samples]; val: [Samples, Samples] | null } {
  if (fraction === 0) return { train: [x, y], val: null };
  const split = Math.floor(x.count * (1 - fraction));
  if (split < 1 || split >= x.count) {
    throw new ValueError(
      `validationSplit ${fraction} leaves ${split} training and ${x.count - split} validation samples of ${x.count}; both need at least one`,
    );
  }
  return { train: [subset(x, 0, split), subset(y, 0, split)], val: [subset(x, split, x.count), subset(y, split, y.count)] };
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * Copies samples `indices` into one batch. With `timesteps` set, each sample is [timesteps, rest] and the
 * batch comes out time-major, [timesteps, batch, rest], as the recurrent kernels read it; with `window` too, only
 * its steps (src/model/timeWindow.ts).
 */
export function gatherBatch(
  s: Samples,
  indices: ArrayLike<number>,
  timesteps: number | null,
  window: { start: number; steps: number } | null = null,
): Float32Array {
  const size = sampleSize(s);
  const batch = indices.length;
  if (timesteps === null) {
    const out = new Float32Array(batch * size);
    for (let b = 0; b < batch; b++) out.set(s.data.subarray(indices[b]! * size, (indices[b]! + 1) * size), b * size);
    return out;
  }
  const rest = size / timesteps;
  const { start, steps } = window ?? { start: 0, steps: timesteps };
  const out = new Float32Array(batch * steps * rest);
  for (let b = 0; b < batch; b++) {
    const base = indices[b]! * size + start * rest;
    for (let t = 0; t < steps; t++) {
      out.set(s.data.subarray(base + t * rest, base + (t + 1) * rest), (t * batch + b) * rest);
    }
  }
  return out;
}

/** The inverse of gatherBatch for model outputs: time-major [timesteps, batch, rest] → batch-major. */
export function scatterBatch(data: Float32Array, batch: number, timesteps: number | null, into: Float32Array, firstSample: number): void {
  const size = data.length / batch;
  if (timesteps === null) {
    into.set(data, firstSample * size);
    return;
  }
  const rest = size / timesteps;
  for (let t = 0; t < timesteps; t++) {
    for (let b = 0; b < batch; b++) {
      into.set(data.subarray((t * batch + b) * rest, (t * batch + b + 1) * rest), (firstSample + b) * size + t * rest);
    }
  }
}

/** The batch sizes a pass over `count` samples runs: full batches, then the remainder. */
export function batchSizesOf(count: number, batchSize: number): number[] {
  const sizes = count >= batchSize ? [batchSize] : [];
  if (count % batchSize !== 0) sizes.push(count % batchSize);
  return sizes;
}

export function checkBatchSize(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`batchSize must be a positive integer; got ${show(value)}`);
  }
  return value;
}

/** A received value for a message: JSON, except numbers, which JSON.stringify would turn into null when NaN or ±Infinity. */
export function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
