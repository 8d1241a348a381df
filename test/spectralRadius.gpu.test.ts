/**
 * The spectral radius by power iteration on WebGPU (shaders/spectralRadius.wgsl, every iteration in one dispatch)
 * against its float64 twin (src/reference/spectralRadius.ts).
 */
import { describe, expect, it } from 'vitest';
import { spectralRadius } from '../src/reference/spectralRadius';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng } from './support/random';

/** Float32 power iteration against float64: 200 averaged log growths, each with a float32 norm. */
const RADIUS = { atol: 1e-4, rtol: 1e-4 };
const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });

describe.skipIf(skipGpu)('spectralRadius on WebGPU vs the float64 twin', () => {
  const page = useHarness();

  it('measures the spectral radius of a sparse random matrix and of a rotation pair as the twin does', async () => {
    const random = rng(5);
    const sparse = Float32Array.from({ length: 120 * 120 }, () => (random() < 0.1 ? random() * 2 - 1 : 0));
    const [c, s] = [1.2 * Math.cos(0.4), 1.2 * Math.sin(0.4)];
    for (const [matrix, n] of [
      [sparse, 120],
      [Float32Array.of(c, -s, 0, s, c, 0, 0.3, 0.2, 0.5), 3],
    ] as const) {
      const r = await page.run('spectralRadius', { matrix: enc(matrix, [n, n]) });
      expect(r.validationError).toBeNull();
      expect(r.dispatches, 'every iteration in one dispatch').toBe(1);
      expectClose(r.outputs.radius!, [spectralRadius(matrix, n)], RADIUS, `radius of the ${n}×${n} matrix`);
    }
  });
});
