/**
 * The update step of training on the wasm backend, on the host, over the model's flat parameter and gradient
 * arenas: L1/L2 penalties, Keras's three clipping modes and one Adam, SGD or RMSprop step, as shaders/regularizers.wgsl,
 * shaders/clipping.wgsl and shaders/optimizers.wgsl run them on the GPU (their headers write the math out). One
 * pass over the parameters each, a few operations per value: memory-bound loops, no kernel needed. The slots and
 * the step counter are Keras's (optimizer.iterations), so a saved optimizer state means the same on both backends.
 */
import type { ClipSpec } from '../kernels/clipping';
import { optimizerSlotNames, type OptimizerSlot } from '../kernels/optimizers';
import type { RegularizedSegment } from '../kernels/regularizers';
import type { OptimizerConfig } from '../optim/optimizers';

/** grads += l1·sign(w) + 2·l2·w over each regularized segment; returns Σ (l1·|w| + l2·w²), the penalty. */
export function addPenalties(params: Float32Array, grads: Float32Array, segments: readonly RegularizedSegment[]): number {
  let penalty = 0;
  for (const s of segments) {
    for (let i = s.offset; i < s.offset + s.length; i++) {
      const w = params[i]!;
      grads[i]! += s.l1 * Math.sign(w) + 2 * s.l2 * w;
      penalty += s.l1 * Math.abs(w) + s.l2 * w * w;
    }
  }
  return penalty;
}

/** Keras's clipping of the gradient arena in place: clipvalue, clipnorm (per weight tensor) or global_clipnorm. */
export function clipGradients(grads: Float32Array, spec: ClipSpec, segments: readonly { offset: number; length: number }[]): void {
  const scale = (from: number, to: number, limit: number, global: boolean) => {
    let squares = 0;
    for (let i = from; i < to; i++) squares += grads[i]! ** 2;
    const norm = Math.sqrt(squares);
    // tf.clip_by_norm: limit / max(‖g‖, limit); tf.clip_by_global_norm: NaN everywhere when the norm is not finite.
    const factor = global && !Number.isFinite(norm) ? Number.NaN : limit / Math.max(norm, limit);
    for (let i = from; i < to; i++) grads[i]! *= factor;
  };
  if (spec.mode === 'value') for (let i = 0; i < grads.length; i++) grads[i] = Math.min(spec.clipValue, Math.max(-spec.clipValue, grads[i]!));
  else if (spec.mode === 'norm') for (const s of segments) scale(s.offset, s.offset + s.length, spec.clipNorm, false);
  else scale(0, grads.length, spec.globalClipNorm, true);
}

/** One optimizer step over every parameter; `slots` hold the ones optimizerSlotNames lists, `t` is this step (1-based). */
export function optimizerStep(
  config: OptimizerConfig,
  params: Float32Array,
  grads: Float32Array,
  slots: Partial<Record<OptimizerSlot, Float32Array>>,
  t: number,
): void {
  const lr = config.learningRate;
  const [m, v, a] = [slots.momentum, slots.velocity, slots.averageGradient];
  if (config.kind === 'adam') {
    const alpha = (lr * Math.sqrt(1 - config.beta2 ** t)) / (1 - config.beta1 ** t);
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]!;
      m![i]! += (g - m![i]!) * (1 - config.beta1);
      v![i]! += (g * g - v![i]!) * (1 - config.beta2);
      params[i]! -= (m![i]! * alpha) / (Math.sqrt(v![i]!) + config.epsilon);
    }
  } else if (config.kind === 'sgd') {
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]!;
      if (config.momentum === 0) params[i]! -= g * lr;
      else {
        m![i] = m![i]! * config.momentum - g * lr;
        params[i]! += config.nesterov ? m![i]! * config.momentum - g * lr : m![i]!;
      }
    }
  } else {
    const rho = config.rho;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]!;
      v![i] = rho * v![i]! + (1 - rho) * g * g;
      let denominator = v![i]! + config.epsilon;
      if (config.centered) {
        a![i] = rho * a![i]! + (1 - rho) * g;
        denominator = v![i]! - a![i]! * a![i]! + config.epsilon;
      }
      const step = (lr * g) / Math.sqrt(denominator);
      if (config.momentum === 0) params[i]! -= step;
      else {
        m![i] = config.momentum * m![i]! + step;
        params[i]! -= m![i]!;
      }
    }
  }
}

/**
 * A wasm runtime's optimizer state: the slots over the whole parameter arena and the step count, made at compile
 * (as the GPU path's OptimizerState buffers), kept across fit calls, and read and written by save and load.
 */
export class HostOptimizer {
  readonly slots: Partial<Record<OptimizerSlot, Float32Array>> = {};
  /** Steps taken (Keras's optimizer.iterations). */
  iterations = 0;

  constructor(config: OptimizerConfig, total: number) {
    for (const slot of optimizerSlotNames(config)) this.slots[slot] = new Float32Array(total);
  }
}
