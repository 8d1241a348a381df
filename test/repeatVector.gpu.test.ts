/** RepeatVector (shaders/repeatVector.wgsl) on WebGPU against its float64 twin, forward and backward, from an input offset. */
import { describe, expect, it } from 'vitest';
import { repeatBackward, repeatForward } from '../src/reference/repeatVector';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const TIGHT = { atol: 1e-6, rtol: 1e-6 };
const enc = (a: Float32Array) => ({ data: encodeFloats(a), shape: [a.length] });

describe.skipIf(skipGpu)('repeatVector on WebGPU', () => {
  const page = useHarness();

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
});
