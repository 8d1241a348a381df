/**
 * concatInput (shaders/concatInput.wgsl) on WebGPU against its twin (src/reference/concatInput.ts): an echo-state
 * layer's [u_t; x_t] rows, row for row and reversed in time (a goBackwards sequence), from an offset into u (a last
 * output's step), and the gradient split back: the states' part, and the input's added onto what du held.
 */
import { describe, expect, it } from 'vitest';
import { concatInput, concatInputGrad } from '../src/reference/concatInput';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });

describe.skipIf(skipGpu)('concatInput on WebGPU vs the twin', () => {
  const page = useHarness();

  it.each([
    ['a sequence, row for row', 12, 2, 5, 0, undefined],
    ['a goBackwards sequence (4 steps of 3 rows), reversed', 12, 2, 5, 0, 3],
    ['a last output: 3 rows from u’s last step', 3, 3, 4, 9, undefined],
  ] as const)('%s', async (_name, rows, nu, nx, uOffset, reverseBatch) => {
    const random = rng(rows + nu + uOffset);
    const uLength = uOffset + rows * nu;
    const [u, x, dOut, duStart] = [
      uniform(random, uLength, 1),
      uniform(random, rows * nx, 1),
      uniform(random, rows * (nu + nx), 1),
      uniform(random, uLength, 1),
    ];
    const shape = { rows, nu, nx, ...(reverseBatch === undefined ? {} : { reverseBatch }) };
    const r = await page.run('concatInput', { u: enc(u), uOffset, x: enc(x), dOut: enc(dOut), duStart: enc(duStart), ...shape });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    // Copies and one addition: exact but for the addition's rounding.
    expect(Array.from(r.outputs.out!)).toEqual(Array.from(Float32Array.from(concatInput(u.subarray(uOffset), x, shape))));
    const grad = concatInputGrad(dOut, shape);
    expect(Array.from(r.outputs.dState!)).toEqual(Array.from(Float32Array.from(grad.dState)));
    const du = Float64Array.from(duStart, (v, i) => (i < uOffset ? v : v + grad.dU[i - uOffset]!));
    expectClose(r.outputs.dU!, du, { atol: 1e-6, rtol: 1e-6 }, 'du');
  });
});
