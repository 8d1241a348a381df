/** LayerNormalization (shaders/layerNorm.wgsl) on WebGPU against its float64 twin: y, dx, dγ and dβ. Whole models: test/interop.gpu.test.ts. */
import { describe, expect, it } from 'vitest';
import { layerNormBackward, layerNormForward } from '../src/reference/layerNorm';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const enc = (a: Float32Array) => ({ data: encodeFloats(a), shape: [a.length] });

describe.skipIf(skipGpu)('layerNorm on WebGPU', () => {
  const page = useHarness();

  it.each([
    { rows: 1, cols: 3, xOffset: 0, shift: 0 },
    { rows: 60 * 8, cols: 50, xOffset: 5, shift: 0 },
    { rows: 9, cols: 257, xOffset: 0, shift: 100 }, // |mean| ≫ σ: the two-pass variance stays accurate
  ])('rows=$rows cols=$cols offset $xOffset shift $shift', async ({ rows, cols, xOffset, shift }) => {
    const random = rng(rows + cols);
    const x = uniform(random, xOffset + rows * cols, 1).map((v) => v + shift);
    const [gamma, beta, dy] = [uniform(random, cols, 1), uniform(random, cols, 1), uniform(random, rows * cols, 1)];
    const r = await page.run('layerNorm', { x: enc(x), gamma: enc(gamma), beta: enc(beta), dy: enc(dy), rows, cols, xOffset, epsilon: 1e-3 });
    expect(r.validationError).toBeNull();
    expect(r.liveBuffersAfter).toBe(0);
    const inputs = { x: x.subarray(xOffset), gamma, beta, rows, cols, epsilon: 1e-3 };
    const g = layerNormBackward(inputs, dy);
    // Shifted rows lose what float32 cannot hold of x around 100 (an ulp is 8e-6, the mean's sum gathers 257 of
    // them); a one-pass E[x²] − μ² would lose the variance itself (errors of order 100²·1e-7 against σ² ≈ 1/3).
    const tol = shift ? { atol: 5e-4, rtol: 1e-3 } : { atol: 2e-5, rtol: 1e-4 };
    expectClose(r.outputs.y!, layerNormForward(inputs), tol, 'y');
    expectClose(r.outputs.dx!, g.dx, tol, 'dx');
    const sums = { atol: tol.atol * Math.sqrt(rows), rtol: tol.rtol }; // sums over rows of terms with y's error
    expectClose(r.outputs.dGamma!, g.dGamma, sums, 'dγ');
    expectClose(r.outputs.dBeta!, g.dBeta, sums, 'dβ');
  });
});
