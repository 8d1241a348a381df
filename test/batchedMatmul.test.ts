/** The float64 twin of shaders/batchedMatmul.wgsl: strided views of time-major sequences give the plain products. */
import { describe, expect, it } from 'vitest';
import { sequenceMatrix } from '../src/kernels/batchedMatmul';
import { batchedMatmul } from '../src/reference/batchedMatmul';
import { rng, uniform } from './support/random';

describe('batchedMatmul twin', () => {
  it('reads a time-major sequence per batch row as [T, C] and as its transpose', () => {
    const [batch, t1, t2, c] = [2, 3, 4, 5];
    const random = rng(1);
    const x = uniform(random, t1 * batch * c, 1); // [t1, batch, c]
    const y = uniform(random, t2 * batch * c, 1); // [t2, batch, c]
    const o = new Float64Array(t1 * batch * t2);
    batchedMatmul(x, y, o, {
      batches: batch,
      m: t1,
      n: t2,
      k: c,
      a: sequenceMatrix(0, batch, c),
      b: sequenceMatrix(0, batch, c, true),
      o: sequenceMatrix(0, batch, t2),
    });
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < t1; i++)
        for (let j = 0; j < t2; j++) {
          let dot = 0;
          for (let k = 0; k < c; k++) dot += x[(i * batch + b) * c + k]! * y[(j * batch + b) * c + k]!;
          expect(o[(i * batch + b) * t2 + j]).toBeCloseTo(dot, 12);
        }
  });

  it('scales by alpha and the scale weight, and adds into the output with accumulate', () => {
    const layout = {
      batches: 1,
      m: 1,
      n: 1,
      k: 2,
      a: { offset: 1, batch: 0, row: 0, col: 1 },
      b: { offset: 0, batch: 0, row: 1, col: 0 },
      o: sequenceMatrix(0, 1, 1),
    };
    const o = Float64Array.of(10);
    batchedMatmul([9, 1, 2], [3, 4], o, layout, { alpha: 2, scale: 0.5, accumulate: true });
    expect(o[0]).toBe(10 + 2 * 0.5 * (1 * 3 + 2 * 4));
  });
});
