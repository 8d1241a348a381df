/**
 * Records one optimizer update over the whole parameter arena, and packs the small state buffer that holds
 * the step count and the hyperparameters (so they change between steps without re-recording). Math:
 * shaders/optimizers.wgsl; CPU twin: src/reference/optimizers.ts; configs: src/optim/optimizers.ts.
 */
import optimizersShader from '../../shaders/optimizers.wgsl';
import { ValueError } from '../errors';
import { defineKernel, grid1d, type BufferRef, type Kernel } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { UniformLayout } from '../gpu/kernel';
import { packUniforms } from '../gpu/uniforms';
import type { Runtime } from '../gpu/runtime';
import { resolveOptimizer, type OptimizerConfig } from '../optim/optimizers';
import { checkFinite, checkFits, checkIndex } from './bufferChecks';

const kernel = (entry: string) => defineKernel(optimizersShader, entry);
export const beginStepKernel = kernel('begin_step');
const updateKernels = {
  adam: kernel('adam'),
  sgd: kernel('sgd'),
  sgd_momentum: kernel('sgd_momentum'),
  rmsprop: kernel('rmsprop'),
  rmsprop_momentum: kernel('rmsprop_momentum'),
  rmsprop_centered: kernel('rmsprop_centered'),
  rmsprop_centered_momentum: kernel('rmsprop_centered_momentum'),
};
const WG = 64;

/** Per-parameter slot arenas, named as Keras names its optimizer variables. */
export type OptimizerSlot = 'momentum' | 'velocity' | 'averageGradient';
const SLOT_BINDINGS: Record<OptimizerSlot, string> = { momentum: 'momentum_slot', velocity: 'velocity_slot', averageGradient: 'average_slot' };

/**
 * The slot arenas a config needs (each as long as the params arena, zero-initialized): Adam m and v
 * ('momentum', 'velocity'); SGD 'momentum' when momentum > 0; RMSprop 'velocity', plus 'momentum' when
 * momentum > 0 and 'averageGradient' when centered. Whether a slot exists is fixed when the plan is recorded.
 */
export function optimizerSlotNames(config: OptimizerConfig): OptimizerSlot[] {
  switch (config.kind) {
    case 'adam':
      return ['momentum', 'velocity'];
    case 'sgd':
      return config.momentum > 0 ? ['momentum'] : [];
    case 'rmsprop':
      return ['velocity', ...(config.momentum > 0 ? ['momentum' as const] : []), ...(config.centered ? ['averageGradient' as const] : [])];
  }
}

function updateKernel(config: OptimizerConfig): Kernel {
  switch (config.kind) {
    case 'adam':
      return updateKernels.adam;
    case 'sgd':
      return config.momentum > 0 ? updateKernels.sgd_momentum : updateKernels.sgd;
    case 'rmsprop':
      return updateKernels[`rmsprop${config.centered ? '_centered' : ''}${config.momentum > 0 ? '_momentum' : ''}`];
  }
}

/** The state struct's fields (shaders/optimizers.wgsl OptimizerState), named as in the WGSL. */
export type OptimizerStateField = 'iterations' | 'learning_rate' | 'beta_1' | 'beta_2' | 'epsilon' | 'momentum' | 'rho' | 'step_size';

/** The OptimizerState layout, reflected from the WGSL when building (never counted by hand). Pure data, no GPU. */
export function optimizerStateLayout(): UniformLayout {
  const layout = optimizersShader.structs.OptimizerState;
  if (!layout) throw new ValueError('shaders/optimizers.wgsl has no OptimizerState storage struct');
  return { ...layout, name: 'state' };
}

/** Floats in the state buffer. */
export function optimizerStateLength(): number {
  return optimizerStateLayout().size / 4;
}

/** The float index of a state field (e.g. where the host writes a new learning rate). */
export function optimizerStateIndex(field: OptimizerStateField): number {
  const member = optimizerStateLayout().members.find((m) => m.name === field);
  if (!member) throw new ValueError(`OptimizerState has no field '${field}'`);
  return member.offset / 4;
}

/** The initial contents of the state buffer: the config's hyperparameters, `iterations` steps already taken. */
export function packOptimizerState(spec: OptimizerConfig, iterations = 0): Float32Array {
  checkIndex('optimizer state', 'iterations', iterations);
  const config = resolveOptimizer(spec); // validated again: these numbers go to the GPU as they are
  const values: Record<OptimizerStateField, number> = {
    iterations,
    learning_rate: config.learningRate,
    beta_1: config.kind === 'adam' ? config.beta1 : 0,
    beta_2: config.kind === 'adam' ? config.beta2 : 0,
    epsilon: config.kind === 'sgd' ? 0 : config.epsilon,
    momentum: config.kind === 'adam' ? 0 : config.momentum,
    rho: config.kind === 'rmsprop' ? config.rho : 0,
    step_size: 0,
  };
  return new Float32Array(packUniforms(optimizerStateLayout(), values, 'optimizer state'));
}

/** Reads a state buffer's contents back into named fields (iterations as an integer). */
export function unpackOptimizerState(data: Float32Array): Record<OptimizerStateField, number> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = {} as Record<OptimizerStateField, number>;
  for (const m of optimizerStateLayout().members) {
    out[m.name as OptimizerStateField] = m.type === 'u32' ? view.getUint32(m.offset, true) : view.getFloat32(m.offset, true);
  }
  return out;
}

/** Queues a new learning rate into the state buffer; the next replayed update uses it. */
export function writeLearningRate(rt: Runtime, state: BufferRef, learningRate: number): void {
  checkFinite('writeLearningRate', 'learningRate', learningRate, 0);
  const base = 'buffer' in state ? state.offset / 4 : 0;
  rt.write('buffer' in state ? state.buffer : state, new Float32Array([learningRate]), base + optimizerStateIndex('learning_rate'));
}

export interface OptimizerStepArgs {
  optimizer: OptimizerConfig;
  /** The parameter arena, updated in place. */
  params: BufferRef;
  /** The gradient arena (read); another GPUBuffer than params, state and the slots. */
  grads: BufferRef;
  /** Exactly the slots optimizerSlotNames(optimizer) lists, each at least `length` floats, zero at the start. */
  slots: Partial<Record<OptimizerSlot, BufferRef>>;
  /** optimizerStateLength() floats, initialized with packOptimizerState(optimizer). */
  state: BufferRef;
  /** Floats of the arena to update (all of it; zero-gradient padding stays unchanged). */
  length: number;
}

/** Records two dispatches: begin_step (iterations += 1, the step size) and the update over the arena. */
export function recordOptimizerStep(plan: Plan, a: OptimizerStepArgs): void {
  const label = `optimizer ${a.optimizer.kind}`;
  const length = checkIndex(label, 'length', a.length, 1);
  checkFits(label, 'params', a.params, length);
  checkFits(label, 'grads', a.grads, length);
  checkFits(label, 'state', a.state, optimizerStateLength());
  const needed = optimizerSlotNames(a.optimizer);
  const given = Object.keys(a.slots).filter((k) => a.slots[k as OptimizerSlot] !== undefined);
  if (given.length !== needed.length || !needed.every((n) => given.includes(n))) {
    throw new ValueError(`${label}: needs slots [${needed.join(', ')}] for this config; got [${given.join(', ')}]`);
  }
  const bindings: Record<string, BufferRef> = { state: a.state, w: a.params, g: a.grads };
  for (const name of needed) {
    checkFits(label, `slots.${name}`, a.slots[name]!, length);
    bindings[SLOT_BINDINGS[name]] = a.slots[name]!;
  }
  plan.dispatch({
    kernel: beginStepKernel,
    constants: { BIAS_CORRECTION: a.optimizer.kind === 'adam' ? 1 : 0 },
    bindings: { state: a.state },
    workgroups: [1],
  });
  // Only sgd_momentum reads NESTEROV; constants are given per entry point, only those it uses.
  const constants: Record<string, number> = { WG };
  if (a.optimizer.kind === 'sgd' && a.optimizer.momentum > 0) constants.NESTEROV = a.optimizer.nesterov ? 1 : 0;
  plan.dispatch({ kernel: updateKernel(a.optimizer), constants, bindings, uniforms: { length }, workgroups: grid1d(length, WG) });
}
