/**
 * Float64 twin of shaders/recurrentDropout.wgsl: the keep mask over h_{t−1} that one training batch draws (the
 * same integer hash as the GPU, so the same bits), in the [batch, units] layout the cells' twins take as
 * `recurrentDropoutMask`.
 */
import { dropoutThreshold } from '../kernels/dropout';
import { dropoutDraw } from './dropout';

/** keep[b, j] = 1/(1 − rate) where draw(seed, step, b·units + j) ≥ ⌊rate·2³²⌋, else 0. */
export function recurrentKeep(dims: { batch: number; units: number }, rate: number, seed: number, step: number): Float64Array {
  const threshold = dropoutThreshold(rate);
  const scale = 1 / (1 - rate);
  return Float64Array.from({ length: dims.batch * dims.units }, (_, i) => (dropoutDraw(seed >>> 0, step, i) >= threshold ? scale : 0));
}
