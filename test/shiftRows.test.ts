/** shiftRows' CPU side: the twin (src/reference/shiftRows.ts) and the kernel's bindings; the GPU check is shiftRows.gpu.test.ts. */
import { describe, expect, it } from 'vitest';
import { shiftRowsKernel } from '../src/kernels/shiftRows';
import { shiftRows } from '../src/reference/shiftRows';

describe('shiftRows', () => {
  it('the twin computes x − shift by rows', () => {
    expect(Array.from(shiftRows([1, 2, 3, 4], [1, 1], 2, 2))).toEqual([0, 1, 2, 3]);
  });

  it('binds exactly what it uses', () => {
    expect(shiftRowsKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'shift', 'y']);
  });
});
