/**
 * The arguments of the functional SimpleRNN API, shared by the GPU version (src/ops/simpleRnn.ts) and its
 * float64 twin (src/reference/simpleRnnStep.ts), and the checks that turn bad ones into named errors. Keras
 * layout: kernel [features, units], recurrentKernel [units, units], bias [units].
 */
import { CELL_ACTIVATIONS, checkActivation, type CellActivation } from '../kernels/activations';
import { SIMPLE_RNN_VARIANTS, type SimpleRnnVariant } from '../kernels/simpleRnnStep';
import { expectShape, toTensor, type Tensor, type TensorLike } from '../tensor';
import { checkFlag } from './lstmArgs';
import { checkSequenceAndKernel, checkSingleStateGrads, checkSingleStateOptions, type SingleStateGrads, checkVariant } from './recurrentArgs';
import type { CellDims } from '../kernels/cell';

export interface SimpleRnnInputs<T> {
  x: T;
  kernel: T;
  recurrentKernel: T;
  bias: T;
  /** [h0], [batch, units]; zeros when absent. */
  initialState?: readonly [T];
  /** Keras's timestep mask [batch, timesteps]: 0 where x_t is padding, whose step keeps the state as it was. */
  mask?: T;
  /**
   * Recurrent dropout's mask [batch, units] (Keras's rec_dp_mask, scaling included: 0 or 1/(1 − rate)): every
   * product with the recurrent kernel reads h_{t−1} ⊙ it, the same at every step. Absent: none.
   */
  recurrentDropoutMask?: T;
}

export interface SimpleRnnOptions {
  /** tanh (Keras's default) or relu; sigmoid and linear are accepted too. */
  activation?: CellActivation;
  returnSequences?: boolean;
  /** Keras go_backwards: process x from the last step to the first; sequence outputs come in processing order. */
  goBackwards?: boolean;
  /**
   * The forward kernel: 'step', 'seq' (shaders/simpleRnnSeq.wgsl), or either over the recurrent kernel's non-zeros
   * ('sparseStep', 'sparse'). Same results; for tests and benchmarks.
   */
  variant?: SimpleRnnVariant;
}

export interface SimpleRnnOutputs<T> {
  /** [batch, timesteps, units] with returnSequences, else [batch, units]. */
  output: T;
  /** Final hidden state, [batch, units]. */
  h: T;
}

export type SimpleRnnGrads<T> = SingleStateGrads<T>;

export interface SimpleRnnGradients<T> extends SimpleRnnOutputs<T> {
  dX: T;
  dKernel: T;
  dRecurrentKernel: T;
  dBias: T;
  dh0: T;
}

export interface ResolvedSimpleRnnOptions {
  activation: CellActivation;
  returnSequences: boolean;
  goBackwards: boolean;
  variant?: SimpleRnnVariant;
}

export interface CheckedSimpleRnnInputs {
  dims: CellDims;
  x: Tensor;
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias: Tensor;
  h0: Tensor | null;
  mask: Tensor | null;
  recurrentDropoutMask: Tensor | null;
}

export function resolveSimpleRnnOptions(options: SimpleRnnOptions = {}): ResolvedSimpleRnnOptions {
  return {
    activation: checkActivation('activation', options.activation ?? 'tanh', CELL_ACTIVATIONS),
    returnSequences: checkFlag('returnSequences', options.returnSequences, false),
    goBackwards: checkFlag('goBackwards', options.goBackwards, false),
    ...(options.variant === undefined ? {} : { variant: checkVariant(options.variant, SIMPLE_RNN_VARIANTS) }),
  };
}

export function checkSimpleRnnInputs(inputs: SimpleRnnInputs<TensorLike>): CheckedSimpleRnnInputs {
  const keys = ['x', 'kernel', 'recurrentKernel', 'bias'] as const;
  const { x, kernel, dims } = checkSequenceAndKernel('simpleRnn', inputs as unknown as Record<string, unknown>, keys, 1, '');
  const { units } = dims;
  const recurrentKernel = toTensor(inputs.recurrentKernel, 'recurrentKernel');
  expectShape(recurrentKernel, [units, units], 'recurrentKernel', `[units, units] with units = ${units} (from kernel)`);
  const bias = toTensor(inputs.bias, 'bias');
  expectShape(bias, [units], 'bias', `[units] with units = ${units}`);
  return {
    dims,
    x,
    kernel,
    recurrentKernel,
    bias,
    ...checkSingleStateOptions(inputs, dims),
  };
}

export function checkSimpleRnnGrads(grads: SimpleRnnGrads<TensorLike>, dims: CellDims, returnSequences: boolean) {
  return checkSingleStateGrads('simpleRnn', grads, dims, returnSequences);
}
