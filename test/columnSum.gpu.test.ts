/** The bias-gradient column sum (shaders/columnSum.wgsl) on WebGPU against its float64 twin. */
import { describe, expect, it } from 'vitest';
import { columnSum } from '../src/reference/columnSum';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { GEMM } from './support/tolerances';

describe.skipIf(skipGpu)('columnSum on WebGPU', () => {
  const page = useHarness();

  // one column and one row; columns not a multiple of the workgroup; the tutorial's dG (T·B = 1920 rows, 4u = 200)
  it.each([
    { rows: 1, cols: 1 },
    { rows: 7, cols: 65 },
    { rows: 1920, cols: 200 },
  ])('rows=$rows cols=$cols', async ({ rows, cols }) => {
    const a = uniform(rng(rows + cols), rows * cols, 1);
    const result = await page.run('columnSum', { a: { data: encodeFloats(a), shape: [rows, cols] }, rows, cols });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(1);
    expect(result.liveBuffersAfter).toBe(0);
    expectClose(result.outputs.out!, columnSum(a, rows, cols), { atol: GEMM.atol * Math.sqrt(rows), rtol: GEMM.rtol }, 'column sums');
  });
});
