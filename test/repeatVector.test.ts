/** The float64 twin of shaders/repeatVector.wgsl against values worked out by hand, and the kernels' reflected interfaces. GPU: repeatVector.gpu.test.ts. */
import { describe, expect, it } from 'vitest';
import { repeatGradKernel, repeatKernel } from '../src/kernels/repeatVector';
import { repeatBackward, repeatForward } from '../src/reference/repeatVector';

describe('reference repeatVector', () => {
  it('repeat copies the vector n times; its gradient sums the copies', () => {
    expect([...repeatForward([7, 1, 2], 3, 2, 1)]).toEqual([1, 2, 1, 2, 1, 2]);
    expect([...repeatBackward([1, 2, 3, 4, 5, 6], 3, 2)]).toEqual([9, 12]);
  });
});

describe('repeatVector kernel interfaces', () => {
  it('repeat reads x, repeat_grad reads dy', () => {
    expect(repeatKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'y']);
    expect(repeatGradKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'dy', 'dx']);
  });
});
