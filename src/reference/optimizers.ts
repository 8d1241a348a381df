/** Float64 twin of shaders/optimizers.wgsl: one Keras update step of Adam, SGD or RMSprop over an arena. */
import type { OptimizerSlot } from '../kernels/optimizers';
import type { OptimizerConfig } from '../optim/optimizers';

export interface OptimizerReferenceState {
  params: Float64Array;
  /** The slots optimizerSlotNames(config) lists, zeros before the first step. */
  slots: Partial<Record<OptimizerSlot, Float64Array>>;
  /** Steps taken so far (Keras optimizer.iterations). */
  iterations: number;
}

/** A fresh state: params copied, every slot the config needs zeroed, no steps taken. */
export function initialState(params: ArrayLike<number>, slotNames: readonly OptimizerSlot[], iterations = 0): OptimizerReferenceState {
  const slots: Partial<Record<OptimizerSlot, Float64Array>> = {};
  for (const name of slotNames) slots[name] = new Float64Array(params.length);
  return { params: Float64Array.from(params), slots, iterations };
}

/** Applies one update in place (`config.learningRate` is this step's rate) and returns the state. */
export function optimizerStep(config: OptimizerConfig, s: OptimizerReferenceState, grads: ArrayLike<number>): OptimizerReferenceState {
  s.iterations += 1;
  const lr = config.learningRate;
  const w = s.params;
  const m = s.slots.momentum;
  const v = s.slots.velocity;
  const a = s.slots.averageGradient;
  for (let i = 0; i < w.length; i++) {
    const g = grads[i]!;
    switch (config.kind) {
      case 'adam': {
        const t = s.iterations;
        const alpha = (lr * Math.sqrt(1 - config.beta2 ** t)) / (1 - config.beta1 ** t);
        m![i] = m![i]! + (g - m![i]!) * (1 - config.beta1);
        v![i] = v![i]! + (g * g - v![i]!) * (1 - config.beta2);
        w[i] = w[i]! - (m![i]! * alpha) / (Math.sqrt(v![i]!) + config.epsilon);
        break;
      }
      case 'sgd': {
        if (config.momentum > 0) {
          m![i] = m![i]! * config.momentum - g * lr;
          w[i] = w[i]! + (config.nesterov ? m![i]! * config.momentum - g * lr : m![i]!);
        } else {
          w[i] = w[i]! - g * lr;
        }
        break;
      }
      case 'rmsprop': {
        v![i] = config.rho * v![i]! + (1 - config.rho) * g * g;
        let denominator = v![i]! + config.epsilon;
        if (config.centered) {
          a![i] = config.rho * a![i]! + (1 - config.rho) * g;
          denominator = v![i]! - a![i]! * a![i]! + config.epsilon;
        }
        const increment = (lr * g) / Math.sqrt(denominator);
        if (config.momentum > 0) {
          m![i] = config.momentum * m![i]! + increment;
          w[i] = w[i]! - m![i]!;
        } else {
          w[i] = w[i]! - increment;
        }
        break;
      }
    }
  }
  return s;
}
