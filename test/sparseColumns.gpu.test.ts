/**
 * sparseColumns (shaders/sparseColumns.wgsl) on WebGPU against its twin (src/reference/sparseColumns.ts): a
 * reservoir's non-zeros packed column by column — counts, rows and values, the same layout exactly (the unused
 * tail of each column's room is not compared: the kernel leaves it as the buffer was).
 */
import { describe, expect, it } from 'vitest';
import { sparseColumns } from '../src/reference/sparseColumns';
import { encodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';
import { rng } from './support/random';

describe.skipIf(skipGpu)('sparseColumns on WebGPU vs the twin', () => {
  const page = useHarness();

  it.each([
    [13, 0.2],
    [70, 0.05],
    [9, 1],
  ])('%i units at connectivity %s, one column all zeros', async (n, connectivity) => {
    const random = rng(n);
    const w = Float32Array.from({ length: n * n }, (_, i) => (i % n !== 2 && random() < connectivity ? 2 * random() - 1 : 0));
    const r = await page.run('sparseColumns', { w: { data: encodeFloats(w), shape: [n, n] }, n });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    const expected = sparseColumns(w, n);
    const got = r.outputs.packed!;
    expect(Array.from(got.subarray(0, n))).toEqual(Array.from(expected.subarray(0, n)));
    expect(got[2]).toBe(0);
    for (let j = 0; j < n; j++) {
      for (let e = 0; e < expected[j]!; e++) {
        const at = n + e * 2 * n + j;
        expect([got[at], got[at + n]], `column ${j}, entry ${e}`).toEqual([expected[at], expected[at + n]]);
      }
    }
  });
});
