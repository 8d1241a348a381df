/**
 * The arguments of the functional echo-state API, shared by the GPU version (src/ops/echoState.ts) and its float64
 * twin (src/reference/echoState.ts), and the checks that turn bad ones into named errors. The reservoir is a
 * leaky tanh RNN: h_t = (1 − a) h_{t−1} + a · tanh(x_t·W_in + h_{t−1}·W + b); inputKernel [features, units],
 * reservoir [units, units], bias [units].
 */
import { ShapeError, ValueError } from '../errors';
import type { CellDims } from '../kernels/cell';
import { expectShape, toTensor, type Tensor, type TensorLike } from '../tensor';
import { checkFlag } from './lstmArgs';
import { SIMPLE_RNN_VARIANTS, type SimpleRnnVariant } from '../kernels/simpleRnnStep';
import { checkInitialH, checkMask, checkSingleStateGrads, checkVariant, type SingleStateGrads } from './recurrentArgs';

export interface EchoStateInputs<T> {
  x: T;
  inputKernel: T;
  reservoir: T;
  bias: T;
  /** [h0], [batch, units]; zeros when absent. */
  initialState?: readonly [T];
  /** Keras's timestep mask [batch, timesteps]: 0 where x_t is padding, whose step keeps the state as it was. */
  mask?: T;
}

export interface EchoStateOptions {
  /** a in (0, 1]: how much of the new tanh activation enters the state each step. Default 1 (no leak). */
  leakRate?: number;
  returnSequences?: boolean;
  goBackwards?: boolean;
  /** The forward kernel: 'step' or 'seq' (the SimpleRNN's). Same results; for tests and benchmarks. */
  variant?: SimpleRnnVariant;
}

export interface EchoStateOutputs<T> {
  output: T;
  /** The final state, [batch, units]. */
  h: T;
}

export type EchoStateGrads<T> = SingleStateGrads<T>;

export interface EchoStateGradients<T> extends EchoStateOutputs<T> {
  dX: T;
  dInputKernel: T;
  dReservoir: T;
  dBias: T;
  dh0: T;
}

export interface ResolvedEchoStateOptions {
  leakRate: number;
  returnSequences: boolean;
  goBackwards: boolean;
  variant?: SimpleRnnVariant;
}

/** A leak rate in (0, 1]. */
export function checkLeakRate(where: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1))
    throw new ValueError(`${where}leakRate must be a number in (0, 1]; got ${JSON.stringify(value)}`);
  return value;
}

export function resolveEchoStateOptions(options: EchoStateOptions = {}): ResolvedEchoStateOptions {
  return {
    leakRate: checkLeakRate('', options.leakRate ?? 1),
    returnSequences: checkFlag('returnSequences', options.returnSequences, false),
    goBackwards: checkFlag('goBackwards', options.goBackwards, false),
    ...(options.variant === undefined ? {} : { variant: checkVariant(options.variant, SIMPLE_RNN_VARIANTS) }),
  };
}

export function checkEchoStateInputs(inputs: EchoStateInputs<TensorLike>) {
  const expected = 'echoState expects { x, inputKernel, reservoir, bias }';
  if (typeof inputs !== 'object' || inputs === null) throw new ValueError(`${expected}; got ${inputs === null ? 'null' : typeof inputs}`);
  for (const key of ['x', 'inputKernel', 'reservoir', 'bias'] as const) if (inputs[key] === undefined) throw new ValueError(`${expected}; '${key}' is missing`);
  const x = toTensor(inputs.x, 'x');
  if (x.shape.length !== 3 || x.shape.some((d) => d < 1)) {
    throw new ShapeError(`echoState expects x [batch, timesteps, features] with every size ≥ 1; got [${x.shape.join(', ')}]`);
  }
  const [batch, timesteps, features] = x.shape as [number, number, number];
  const reservoir = toTensor(inputs.reservoir, 'reservoir');
  if (reservoir.shape.length !== 2 || reservoir.shape[0] !== reservoir.shape[1] || reservoir.shape[0]! < 1) {
    throw new ShapeError(`reservoir must be square, [units, units]; got [${reservoir.shape.join(', ')}]`);
  }
  const units = reservoir.shape[0]!;
  const inputKernel = toTensor(inputs.inputKernel, 'inputKernel');
  expectShape(inputKernel, [features, units], 'inputKernel', '[features, units]');
  const bias = toTensor(inputs.bias, 'bias');
  expectShape(bias, [units], 'bias', `[units] with units = ${units}`);
  const dims: CellDims = { batch, timesteps, features, units };
  return { dims, x, inputKernel, reservoir, bias, h0: checkInitialH(inputs.initialState, dims), mask: checkMask(inputs.mask, dims) as Tensor | null };
}

export function checkEchoStateGrads(grads: EchoStateGrads<TensorLike>, dims: CellDims, returnSequences: boolean) {
  return checkSingleStateGrads('echoState', grads, dims, returnSequences);
}
