/**
 * Leaving out the padding every row of a batch shares. A timestep that all rows of a batch mask changes nothing
 * that is not itself masked, in a model whose first layer makes the mask (embedding maskZero, masking) and whose
 * layers up to the one that consumes it (a recurrent layer without returnSequences, average pooling) honour it:
 * recurrent layers carry their states over it, per-step layers' outputs there are masked downstream, and a masked
 * average leaves it out. So fit, evaluate and predict run such a batch on the window from its first real step to
 * its last, its length rounded up to a quarter of the declared timesteps (at most four programs per batch size).
 * Padded text batches of short sequences then cost what their real steps cost, whether padded before or after.
 */
import type { Layer } from '../layers/layer';
import { sampleSize, type Samples } from './data';

/** Whether a step of `width` values at `at` of a sample is real (the mask source layer's host twin). */
export type RealStepTest = (values: Float32Array, at: number, width: number) => boolean;

/** How many window lengths a batch size's programs come in: multiples of ⌈timesteps / WINDOW_LENGTHS⌉. */
export const WINDOW_LENGTHS = 4;

/** The steps of a batch that a program runs: [start, start + steps) of the declared timesteps. */
export interface TimeWindow {
  start: number;
  steps: number;
}

/**
 * The host test of a model whose batches can be cropped to their real steps, or null: its first layer makes the
 * mask, every layer that sees the mask skips masked steps soundly (Layer.skipsMaskedSteps), and the mask is
 * consumed before the output (a masked sequence output's loss counts its steps, so its length must stay).
 */
export function croppableMask(layers: readonly Layer[]): RealStepTest | null {
  const test = layers[0]?.realStepTest() ?? null;
  if (!test) return null;
  let masked = false;
  for (const layer of layers) {
    if (!layer.skipsMaskedSteps) return null;
    masked = layer.outputMasked(masked);
    if (!masked) return test;
  }
  return null;
}

/**
 * The window of the samples `indices` of x ([count, timesteps, width] or ids [count, timesteps]): from the first
 * step any of them holds to the last, rounded up to a multiple of ⌈timesteps / WINDOW_LENGTHS⌉ and kept inside
 * the declared steps. A batch of nothing but padding runs the shortest window (all masked).
 */
export function batchWindow(x: Samples, indices: ArrayLike<number>, timesteps: number, isReal: RealStepTest): TimeWindow {
  const size = sampleSize(x);
  const width = size / timesteps;
  let first = timesteps;
  let last = -1;
  for (let b = 0; b < indices.length; b++) {
    const base = indices[b]! * size;
    for (let t = 0; t < first; t++) {
      if (isReal(x.data, base + t * width, width)) {
        first = t;
        break;
      }
    }
    for (let t = timesteps - 1; t > last; t--) {
      if (isReal(x.data, base + t * width, width)) {
        last = t;
        break;
      }
    }
  }
  if (last < 0) [first, last] = [0, 0];
  const unit = Math.ceil(timesteps / WINDOW_LENGTHS);
  const steps = Math.min(timesteps, Math.ceil((last - first + 1) / unit) * unit);
  return { start: Math.min(first, timesteps - steps), steps };
}
