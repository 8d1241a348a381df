/**
 * Global pooling over time and RepeatVector on WebGPU against their float64 twins, forward and backward, with
 * ties in max pooling (relu zeros) and an input offset. Whole models with these layers and TimeDistributed
 * against TF.js: test/interop.gpu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { poolBackward, poolForward } from '../src/reference/globalPooling1d';
import { repeatBackward, repeatForward } from '../src/reference/repeatVector';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const TIGHT = { atol: 1e-6, rtol: 1e-6 };
const enc = (a: Float32Array) => ({ data: encodeFloats(a), shape: [a.length] });

describe.skipIf(skipGpu)('sequence layers on WebGPU', () => {
  const page = useHarness();

  it.each([
    { kind: 'avg', T: 7, B: 3, C: 5, xOffset: 0, ties: false },
    { kind: 'avg', T: 60, B: 32, C: 50, xOffset: 11, ties: false },
    { kind: 'max', T: 7, B: 3, C: 5, xOffset: 4, ties: false },
    { kind: 'max', T: 9, B: 2, C: 70, xOffset: 0, ties: true },
  ] as const)('$kind pooling, T=$T B=$B C=$C, offset $xOffset, ties $ties', async ({ kind, T, B, C, xOffset, ties }) => {
    const random = rng(T * B * C + xOffset);
    const x = uniform(random, xOffset + T * B * C, 1);
    if (ties) x.forEach((v, i) => (x[i] = Math.max(v, 0))); // relu: many steps tie at 0
    const dy = uniform(random, B * C, 1);
    const r = await page.run('pool1d', { kind, x: enc(x), dy: enc(dy), timesteps: T, batch: B, cols: C, xOffset });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    expectClose(r.outputs.y!, poolForward(kind, x, T, B * C, xOffset), TIGHT, 'y');
    expectClose(r.outputs.dx!, poolBackward(kind, x, dy, T, B * C, xOffset), TIGHT, 'dx');
  });

  it.each([
    { n: 1, block: 3, xOffset: 0 },
    { n: 12, block: 130, xOffset: 7 },
  ])('repeatVector n=$n block=$block offset $xOffset', async ({ n, block, xOffset }) => {
    const random = rng(n * block);
    const x = uniform(random, xOffset + block, 1);
    const dy = uniform(random, n * block, 1);
    const r = await page.run('repeatVector', { x: enc(x), dy: enc(dy), n, block, xOffset });
    expect(r.validationError).toBeNull();
    expectClose(r.outputs.y!, repeatForward(x, n, block, xOffset), { atol: 0, rtol: 0 }, 'y');
    expectClose(r.outputs.dx!, repeatBackward(dy, n, block), TIGHT, 'dx');
  });

  it.each(['globalAveragePooling1d', 'repeatVector'] as const)('predictStep refuses a model with %s, which needs the whole sequence', async (kind) => {
    const r = await page.call('predictStepThroughTime', kind);
    expect(r.error).toMatch(
      /^ValueError: predictStep feeds one timestep at a time, but layer '(pool|rv)' \((GlobalAveragePooling1D|RepeatVector)\) works on whole sequences/,
    );
  });
});
