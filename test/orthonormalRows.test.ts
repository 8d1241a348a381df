/**
 * The orthogonal initializer's core (src/layers/orthonormalRows.ts): Cholesky QR gives Gram–Schmidt's rows (the
 * same Q, Keras's signs) to float64 rounding, orthonormal, for wide, square and odd sizes; a badly conditioned G
 * takes the second pass and still comes out orthonormal; a rank-deficient one falls back to Gram–Schmidt.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gramSchmidt, orthonormalRows } from '../src/layers/orthonormalRows';
import { rng } from './support/random';

function gaussian(n: number, m: number, seed: number): Float64Array {
  const random = rng(seed);
  return Float64Array.from({ length: n * m }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/** max |Q·Qᵀ − I|. */
function offOrthonormal(q: Float64Array, n: number, m: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += q[i * m + k]! * q[j * m + k]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthonormalRows', () => {
  it.each([
    [8, 32],
    [13, 52],
    [37, 37],
    [5, 7],
    [1, 6],
    [64, 256],
  ])('[%i, %i]: Gram–Schmidt’s rows, orthonormal', (n, m) => {
    const g = gaussian(n, m, n * 100 + m);
    const q = orthonormalRows(g, n, m);
    const reference = gramSchmidt(g, n, m);
    expect(Math.max(...q.map((v, i) => Math.abs(v - reference[i]!)))).toBeLessThan(1e-9);
    // Far below the float32 the weights are stored in (6e-8); a square G is the worst conditioned.
    expect(offOrthonormal(q, n, m)).toBeLessThan(1e-10);
    expect(Array.from(g)).toEqual(Array.from(gaussian(n, m, n * 100 + m)));
  });

  it('a badly conditioned G (rows nearly dependent) takes a second pass and comes out orthonormal', () => {
    const [n, m] = [12, 40];
    const g = gaussian(n, m, 5);
    // Row 7 ≈ row 3: cond(G) ≈ 1e5.
    for (let k = 0; k < m; k++) g[7 * m + k] = g[3 * m + k]! + 1e-5 * g[7 * m + k]!;
    const q = orthonormalRows(g, n, m);
    expect(offOrthonormal(q, n, m)).toBeLessThan(1e-10);
    expect(Math.max(...q.map((v, i) => Math.abs(v - gramSchmidt(g, n, m)[i]!)))).toBeLessThan(1e-6);
  });

  it('a rank-deficient G falls back to Gram–Schmidt', () => {
    const [n, m] = [6, 10];
    const g = gaussian(n, m, 6);
    g.copyWithin(4 * m, 2 * m, 3 * m);
    const q = orthonormalRows(g, n, m);
    const reference = gramSchmidt(g, n, m);
    q.forEach((v, i) => expect(Object.is(v, reference[i]) || Math.abs(v - reference[i]!) < 1e-9).toBe(true));
  });
});

describe('orthonormalRows without WebAssembly (a page whose Content-Security-Policy forbids it)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('falls back to Gram–Schmidt: the same rows', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', {
      Module: function () {
        throw new Error('Refused to compile or instantiate WebAssembly module because ‘wasm-unsafe-eval’ is not allowed');
      },
    });
    const fresh = await import('../src/layers/orthonormalRows');
    const [n, m] = [9, 30];
    const g = gaussian(n, m, 9);
    expect(Array.from(fresh.orthonormalRows(g, n, m))).toEqual(Array.from(gramSchmidt(g, n, m)));
  });
});
