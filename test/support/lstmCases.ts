/**
 * The LSTM test table of the core issue: every pair of values of any two dimensions, with seeded inputs.
 * Weights are uniform in ±1/√units (Glorot-like) so 60 relu steps stay in a range where float32 is meaningful.
 */
import type { CellActivation } from '../../src/kernels/activations';
import { allPairs } from './pairwise';
import { rng, uniform } from './random';

export const LSTM_DIMENSIONS = {
  batch: [1, 3, 32],
  timesteps: [1, 7, 60],
  features: [1, 5, 33],
  units: [1, 7, 50, 64, 130],
  activation: ['tanh', 'relu'] as CellActivation[],
  initialState: [false, true],
  returnSequences: [false, true],
  /** Whether backward also receives gradients for the final states (dh_T, dc_T). */
  stateGradients: [false, true],
} as const;

export const LSTM_TABLE = allPairs(LSTM_DIMENSIONS);

export interface LstmCaseData {
  x: Float32Array;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
  h0: Float32Array | null;
  c0: Float32Array | null;
  dOutput: Float32Array;
  dh: Float32Array;
  dc: Float32Array;
}

export function lstmCaseData(
  c: { batch: number; timesteps: number; features: number; units: number; initialState: boolean; returnSequences: boolean },
  seed: number,
): LstmCaseData {
  const random = rng(seed);
  const { batch: B, timesteps: T, features: F, units: U } = c;
  const scale = 1 / Math.sqrt(Math.max(U, F));
  return {
    x: uniform(random, B * T * F, 1),
    kernel: uniform(random, F * 4 * U, scale),
    recurrentKernel: uniform(random, U * 4 * U, 1 / Math.sqrt(U)),
    bias: uniform(random, 4 * U, 0.1),
    h0: c.initialState ? uniform(random, B * U, 0.5) : null,
    c0: c.initialState ? uniform(random, B * U, 0.5) : null,
    dOutput: uniform(random, c.returnSequences ? B * T * U : B * U, 1),
    dh: uniform(random, B * U, 1),
    dc: uniform(random, B * U, 1),
  };
}
