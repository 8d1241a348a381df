/** Dense and Embedding kernels on WebGPU against their float64 twins (src/reference/dense.ts, embedding.ts). */
import { describe, expect, it } from 'vitest';
import type { DenseActivation } from '../src/kernels/dense';
import { denseBackward } from '../src/reference/dense';
import { embeddingBackward, embeddingForward } from '../src/reference/embedding';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { GEMM, GRADIENT_RELATIVE_TO_MAX } from './support/tolerances';

const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });

const DENSE_CASES: { rows: number; inputs: number; units: number; activation: DenseActivation; bias: boolean; xOffset: number }[] = [
  { rows: 32, inputs: 50, units: 1, activation: 'linear', bias: true, xOffset: 0 },
  { rows: 7, inputs: 5, units: 3, activation: 'relu', bias: true, xOffset: 13 },
  { rows: 65, inputs: 9, units: 33, activation: 'tanh', bias: false, xOffset: 0 },
  { rows: 3, inputs: 4, units: 2, activation: 'sigmoid', bias: true, xOffset: 0 },
  { rows: 40, inputs: 16, units: 10, activation: 'softmax', bias: true, xOffset: 5 },
  { rows: 1, inputs: 1, units: 300, activation: 'softmax', bias: true, xOffset: 0 },
];

describe.skipIf(skipGpu)('dense and embedding on WebGPU', () => {
  const page = useHarness();

  it.each(DENSE_CASES)('dense rows=$rows in=$inputs units=$units $activation bias=$bias offset=$xOffset', async (c) => {
    const random = rng(c.rows * 31 + c.units);
    const xFull = uniform(random, c.xOffset + c.rows * c.inputs, 1);
    const kernel = uniform(random, c.inputs * c.units, 1 / Math.sqrt(c.inputs));
    const bias = c.bias ? uniform(random, c.units, 0.5) : null;
    const dy = uniform(random, c.rows * c.units, 1);
    const result = await page.run('dense', {
      x: enc(xFull),
      kernel: enc(kernel),
      bias: bias ? enc(bias) : null,
      dy: enc(dy),
      rows: c.rows,
      inputs: c.inputs,
      units: c.units,
      activation: c.activation,
      xOffset: c.xOffset,
    });
    expect(result.validationError).toBeNull();
    expect(result.liveBuffersAfter).toBe(0);
    const ref = denseBackward(
      { x: xFull.subarray(c.xOffset), kernel, ...(bias ? { bias } : {}), rows: c.rows, inputs: c.inputs, units: c.units, activation: c.activation },
      dy,
    );
    expectClose(result.outputs.y!, ref.y, GEMM, 'y');
    expectCloseRelativeToMax(result.outputs.dKernel!, ref.dKernel, GRADIENT_RELATIVE_TO_MAX, 'dKernel');
    expectCloseRelativeToMax(result.outputs.dX!, ref.dX, GRADIENT_RELATIVE_TO_MAX, 'dX');
    if (bias) expectCloseRelativeToMax(result.outputs.dBias!, ref.dBias, GRADIENT_RELATIVE_TO_MAX, 'dBias');
  });

  it.each([
    { rows: 12, inputDim: 5, outputDim: 3 },
    { rows: 200, inputDim: 1000, outputDim: 70 },
  ])('embedding rows=$rows inputDim=$inputDim outputDim=$outputDim, repeated ids summed', async (c) => {
    const random = rng(c.rows + c.inputDim);
    // few distinct ids so that many rows share one and their gradients must add up
    const ids = Float32Array.from({ length: c.rows }, () => Math.floor(random() * Math.min(c.inputDim, 7)));
    const table = uniform(random, c.inputDim * c.outputDim, 0.05);
    const dy = uniform(random, c.rows * c.outputDim, 1);
    const result = await page.run('embedding', { ids: enc(ids), table: enc(table), dy: enc(dy), inputDim: c.inputDim, outputDim: c.outputDim });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(3);
    expectClose(result.outputs.y!, embeddingForward(ids, table, c.outputDim), { atol: 0, rtol: 0 }, 'y (a copy: exact)');
    expectClose(result.outputs.dTable!, embeddingBackward(ids, dy, c.inputDim, c.outputDim), GEMM, 'dTable');
  });
});
