/**
 * Float64 twin of shaders/dropout.wgsl: the same integer hash, so the same (seed, step, key) keeps the same
 * elements as the GPU, bit for bit; then the scale 1/(1 − rate) or 0 and its use forward and backward.
 */
import { dropoutThreshold, type DropoutConfig, type DropoutDims } from '../kernels/dropout';

function mix32(v: number): number {
  let h = v >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function dropoutDraw(seed: number, step: number, key: number): number {
  return mix32((mix32((mix32(key) ^ seed) >>> 0) ^ Math.imul(step, 0x9e3779b9)) >>> 0);
}

/** The per-element scale of one training forward pass at counter value `step`. */
export function dropoutScale(dims: DropoutDims, config: DropoutConfig, step: number): Float64Array {
  const { rows, cols, batch } = dims;
  const threshold = dropoutThreshold(config.rate);
  const keep = 1 / (1 - config.rate);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) {
    const row = Math.floor(i / cols);
    const t = config.noise.timesteps ? Math.floor(row / batch) : 0;
    const b = config.noise.batch ? row % batch : 0;
    const c = config.noise.features ? i % cols : 0;
    const key = ((t * batch + b) * cols + c) >>> 0;
    out[i] = dropoutDraw(config.seed >>> 0, step, key) >= threshold ? keep : 0;
  }
  return out;
}

/** y = x · scale. */
export function dropoutForward(x: ArrayLike<number>, scale: ArrayLike<number>): Float64Array {
  return Float64Array.from(scale, (s, i) => x[i]! * s);
}

/** dx = dy · scale. */
export function dropoutBackward(dy: ArrayLike<number>, scale: ArrayLike<number>): Float64Array {
  return Float64Array.from(scale, (s, i) => dy[i]! * s);
}
