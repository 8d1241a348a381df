/** The float64 twin of shaders/regularizers.wgsl: the gradient terms are the derivative of the penalty. */
import { describe, expect, it } from 'vitest';
import { regularizerScratchLength } from '../src/kernels/regularizers';
import { penalty, regularize } from '../src/reference/regularizers';
import { expectClose } from './support/compare';
import { rng, uniform } from './support/random';
import { FINITE_DIFFERENCE } from './support/tolerances';

const SEGMENTS = [
  { offset: 0, length: 70, l1: 0.01, l2: 0 },
  { offset: 128, length: 9, l1: 0, l2: 0.02 },
  { offset: 192, length: 30, l1: 0.003, l2: 0.05 },
];

describe('reference regularizers', () => {
  it('add the gradient of the penalty (central differences) and leave other elements alone', () => {
    const params = Float64Array.from(uniform(rng(3), 256, 1));
    const grads = Float64Array.from(uniform(rng(4), 256, 1));
    const { grads: out } = regularize(params, grads, SEGMENTS, 1);
    const numeric = Float64Array.from(grads);
    for (const s of SEGMENTS) {
      for (let i = s.offset; i < s.offset + s.length; i++) {
        const plus = Float64Array.from(params);
        const minus = Float64Array.from(params);
        plus[i] += 1e-6;
        minus[i] -= 1e-6;
        numeric[i] += (penalty(plus, SEGMENTS) - penalty(minus, SEGMENTS)) / 2e-6;
      }
    }
    expectClose(out, numeric, FINITE_DIFFERENCE, 'grads');
  });

  it('scale multiplies the penalty, not the gradient; sign(0) is 0', () => {
    const seg = [{ offset: 0, length: 3, l1: 0.5, l2: 0.25 }];
    const r = regularize([0, 2, -1], [0, 0, 0], seg, 32);
    expect(r.penalty).toBeCloseTo(32 * (0.5 * 3 + 0.25 * 5), 12);
    expect(Array.from(r.grads)).toEqual([0, 0.5 + 1, -0.5 - 0.5]);
  });

  it('scratch holds one partial per 64 weights of each segment', () => {
    expect(regularizerScratchLength(SEGMENTS)).toBe(2 + 1 + 1);
  });
});
