/**
 * What fit does at the end of each epoch, in one readback: the loss accumulators (train, and validation when
 * there is some) and every weight. The weights become the model's host copy of the last good epoch, which
 * survives a lost device (a new runtime can load them and continue); the accumulator's loss watch
 * (shaders/lossWatch.wgsl) says whether, and from which batch on, the loss stopped being finite.
 */
import { NonFiniteLossError } from '../errors';
import type { Runtime } from '../gpu/runtime';
import { firstNonFiniteBatch } from '../kernels/lossWatch';
import type { Tensor } from '../tensor';
import type { ParameterArena } from './arena';
import { accumulatorLength, watchSlot, type Compiled } from './training';

/** The weights after the last epoch that ended with a finite loss, in getWeights() order. */
export interface LastGoodWeights {
  /** 0-based, as callbacks count epochs: continue with fit(x, y, { initialEpoch: epoch + 1, epochs }). */
  epoch: number;
  weights: Tensor[];
}

export interface EpochReadback {
  train: Float32Array;
  val: Float32Array | null;
  weights: Tensor[];
}

export async function readEpochEnd(
  rt: Runtime,
  arena: ParameterArena,
  accumulators: { train: GPUBuffer; evaluate: GPUBuffer },
  compiled: Compiled,
  withValidation: boolean,
): Promise<EpochReadback> {
  const length = accumulatorLength(compiled);
  const parts = await rt.readMany([
    { ref: accumulators.train, length },
    ...(withValidation ? [{ ref: accumulators.evaluate, length }] : []),
    ...arena.segments.map((s) => ({ ref: arena.params, offsetFloats: s.offset, length: s.length })),
  ]);
  const first = withValidation ? 2 : 1;
  return {
    train: parts[0]!,
    val: withValidation ? parts[1]! : null,
    weights: arena.segments.map((seg, i) => ({ data: parts[first + i]!, shape: [...seg.spec.shape] })),
  };
}

/** The error that stops fit when the watch saw a non-finite loss in this epoch's accumulator, else null. */
export function nonFiniteLoss(
  train: Float32Array,
  compiled: Compiled,
  at: { epoch: number; epochs: number; steps: number },
  lastGood: LastGoodWeights | null,
): NonFiniteLossError | null {
  const batch = firstNonFiniteBatch(train, watchSlot(compiled));
  if (batch === null) return null;
  const restore = lastGood
    ? `model.getLastGoodWeights() holds the weights after epoch ${lastGood.epoch}, the last with a finite loss; restore them with model.setWeights(model.getLastGoodWeights().weights)`
    : 'no epoch has ended with a finite loss yet, so there are no good weights to restore; re-initialize the model';
  return new NonFiniteLossError(
    at.epoch,
    batch,
    `the training loss became NaN or Infinity in epoch ${at.epoch} (Epoch ${at.epoch + 1}/${at.epochs}), batch ${batch} of ${at.steps} ` +
      `(0-based, as callbacks count; the epoch's loss sum is ${train[0]}). fit stopped: the weights on the GPU are probably not finite ` +
      `any more. ${restore}, then lower the learning rate, scale the data, or set globalClipNorm in compile. ` +
      'fit(..., { stopOnNonFinite: false }) trains on regardless.',
  );
}
