/** The float64 twin of shaders/additiveAttention.wgsl: its gradients against central finite differences of its scores. */
import { describe, expect, it } from 'vitest';
import { additiveBackward, additiveScores } from '../src/reference/additiveAttention';
import { numericGradient } from './support/finiteDifferences';
import { expectClose } from './support/compare';
import { FINITE_DIFFERENCE } from './support/tolerances';
import { rng, uniform } from './support/random';

describe('additiveAttention twin', () => {
  it.each([true, false])('dQ, dK and dScale are the gradients of Σ dS ⊙ scores (scale %s)', (scaled) => {
    const dims = { batch: 2, tq: 3, tv: 4, dim: 3 };
    const random = rng(scaled ? 2 : 3);
    const q = Float64Array.from(uniform(random, dims.tq * dims.batch * dims.dim, 1));
    const k = Float64Array.from(uniform(random, dims.tv * dims.batch * dims.dim, 1));
    const scale = scaled ? Float64Array.from(uniform(random, dims.dim, 1)) : null;
    const ds = uniform(random, dims.tq * dims.batch * dims.tv, 1);
    const loss = () => additiveScores(q, k, scale, dims).reduce((sum, s, i) => sum + s * ds[i]!, 0);
    const g = additiveBackward(q, k, scale, ds, dims);
    expectClose(g.dq, numericGradient(q, loss), FINITE_DIFFERENCE, 'dQ');
    expectClose(g.dk, numericGradient(k, loss), FINITE_DIFFERENCE, 'dK');
    if (scale) expectClose(g.dscale, numericGradient(scale, loss), FINITE_DIFFERENCE, 'dScale');
    expect(g.dq.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });
});
