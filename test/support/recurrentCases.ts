/**
 * The GRU and SimpleRNN test tables: every pair of values of any two dimensions (test/support/pairwise.ts), the
 * LSTM table's sizes plus the options these cells add, with seeded inputs. Weights are uniform in ±1/√units
 * (Glorot-like) so 60 relu steps stay in a range where float32 is meaningful.
 */
import type { CellActivation } from '../../src/kernels/activations';
import { LSTM_DIMENSIONS } from './lstmCases';
import { allPairs } from './pairwise';
import { rng, uniform } from './random';

const { batch, timesteps, features, units, initialState, returnSequences } = LSTM_DIMENSIONS;
const SHARED = { batch, timesteps, features, units, initialState, returnSequences };

export const GRU_TABLE = allPairs({
  ...SHARED,
  activation: ['tanh', 'relu'] as CellActivation[],
  resetAfter: [true, false],
  goBackwards: [false, true],
  /** Whether backward also receives a gradient for the final state dh_T. */
  stateGradients: [false, true],
});

export const SIMPLE_RNN_TABLE = allPairs({
  ...SHARED,
  activation: ['tanh', 'relu'] as CellActivation[],
  goBackwards: [false, true],
  stateGradients: [false, true],
});

/** The SRU's: its activation defaults to linear; cases where features = units (identity skip) are added by hand. */
export const SRU_TABLE = allPairs({
  ...SHARED,
  activation: ['linear', 'tanh'] as CellActivation[],
  goBackwards: [false, true],
  stateGradients: [false, true],
});

export interface RecurrentCase {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  initialState: boolean;
  returnSequences: boolean;
}

export interface RecurrentCaseData {
  x: Float32Array;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
  h0: Float32Array | null;
  dOutput: Float32Array;
  dh: Float32Array;
}

/** Inputs for a cell with `gates` weight blocks per unit (GRU 3, SimpleRNN 1) and `biasRows` bias rows. */
export function recurrentCaseData(c: RecurrentCase, gates: number, biasRows: number, seed: number): RecurrentCaseData {
  const random = rng(seed);
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: uniform(random, B * T * F, 1),
    kernel: uniform(random, F * gates * U, 1 / Math.sqrt(Math.max(U, F))),
    recurrentKernel: uniform(random, U * gates * U, 1 / Math.sqrt(U)),
    bias: uniform(random, biasRows * gates * U, 0.1),
    h0: c.initialState ? uniform(random, B * U, 0.5) : null,
    dOutput: uniform(random, c.returnSequences ? B * T * U : B * U, 1),
    dh: uniform(random, B * U, 1),
  };
}
