/** The double-float cross products' CPU side: the twin, and the kernel's bindings (the GPU check is crossProducts.gpu.test.ts). */
import { describe, expect, it } from 'vitest';
import { crossProductsKernel } from '../src/kernels/crossProducts';
import { shiftRowsKernel } from '../src/kernels/shiftRows';
import { crossProducts } from '../src/reference/crossProducts';
import { shiftRows } from '../src/reference/shiftRows';

describe('crossProducts and shiftRows', () => {
  it('the twins compute Aᵀ·B (+ the sum so far) and x − shift by rows', () => {
    // A [3, 2], B [3, 1]
    expect(Array.from(crossProducts([1, 2, 3, 4, 5, 6], [1, 0, -1], 3, 2, 1, [10, 20]))).toEqual([10 + 1 - 5, 20 + 2 - 6]);
    expect(Array.from(shiftRows([1, 2, 3, 4], [1, 1], 2, 2))).toEqual([0, 1, 2, 3]);
  });

  it('bind exactly what they use', () => {
    expect(crossProductsKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'a', 'b', 'hi', 'lo']);
    expect(crossProductsKernel.iface.uniform?.members.map((m) => m.name)).toEqual(['rows', 'a_cols', 'b_cols', 'a_offset', 'b_offset', 'zero', 'symmetric']);
    expect(shiftRowsKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'shift', 'y']);
  });
});
