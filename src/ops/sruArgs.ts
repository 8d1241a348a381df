/**
 * The arguments of the functional SRU API, shared by the GPU version (src/ops/sru.ts) and its float64 twin
 * (src/reference/sruSeq.ts), and the checks that turn bad ones into named errors. Layout (shaders/sruSeq.wgsl):
 * kernel [features, 3·units] (blocks W, W_f, W_r) when features = units, else [features, 4·units] with W_h fourth;
 * recurrentWeights [2, units] (v_f; v_r); bias [2, units] (b_f; b_r). The SRU carries two states, [h, c]: c is
 * its recurrence, h its last output (which a masked step repeats).
 */
import { ShapeError } from '../errors';
import { SRU_VARIANTS, type SruVariant } from '../kernels/sruSeq';
import { CELL_ACTIVATIONS, checkActivation, type CellActivation } from '../kernels/activations';
import type { CellDims } from '../kernels/cell';
import { expectShape, toTensor, type Tensor, type TensorLike } from '../tensor';
import { checkFlag } from './lstmArgs';
import {
  checkMask,
  checkVariant,
  checkRecurrentDropoutMask,
  checkSequenceAndKernel,
  checkTwoStateGrads,
  checkTwoStates,
  type TwoStateGrads,
} from './recurrentArgs';

export interface SruInputs<T> {
  x: T;
  kernel: T;
  recurrentWeights: T;
  bias: T;
  /** [h0, c0], each [batch, units]; zeros when absent. h0 is only ever output by masked leading steps. */
  initialState?: readonly [T, T];
  /** Keras's timestep mask [batch, timesteps]: 0 where x_t is padding, whose step keeps the states as they were. */
  mask?: T;
  /** Recurrent dropout's keep [batch, units] (0 or 1/(1 − rate)) on c_{t−1} where it enters the gates. */
  recurrentDropoutMask?: T;
}

export interface SruOptions {
  /** g in h_t = r ⊙ g(c_t) + (1 − r) ⊙ x̂_t: 'linear' (default, the 2018 paper) or 'tanh' (the 2017 preprint); relu, sigmoid too. */
  activation?: CellActivation;
  returnSequences?: boolean;
  /** Process x from the last step to the first; sequence outputs come in processing order, as Keras's. */
  goBackwards?: boolean;
  /** Which kernels run it: 'seq' (GEMM, then the recurrence) or, for one input feature, 'single'. Same results; for tests and benchmarks. */
  variant?: SruVariant;
}

export interface SruOutputs<T> {
  /** [batch, timesteps, units] with returnSequences, else [batch, units]. */
  output: T;
  /** The final output and cell state, [batch, units] each. */
  h: T;
  c: T;
}

export type SruGrads<T> = TwoStateGrads<T>;

export interface SruGradients<T> extends SruOutputs<T> {
  dX: T;
  dKernel: T;
  dRecurrentWeights: T;
  dBias: T;
  dh0: T;
  dc0: T;
}

export interface ResolvedSruOptions {
  activation: CellActivation;
  returnSequences: boolean;
  goBackwards: boolean;
  variant?: SruVariant;
}

export interface CheckedSruInputs {
  dims: CellDims;
  x: Tensor;
  kernel: Tensor;
  recurrentWeights: Tensor;
  bias: Tensor;
  h0: Tensor | null;
  c0: Tensor | null;
  mask: Tensor | null;
  recurrentDropoutMask: Tensor | null;
}

export function resolveSruOptions(options: SruOptions = {}): ResolvedSruOptions {
  return {
    activation: checkActivation('activation', options.activation ?? 'linear', CELL_ACTIVATIONS),
    returnSequences: checkFlag('returnSequences', options.returnSequences, false),
    goBackwards: checkFlag('goBackwards', options.goBackwards, false),
    ...(options.variant === undefined ? {} : { variant: checkVariant(options.variant, SRU_VARIANTS) }),
  };
}

export function checkSruInputs(inputs: SruInputs<TensorLike>): CheckedSruInputs {
  const keys = ['x', 'kernel', 'recurrentWeights', 'bias'] as const;
  // The kernel's width alone cannot tell 3 blocks of u from 4 of 3u/4; recurrentWeights [2, u] names u.
  const { x, kernel, dims: wide } = checkSequenceAndKernel('sru', inputs as unknown as Record<string, unknown>, keys, 1, '');
  const recurrentWeights = toTensor(inputs.recurrentWeights, 'recurrentWeights');
  if (recurrentWeights.shape.length !== 2 || recurrentWeights.shape[0] !== 2 || recurrentWeights.shape[1]! < 1) {
    throw new ShapeError(`recurrentWeights must be [2, units] (v_f; v_r); got [${recurrentWeights.shape.join(', ')}]`);
  }
  const units = recurrentWeights.shape[1]!;
  const { features } = wide;
  const blocks = features === units ? 3 : 4;
  const why = blocks === 3 ? 'features = units: blocks W, W_f, W_r' : `features ${features} ≠ units ${units}: blocks W, W_f, W_r, W_h`;
  expectShape(kernel, [features, blocks * units], 'kernel', `[features, ${blocks}·units] (${why})`);
  const bias = toTensor(inputs.bias, 'bias');
  expectShape(bias, [2, units], 'bias', `[2, units] (b_f; b_r) with units = ${units}`);
  const dims = { ...wide, units };
  return {
    dims,
    x,
    kernel,
    recurrentWeights,
    bias,
    ...checkTwoStates(inputs.initialState, dims),
    mask: checkMask(inputs.mask, dims),
    recurrentDropoutMask: checkRecurrentDropoutMask(inputs.recurrentDropoutMask, dims),
  };
}

export function checkSruGrads(grads: SruGrads<TensorLike>, dims: CellDims, returnSequences: boolean) {
  return checkTwoStateGrads('sru', grads, dims, returnSequences);
}
