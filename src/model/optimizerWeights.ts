/**
 * Optimizer state ⇄ TF.js's optimizer weights (the `group: 'optimizer'` entries of a layers-model): first
 * `iter`, an int32 scalar (steps taken), then one list per slot kind, each with one tensor per model weight in
 * model order, named `<weight>/<slot>`, as tfjs-core's optimizers write and read them (positionally):
 *
 *   Adam      iter, …/m (first moment), …/v (second moment)               webrnn slots momentum, velocity
 *   SGD       iter                                                         (no slots)
 *   Momentum  iter, …/momentum: TF.js's accumulation a = μ·a + g           webrnn's Keras slot u = μ·u − lr·g, so a = −u / lr
 *   RMSProp   iter, …/rms, …/momentum (zeros without momentum), …/mg (centered)
 *
 * Adam's m and v mean the same in both; RMSprop's too (TF.js's centered variant puts ε on the other side of
 * the square root: an identical state, a slightly different next step).
 */
import { ModelFormatError } from '../errors';
import type { NamedWeight } from '../io/types';
import type { OptimizerSlot } from '../kernels/optimizers';
import type { OptimizerConfig } from '../optim/optimizers';
import type { Segment } from './arena';

/** One slot kind as TF.js names it, where webrnn keeps it, and the factor from webrnn's values to TF.js's. */
interface SlotKind {
  suffix: string;
  slot: OptimizerSlot | null;
  /** TF.js value = webrnn value · scale (null: zeros, webrnn keeps none). */
  scale: (lr: number) => number;
}

export function slotKinds(config: OptimizerConfig): SlotKind[] {
  const one = () => 1;
  switch (config.kind) {
    case 'adam':
      return [
        { suffix: 'm', slot: 'momentum', scale: one },
        { suffix: 'v', slot: 'velocity', scale: one },
      ];
    case 'sgd':
      // lr 0 never moves u off zero, so its accumulation is zero too.
      return config.momentum > 0 ? [{ suffix: 'momentum', slot: 'momentum', scale: (lr) => (lr > 0 ? -1 / lr : 0) }] : [];
    case 'rmsprop':
      return [
        { suffix: 'rms', slot: 'velocity', scale: one },
        { suffix: 'momentum', slot: config.momentum > 0 ? 'momentum' : null, scale: one },
        ...(config.centered ? [{ suffix: 'mg', slot: 'averageGradient' as const, scale: one }] : []),
      ];
  }
}

/** TF.js's optimizer class name and config (Keras snake_case keys, which TF.js's loader turns to its own). */
export function optimizerConfigJson(config: OptimizerConfig, learningRate: number): { class_name: string; config: Record<string, unknown> } {
  const clip = {
    ...(config.clipNorm !== undefined ? { clipnorm: config.clipNorm } : {}),
    ...(config.globalClipNorm !== undefined ? { global_clipnorm: config.globalClipNorm } : {}),
    ...(config.clipValue !== undefined ? { clipvalue: config.clipValue } : {}),
  };
  switch (config.kind) {
    case 'adam':
      return { class_name: 'Adam', config: { learning_rate: learningRate, beta1: config.beta1, beta2: config.beta2, epsilon: config.epsilon, ...clip } };
    case 'sgd':
      return config.momentum > 0
        ? { class_name: 'Momentum', config: { learning_rate: learningRate, momentum: config.momentum, use_nesterov: config.nesterov, ...clip } }
        : { class_name: 'SGD', config: { learning_rate: learningRate, ...clip } };
    case 'rmsprop':
      return {
        class_name: 'RMSProp',
        config: { learning_rate: learningRate, decay: config.rho, momentum: config.momentum, epsilon: config.epsilon, centered: config.centered, ...clip },
      };
  }
}

/** The optimizer weights to save: iter and every slot of every segment, converted to TF.js's meaning. */
export function optimizerWeightList(
  config: OptimizerConfig,
  segments: readonly Segment[],
  slots: Partial<Record<OptimizerSlot, Float32Array[]>>,
  iterations: number,
  learningRate: number,
): NamedWeight[] {
  const out: NamedWeight[] = [{ name: 'iter', tensor: { data: Float32Array.of(iterations), shape: [] }, group: 'optimizer', dtype: 'int32' }];
  for (const kind of slotKinds(config)) {
    const scale = kind.scale(learningRate);
    segments.forEach((seg, i) => {
      const values = kind.slot ? slots[kind.slot]![i]! : new Float32Array(seg.length);
      const data = scale === 1 ? Float32Array.from(values) : Float32Array.from(values, (v) => v * scale);
      out.push({ name: `${seg.path}/${kind.suffix}`, tensor: { data, shape: [...seg.spec.shape] }, group: 'optimizer' });
    });
  }
  return out;
}

/**
 * Reads saved optimizer weights back into per-segment slot values and the step count. The tensors are matched by
 * position, as TF.js does (its names carry variable-name suffixes that differ between sessions); each must have
 * its weight's shape.
 */
export function readOptimizerWeights(
  config: OptimizerConfig,
  segments: readonly Segment[],
  weights: readonly NamedWeight[],
  learningRate: number,
  file: string,
): { iterations: number; slots: Partial<Record<OptimizerSlot, Float32Array[]>> } {
  const kinds = slotKinds(config);
  const expected = 1 + kinds.length * segments.length;
  const names = kinds.map((k) => `…/${k.suffix}`).join(', ');
  if (weights.length !== expected) {
    throw new ModelFormatError(
      `${file}: optimizer state check failed: a ${config.kind} optimizer over ${segments.length} weights saves ${expected} tensors (iter${names ? `, ${names}` : ''}); ` +
        `the file has ${weights.length}. It was saved with another optimizer or model; load it with { compile: false } to skip the optimizer state.`,
    );
  }
  const iter = weights[0]!;
  const steps = iter.tensor.data[0];
  if (iter.tensor.data.length !== 1 || !Number.isInteger(steps) || steps! < 0 || !/(^|\/)iter(ations?)?(:0)?$/.test(iter.name)) {
    throw new ModelFormatError(
      `${file}: optimizer state check failed: the first optimizer weight must be the step count 'iter' (a whole number ≥ 0); got "${iter.name}" = ${steps}`,
    );
  }
  const slots: Partial<Record<OptimizerSlot, Float32Array[]>> = {};
  kinds.forEach((kind, k) => {
    const scale = kind.scale(learningRate);
    const values = segments.map((seg, i) => {
      const w = weights[1 + k * segments.length + i]!;
      const shape = w.tensor.shape;
      if (shape.length !== seg.spec.shape.length || shape.some((d, j) => d !== seg.spec.shape[j])) {
        throw new ModelFormatError(
          `${file}: optimizer state check failed: "${w.name}" is [${shape.join(', ')}] but ${seg.path}/${kind.suffix} must be [${seg.spec.shape.join(', ')}]`,
        );
      }
      // Back to webrnn's meaning: the inverse of the save scale (u = −lr·a for Momentum).
      return scale === 1 ? Float32Array.from(w.tensor.data) : Float32Array.from(w.tensor.data, (v) => (scale === 0 ? 0 : v / scale));
    });
    if (kind.slot) slots[kind.slot] = values;
  });
  return { iterations: steps!, slots };
}
