/**
 * The float64 twin of shaders/spectralRadius.wgsl (src/reference/spectralRadius.ts) on matrices whose radius is
 * known — a real dominant eigenvalue, a rotation's complex pair, a nilpotent matrix — and the echo-state reservoir
 * initializer that scales by it. The GPU check is spectralRadius.gpu.test.ts; the kernel's bindings are here too.
 */
import { describe, expect, it } from 'vitest';
import { initialize, seededRandom } from '../src/layers/initializers';
import { spectralRadiusKernel } from '../src/kernels/spectralRadius';
import { spectralRadius } from '../src/reference/spectralRadius';

describe('reference spectralRadius', () => {
  it('finds a real dominant eigenvalue, a complex pair, and zero', () => {
    // Upper triangular: eigenvalues on the diagonal, −1.3 dominant.
    expect(spectralRadius([0.5, 2, 0.1, 0, -1.3, 0.7, 0, 0, 0.9], 3)).toBeCloseTo(1.3, 3);
    // 0.8 × a rotation by 0.7 rad, embedded beside a 0.5: eigenvalues 0.8e^{±0.7i} and 0.5.
    const [c, s] = [0.8 * Math.cos(0.7), 0.8 * Math.sin(0.7)];
    expect(spectralRadius([c, -s, 0, s, c, 0, 0, 0, 0.5], 3)).toBeCloseTo(0.8, 2);
    // Nilpotent: W² = 0.
    expect(spectralRadius([0, 1, 0, 0], 2)).toBe(0);
  });

  it('the reservoir initializer keeps the connectivity and scales to the spectral radius asked for', () => {
    const w = initialize({ kind: 'reservoir', connectivity: 0.2, spectralRadius: 0.95 }, [80, 80], seededRandom(3));
    const nonZero = w.filter((v) => v !== 0).length / w.length;
    expect(nonZero).toBeGreaterThan(0.17);
    expect(nonZero).toBeLessThan(0.23);
    expect(spectralRadius(w, 80)).toBeCloseTo(0.95, 3);
    expect(() => initialize({ kind: 'reservoir', connectivity: 1e-6, spectralRadius: 0.9 }, [4, 4], seededRandom(1))).toThrow(/raise connectivity or units/);
  });
});

describe('spectralRadius kernel', () => {
  it('binds exactly what it uses', () => {
    expect(spectralRadiusKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'matrix', 'v', 'result']);
  });
});
