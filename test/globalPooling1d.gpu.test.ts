/** Global pooling over time (shaders/globalPooling1d.wgsl) on WebGPU against its float64 twin, forward and backward, with ties in max pooling (relu zeros) and an input offset. */
import { describe, expect, it } from 'vitest';
import { poolBackward, poolForward } from '../src/reference/globalPooling1d';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const TIGHT = { atol: 1e-6, rtol: 1e-6 };
const enc = (a: Float32Array) => ({ data: encodeFloats(a), shape: [a.length] });

describe.skipIf(skipGpu)('globalPooling1d on WebGPU', () => {
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
});
