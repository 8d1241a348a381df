/**
 * The float64 twin of shaders/globalPooling1d.wgsl against values worked out by hand (max pooling's ties share the
 * gradient evenly) and against finite differences, and the kernels' reflected interfaces. GPU: globalPooling1d.gpu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { poolKernels } from '../src/kernels/globalPooling1d';
import { poolBackward, poolForward } from '../src/reference/globalPooling1d';

describe('reference globalPooling1d', () => {
  // T = 3 steps of a block of 2 (batch 1 · 2 features), after one leading float: [9 | 1 5 | 4 5 | 2 -1]
  const x = [9, 1, 5, 4, 5, 2, -1];

  it('average and max over time, from an offset', () => {
    expect([...poolForward('avg', x, 3, 2, 1)]).toEqual([7 / 3, 3]);
    expect([...poolForward('max', x, 3, 2, 1)]).toEqual([4, 5]);
  });

  it('gradients: 1/T to every step; the max takes it all, or shares it evenly among ties', () => {
    expect([...poolBackward('avg', x, [3, 6], 3, 2, 1)]).toEqual([1, 2, 1, 2, 1, 2]);
    // column 0's max (4) is at t = 1; column 1's max (5) ties at t = 0 and t = 1
    expect([...poolBackward('max', x, [3, 6], 3, 2, 1)]).toEqual([0, 3, 3, 3, 0, 0]);
  });

  it('average pooling against finite differences of a weighted sum', () => {
    const w = [0.3, -1.2];
    const f = (v: number[]) => poolForward('avg', v, 3, 2).reduce((s, y, i) => s + y * w[i]!, 0);
    const v = [0.1, 0.5, -0.2, 0.7, 0.4, -0.9];
    const analytic = poolBackward('avg', v, w, 3, 2);
    v.forEach((_, i) => {
      const h = 1e-6;
      const up = [...v];
      up[i]! += h;
      expect(analytic[i]).toBeCloseTo((f(up) - f(v)) / h, 5);
    });
  });
});

describe('globalPooling1d kernel interfaces', () => {
  it('pooling reads x, and max_pool_grad the pooled y too', () => {
    expect(poolKernels.avg.forward.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'y']);
    expect(poolKernels.avg.backward.iface.bindings.map((b) => b.name)).toEqual(['params', 'dy', 'dx']);
    expect(poolKernels.max.backward.iface.bindings.map((b) => `${b.name}:${b.kind}`)).toEqual([
      'params:uniform',
      'x:read-only-storage',
      'y:storage',
      'dy:read-only-storage',
      'dx:storage',
    ]);
  });
});
