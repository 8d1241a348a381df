/**
 * The arguments of the functional GRU API, shared by the GPU version (src/ops/gru.ts) and its float64 twin
 * (src/reference/gruStep.ts), and the checks that turn bad ones into named errors. Keras layout, gate order
 * z, r, h in every 3u-wide block: kernel [features, 3u], recurrentKernel [u, 3u], bias [2, 3u] with
 * resetAfter (row 0 input bias, row 1 recurrent bias) or [3u] without.
 */
import { CELL_ACTIVATIONS, GATE_ACTIVATIONS, checkActivation, type CellActivation, type GateActivation } from '../kernels/activations';
import { GRU_VARIANTS, type GruVariant } from '../kernels/gruStep';
import { expectShape, toTensor, type Tensor, type TensorLike } from '../tensor';
import { checkFlag } from './lstmArgs';
import { checkSequenceAndKernel, checkSingleStateGrads, checkSingleStateOptions, type SingleStateGrads, checkVariant } from './recurrentArgs';
import type { CellDims } from '../kernels/cell';

export interface GruInputs<T> {
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

export interface GruOptions {
  activation?: CellActivation;
  recurrentActivation?: GateActivation;
  returnSequences?: boolean;
  /** Keras go_backwards: process x from the last step to the first; sequence outputs come in processing order. */
  goBackwards?: boolean;
  /** Keras reset_after (default true, as Keras 2+, PyTorch and cuDNN): the reset gate scales h·U_h + b_rec. */
  resetAfter?: boolean;
  /**
   * Which kernel runs the recurrence: 'step' (shaders/gruStep.wgsl) or 'vec4' (shaders/gruStepVec4.wgsl). Same
   * results; the default is the one measured fastest (src/kernels/gruStep.ts). For tests and benchmarks.
   */
  variant?: GruVariant;
}

export interface GruOutputs<T> {
  /** [batch, timesteps, units] with returnSequences, else [batch, units]. */
  output: T;
  /** Final hidden state, [batch, units]. */
  h: T;
}

export type GruGrads<T> = SingleStateGrads<T>;

export interface GruGradients<T> extends GruOutputs<T> {
  dX: T;
  dKernel: T;
  dRecurrentKernel: T;
  /** Same shape as bias: [2, 3u] with resetAfter, else [3u]. */
  dBias: T;
  dh0: T;
}

export interface ResolvedGruOptions {
  activation: CellActivation;
  recurrentActivation: GateActivation;
  returnSequences: boolean;
  goBackwards: boolean;
  resetAfter: boolean;
  variant: GruVariant | undefined;
}

export interface CheckedGruInputs {
  dims: CellDims;
  x: Tensor;
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias: Tensor;
  h0: Tensor | null;
  mask: Tensor | null;
  recurrentDropoutMask: Tensor | null;
}

export function resolveGruOptions(options: GruOptions = {}): ResolvedGruOptions {
  return {
    activation: checkActivation('activation', options.activation ?? 'tanh', CELL_ACTIVATIONS),
    recurrentActivation: checkActivation('recurrentActivation', options.recurrentActivation ?? 'sigmoid', GATE_ACTIVATIONS),
    returnSequences: checkFlag('returnSequences', options.returnSequences, false),
    goBackwards: checkFlag('goBackwards', options.goBackwards, false),
    resetAfter: checkFlag('resetAfter', options.resetAfter, true),
    variant: checkVariant(options.variant, GRU_VARIANTS),
  };
}

export function checkGruInputs(inputs: GruInputs<TensorLike>, resetAfter: boolean): CheckedGruInputs {
  const keys = ['x', 'kernel', 'recurrentKernel', 'bias'] as const;
  const { x, kernel, dims } = checkSequenceAndKernel('gru', inputs as unknown as Record<string, unknown>, keys, 3, ', gates z, r, h');
  const { units } = dims;
  const recurrentKernel = toTensor(inputs.recurrentKernel, 'recurrentKernel');
  expectShape(recurrentKernel, [units, 3 * units], 'recurrentKernel', `[units, 3·units] with units = ${units} (from kernel)`);
  const bias = toTensor(inputs.bias, 'bias');
  if (resetAfter) {
    expectShape(
      bias,
      [2, 3 * units],
      'bias',
      `[2, 3·units] with resetAfter: true (row 0 input bias, row 1 recurrent bias; pass resetAfter: false for a [3·units] bias), units = ${units}`,
    );
  } else {
    expectShape(bias, [3 * units], 'bias', `[3·units] with resetAfter: false, units = ${units}`);
  }
  return {
    dims,
    x,
    kernel,
    recurrentKernel,
    bias,
    ...checkSingleStateOptions(inputs, dims),
  };
}

export function checkGruGrads(grads: GruGrads<TensorLike>, dims: CellDims, returnSequences: boolean) {
  return checkSingleStateGrads('gru', grads, dims, returnSequences);
}
