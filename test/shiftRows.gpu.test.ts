/** shiftRows (shaders/shiftRows.wgsl) on WebGPU against its float64 twin (src/reference/shiftRows.ts): x − shift by rows, read from an offset. */
import { describe, expect, it } from 'vitest';
import { shiftRows } from '../src/reference/shiftRows';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { STEP } from './support/tolerances';

describe.skipIf(skipGpu)('shiftRows on WebGPU vs the float64 twin', () => {
  const page = useHarness();

  it('moves 37 rows of 13 columns, read from offset 9, by one vector', async () => {
    const [rows, cols, offset] = [37, 13, 9];
    const random = rng(2);
    const x = uniform(random, offset + rows * cols, 2);
    const shift = uniform(random, cols, 1);
    const r = await page.run('shiftRows', {
      x: { data: encodeFloats(x), shape: [x.length] },
      xOffset: offset,
      shift: { data: encodeFloats(shift), shape: [cols] },
      rows,
      cols,
    });
    expect(r.validationError).toBeNull();
    expect(r.dispatches).toBe(1);
    expect(r.liveBuffersAfter).toBe(0);
    expectClose(r.outputs.y!, shiftRows(x.subarray(offset), shift, rows, cols), STEP, 'y');
  });

  it('moves a window of columns (4 … 10 of rows 13 wide), as fitRidge splits [u; x] rows', async () => {
    const [rows, stride, col0, cols, offset] = [21, 13, 4, 7, 5];
    const random = rng(3);
    const x = uniform(random, offset + rows * stride, 2);
    const shift = uniform(random, stride, 1);
    const r = await page.run('shiftRows', {
      x: { data: encodeFloats(x), shape: [x.length] },
      xOffset: offset,
      shift: { data: encodeFloats(shift), shape: [stride] },
      rows,
      cols,
      stride,
      col0,
    });
    expect(r.validationError).toBeNull();
    expectClose(r.outputs.y!, shiftRows(x.subarray(offset), shift, rows, cols, { stride, col0 }), STEP, 'y');
  });
});
