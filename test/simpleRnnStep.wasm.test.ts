/**
 * The SimpleRNN forward pass on the CPU path (wasm/simpleRnnStep.ts through src/cpu/simpleRnn.ts) against the
 * float64 reference (src/reference/simpleRnnStep.ts), over the GPU kernels' pairwise table
 * (test/simpleRnnStep.gpu.test.ts) at their tolerances, plus the activations the table does not reach.
 */
import { describe, expect, it } from 'vitest';
import { WasmSimpleRnn, simpleRnnForwardWasm } from '../src/cpu/simpleRnn';
import type { CellActivation } from '../src/kernels/activations';
import { ShapeError } from '../src/errors';
import { echoStateForward } from '../src/reference/echoState';
import { simpleRnnForward } from '../src/reference/simpleRnnStep';
import { expectClose } from './support/compare';
import { rng } from './support/random';
import { stepMask } from './support/maskCases';
import { SIMPLE_RNN_TABLE, recurrentCaseData, type RecurrentCase } from './support/recurrentCases';
import { SEQUENCE, STEP } from './support/tolerances';

type Case = RecurrentCase & { activation: CellActivation; goBackwards: boolean };

const EXTRA: Case[] = [
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'sigmoid', goBackwards: true, initialState: true, returnSequences: true },
  { batch: 3, timesteps: 7, features: 5, units: 7, activation: 'linear', goBackwards: false, initialState: true, returnSequences: false },
];

const CASES: Case[] = [...SIMPLE_RNN_TABLE, ...EXTRA];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${c.activation}${c.goBackwards ? ' back' : ''}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}`;

describe('the SimpleRNN forward pass in WebAssembly against the float64 twin', () => {
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_label, c, index) => {
    const d = recurrentCaseData(c, 1, 1, 3000 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const inputs = {
      x: { data: d.x, shape: [B, T, F] },
      kernel: { data: d.kernel, shape: [F, U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, U] },
      bias: { data: d.bias, shape: [U] },
      ...(d.h0 ? { initialState: [{ data: d.h0, shape: [B, U] }] as [{ data: Float32Array; shape: number[] }] } : {}),
    };
    const options = { activation: c.activation, returnSequences: c.returnSequences, goBackwards: c.goBackwards };
    const tol = T === 1 ? STEP : SEQUENCE;
    const got = simpleRnnForwardWasm(inputs, options);
    const ref = simpleRnnForward(inputs, options);
    expect(got.output.length).toBe(ref.output.data.length);
    expectClose(got.output, ref.output.data, tol, 'output');
    expectClose(got.h, ref.h.data, tol, 'final h');
  });

  it.each([false, true])('under a timestep mask (padding after, before, inside, everywhere): goBackwards %s', (goBackwards) => {
    const [B, T, F, U] = [6, 9, 3, 5];
    const d = recurrentCaseData({ batch: B, timesteps: T, features: F, units: U, initialState: true, returnSequences: true }, 1, 1, 79);
    const inputs = {
      x: { data: d.x, shape: [B, T, F] },
      kernel: { data: d.kernel, shape: [F, U] },
      recurrentKernel: { data: d.recurrentKernel, shape: [U, U] },
      bias: { data: d.bias, shape: [U] },
      initialState: [{ data: d.h0!, shape: [B, U] }] as [{ data: Float32Array; shape: number[] }],
      mask: { data: stepMask(B, T, 7), shape: [B, T] },
    };
    const options = { goBackwards, returnSequences: true };
    expectClose(simpleRnnForwardWasm(inputs, options).output, simpleRnnForward(inputs, options).output.data, SEQUENCE, 'output');
  });

  it.each([
    ['a sparse reservoir (5 % non-zero): the sparse step', 0.05],
    ['a dense one: the index is dropped, the dense step', 0.9],
  ])('%s gives bit for bit what the dense step does, under a mask and with a leak', (_label, connectivity) => {
    const [B, T, F, U] = [3, 12, 2, 37]; // 37 units: a padded last block
    const d = recurrentCaseData({ batch: B, timesteps: T, features: F, units: U, initialState: true, returnSequences: true }, 1, 1, 91);
    const random = rng(5);
    const reservoir = Float32Array.from(d.recurrentKernel, (v) => (random() < connectivity ? v : 0));
    const weights = { kernel: { data: d.kernel, shape: [F, U] }, recurrentKernel: { data: reservoir, shape: [U, U] }, bias: { data: d.bias, shape: [U] } };
    const x = { data: d.x, shape: [B, T, F] };
    const h0: [{ data: Float32Array; shape: number[] }] = [{ data: d.h0!, shape: [B, U] }];
    const mask = { data: stepMask(B, T, 3), shape: [B, T] };
    const options = { activation: 'tanh' as const, returnSequences: true };
    const dense = new WasmSimpleRnn(weights, options, 0.6).forward(x, h0, mask);
    const sparseRnn = new WasmSimpleRnn(weights, options, 0.6, true);
    const sparse = sparseRnn.forward(x, h0, mask);
    // Which step ran: the index is kept only where it skips at least half of U's blocks.
    expect((sparseRnn as unknown as { index: unknown }).index === null).toBe(connectivity > 0.5);
    expect(sparse.output).toEqual(dense.output);
    expect(sparse.h).toEqual(dense.h);
    const leaky = echoStateForward(
      { x, inputKernel: weights.kernel, reservoir: weights.recurrentKernel, bias: weights.bias, initialState: h0, mask },
      { leakRate: 0.6, returnSequences: true },
    );
    expectClose(sparse.output, leaky.output.data, SEQUENCE, 'output against the float64 reservoir');
  });

  it('bad input: the GPU op’s typed errors', () => {
    const weights = { kernel: { data: new Float32Array(2), shape: [2, 1] }, recurrentKernel: { data: new Float32Array(1), shape: [1, 1] } };
    expect(() => new WasmSimpleRnn({ ...weights, bias: { data: new Float32Array(2), shape: [2] } })).toThrow(ShapeError);
    const rnn = new WasmSimpleRnn({ ...weights, bias: { data: new Float32Array(1), shape: [1] } });
    expect(() => rnn.forward({ data: new Float32Array(3), shape: [1, 3] })).toThrow(ShapeError);
  });
});
