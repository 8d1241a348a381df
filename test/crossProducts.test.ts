/** The double-float cross products' CPU side: the twin, and the kernel's bindings (the GPU check is crossProducts.gpu.test.ts). */
import { describe, expect, it } from 'vitest';
import { crossProductsKernel } from '../src/kernels/crossProducts';
import { quantizeKernel, quantizedGramKernel } from '../src/kernels/quantizedGram';
import { crossProducts } from '../src/reference/crossProducts';

describe('crossProducts', () => {
  it('the twin computes Aᵀ·B (+ the sum so far)', () => {
    // A [3, 2], B [3, 1]
    expect(Array.from(crossProducts([1, 2, 3, 4, 5, 6], [1, 0, -1], 3, 2, 1, [10, 20]))).toEqual([10 + 1 - 5, 20 + 2 - 6]);
  });

  it('binds exactly what it uses', () => {
    // a_fixed: the same A read as quantizedGram's integers (A_FIXED).
    expect(crossProductsKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'a', 'b', 'hi', 'lo', 'a_fixed']);
    expect(crossProductsKernel.iface.uniform?.members.map((m) => m.name)).toEqual([
      'rows',
      'a_cols',
      'b_cols',
      'a_offset',
      'b_offset',
      'a_stride',
      'zero',
      'symmetric',
    ]);
    // quantizedGram's two entries: the rounding reads z and the shift and writes q; the sum reads only q.
    expect(quantizeKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'z', 'q_out', 'shift']);
    expect(quantizedGramKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'q', 'hi', 'lo']);
  });
});
