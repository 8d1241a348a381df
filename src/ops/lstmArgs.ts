/**
 * The arguments of the functional LSTM API, shared by the GPU version (src/ops/lstm.ts) and its float64 CPU
 * twin (src/reference/lstmStep.ts), plus the checks that turn bad arguments into errors naming expected vs
 * received. Shapes are Keras's: x [batch, timesteps, features], kernel [features, 4u], recurrentKernel
 * [u, 4u], bias [4u], gate order i, f, c, o; states [batch, units].
 */
import { ShapeError, ValueError } from '../errors';
import { CELL_ACTIVATIONS, GATE_ACTIVATIONS, checkActivation, type CellActivation, type GateActivation } from '../kernels/activations';
import { LSTM_VARIANTS, type LstmVariant } from '../kernels/lstmStep';
import { expectShape, toTensor, type Tensor, type TensorLike } from '../tensor';
import type { CellDims } from '../kernels/cell';
import { checkMask, checkVariant, checkRecurrentDropoutMask, checkTwoStateGrads, checkTwoStates } from './recurrentArgs';

export interface LstmInputs<T> {
  x: T;
  kernel: T;
  recurrentKernel: T;
  bias: T;
  /** [h0, c0], each [batch, units]; zeros when absent. */
  initialState?: readonly [T, T];
  /** Keras's timestep mask [batch, timesteps]: 0 where x_t is padding, whose step keeps the states as they were. */
  mask?: T;
  /**
   * Recurrent dropout's mask [batch, units] (Keras's rec_dp_mask, scaling included: 0 or 1/(1 − rate)): every
   * product with the recurrent kernel reads h_{t−1} ⊙ it, the same at every step. Absent: none.
   */
  recurrentDropoutMask?: T;
}

export interface LstmOptions {
  activation?: CellActivation;
  recurrentActivation?: GateActivation;
  /** Return the output of every step [batch, timesteps, units] instead of the last one [batch, units]. */
  returnSequences?: boolean;
  /** Keras go_backwards: process x from the last step to the first; sequence outputs come in processing order. */
  goBackwards?: boolean;
  /**
   * Which fused kernel runs the recurrence: 'step' (shaders/lstmStep.wgsl), 'vec4' (shaders/lstmStepVec4Forward.wgsl
   * and lstmStepVec4Backward.wgsl) or 'seq' (shaders/lstmSeq.wgsl). Same results; the default is the one measured
   * fastest on the adapter (defaultLstmVariant; bench/results/lstm-kernels.md). For tests and benchmarks.
   */
  variant?: LstmVariant;
}

export interface LstmOutputs<T> {
  /** [batch, timesteps, units] with returnSequences, else [batch, units]. */
  output: T;
  /** Final hidden and cell state, [batch, units]. */
  h: T;
  c: T;
}

export interface LstmGrads<T> {
  /** Gradient of the loss w.r.t. `output` (same shape). */
  dOutput: T;
  /** Gradients reaching the final states from outside the layer (zeros when absent). */
  dh?: T;
  dc?: T;
}

export interface LstmGradients<T> extends LstmOutputs<T> {
  dX: T;
  dKernel: T;
  dRecurrentKernel: T;
  dBias: T;
  dh0: T;
  dc0: T;
}

export interface ResolvedLstmOptions {
  activation: CellActivation;
  recurrentActivation: GateActivation;
  returnSequences: boolean;
  goBackwards: boolean;
  variant: LstmVariant | undefined;
}

export interface CheckedLstmInputs {
  dims: CellDims;
  x: Tensor;
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias: Tensor;
  h0: Tensor | null;
  c0: Tensor | null;
  mask: Tensor | null;
  recurrentDropoutMask: Tensor | null;
}

export function resolveLstmOptions(options: LstmOptions = {}): ResolvedLstmOptions {
  return {
    activation: checkActivation('activation', options.activation ?? 'tanh', CELL_ACTIVATIONS),
    recurrentActivation: checkActivation('recurrentActivation', options.recurrentActivation ?? 'sigmoid', GATE_ACTIVATIONS),
    returnSequences: checkFlag('returnSequences', options.returnSequences, false),
    goBackwards: checkFlag('goBackwards', options.goBackwards, false),
    variant: checkVariant(options.variant, LSTM_VARIANTS),
  };
}

/** A boolean option: its default when absent, else it must be a real boolean (no truthy strings). */
export function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${name} must be true or false; got ${JSON.stringify(value)}`);
  return value;
}

export function checkLstmInputs(inputs: LstmInputs<TensorLike>): CheckedLstmInputs {
  if (typeof inputs !== 'object' || inputs === null) {
    throw new ValueError(`lstm expects { x, kernel, recurrentKernel, bias }; got ${inputs === null ? 'null' : typeof inputs}`);
  }
  for (const key of ['x', 'kernel', 'recurrentKernel', 'bias'] as const) {
    if (inputs[key] === undefined) throw new ValueError(`lstm expects { x, kernel, recurrentKernel, bias }; '${key}' is missing`);
  }
  const x = toTensor(inputs.x, 'x');
  if (x.shape.length !== 3) {
    throw new ShapeError(`lstm expects input x of rank 3, [batch, timesteps, features]; got shape [${x.shape.join(', ')}]`);
  }
  const [batch, timesteps, features] = x.shape as [number, number, number];
  if (batch < 1 || timesteps < 1 || features < 1) {
    throw new ShapeError(`lstm expects x [batch, timesteps, features] with every size ≥ 1; got [${x.shape.join(', ')}]`);
  }
  const kernel = toTensor(inputs.kernel, 'kernel');
  if (kernel.shape.length !== 2 || kernel.shape[1]! % 4 !== 0 || kernel.shape[1] === 0) {
    throw new ShapeError(`kernel must be [features, 4·units] (Keras layout, gates i, f, c, o); got [${kernel.shape.join(', ')}]`);
  }
  const units = kernel.shape[1]! / 4;
  expectShape(kernel, [features, 4 * units], 'kernel', `[features, 4·units] for x with ${features} features`);
  const recurrentKernel = toTensor(inputs.recurrentKernel, 'recurrentKernel');
  expectShape(recurrentKernel, [units, 4 * units], 'recurrentKernel', `[units, 4·units] with units = ${units} (from kernel)`);
  const bias = toTensor(inputs.bias, 'bias');
  expectShape(bias, [4 * units], 'bias', `[4·units] with units = ${units}`);
  const dims = { batch, timesteps, features, units };
  return {
    dims,
    x,
    kernel,
    recurrentKernel,
    bias,
    ...checkTwoStates(inputs.initialState, dims),
    mask: checkMask(inputs.mask, dims),
    recurrentDropoutMask: checkRecurrentDropoutMask(inputs.recurrentDropoutMask, dims),
  };
}

export interface CheckedLstmGrads {
  dOutput: Tensor;
  dh: Tensor | null;
  dc: Tensor | null;
}

export function checkLstmGrads(grads: LstmGrads<TensorLike>, dims: CellDims, returnSequences: boolean): CheckedLstmGrads {
  return checkTwoStateGrads('lstm', grads, dims, returnSequences);
}
