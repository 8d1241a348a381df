/** shaders/merge.wgsl (concatenate columns, their gradient, scaled sums, masked attention scores) on WebGPU against its float64 twin. */
import { describe, expect, it } from 'vitest';
import { maskColumns, placeColumns, scaledAdd, takeColumns } from '../src/reference/merge';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const enc = (t: Float32Array, shape: number[]) => ({ data: encodeFloats(t), shape });

describe.skipIf(skipGpu)('merge on WebGPU', () => {
  const page = useHarness();

  it('merge kernels: place, take, scaled_add and mask_columns match the float64 twin', async () => {
    const random = rng(3);
    const [rows, colsA, colsB, aOffset, batch] = [8, 5, 3, 4, 2];
    const a = uniform(random, aOffset + rows * colsA, 1);
    const b = uniform(random, rows * colsB, 1);
    // A mask over colsB value steps of `batch` rows each: [colsB·batch], time-major.
    const mask = Float32Array.from({ length: colsB * batch }, (_, i) => (i % 3 === 1 ? 0 : 1));
    const r = await page.run('mergeKernels', {
      a: enc(a, [a.length]),
      b: enc(b, [b.length]),
      mask: enc(mask, [mask.length]),
      batch,
      rows,
      colsA,
      colsB,
      aOffset,
      alpha: -0.5,
    });
    expect(r.validationError).toBeNull();
    const out = new Float64Array(rows * (colsA + colsB));
    placeColumns(out, a, rows, colsA, colsA + colsB, 0, aOffset);
    placeColumns(out, b, rows, colsB, colsA + colsB, colsA);
    expectClose(r.outputs.out!, out, { atol: 0, rtol: 0 }, 'placed');
    expectClose(r.outputs.taken!, takeColumns(out, rows, colsB, colsA + colsB, colsA), { atol: 0, rtol: 0 }, 'taken');
    const sum = Float64Array.from(b);
    scaledAdd(sum, a, rows * colsB, -0.5, aOffset);
    expectClose(r.outputs.sum!, sum, { atol: 1e-7, rtol: 1e-7 }, 'scaled sum');
    const masked = Float64Array.from(b);
    maskColumns(masked, mask, rows, colsB, batch);
    expectClose(r.outputs.masked!, masked, { atol: 0, rtol: 1e-7 }, 'masked columns');
  });
});
