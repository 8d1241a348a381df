/**
 * The float64 twin of shaders/bidirectionalMerge.wgsl: each merge mode on values worked out by hand, and each
 * split checked as the exact gradient of its merge (a merge is linear or bilinear, so central differences
 * are exact up to rounding).
 */
import { describe, expect, it } from 'vitest';
import { MERGE_MODES, mergeKernel, splitKernel } from '../src/kernels/bidirectionalMerge';
import { merge, split } from '../src/reference/bidirectionalMerge';
import { expectClose } from './support/compare';
import { numericGradient } from './support/finiteDifferences';
import { rng } from './support/random';
import { FINITE_DIFFERENCE } from './support/tolerances';

const a = [1, 2, 3, 4]; // rows 2, units 2
const b = [10, 20, 30, 40];

describe('reference merge', () => {
  it('concat puts the forward units first in every row', () => {
    expect([...merge(a, b, 2, 2, 'concat')]).toEqual([1, 2, 10, 20, 3, 4, 30, 40]);
  });
  it('sum, mul and ave are elementwise', () => {
    expect([...merge(a, b, 2, 2, 'sum')]).toEqual([11, 22, 33, 44]);
    expect([...merge(a, b, 2, 2, 'mul')]).toEqual([10, 40, 90, 160]);
    expect([...merge(a, b, 2, 2, 'ave')]).toEqual([5.5, 11, 16.5, 22]);
  });
});

describe('reference split is the gradient of merge', () => {
  it.each(MERGE_MODES)('%s', (mode) => {
    const random = rng(17);
    const [rows, units] = [3, 4];
    const fa = Float64Array.from({ length: rows * units }, () => random() * 2 - 1);
    const fb = Float64Array.from({ length: rows * units }, () => random() * 2 - 1);
    const dout = Float64Array.from({ length: merge(fa, fb, rows, units, mode).length }, () => random() * 2 - 1);
    const loss = () => merge(fa, fb, rows, units, mode).reduce((s, v, i) => s + v * dout[i]!, 0);
    const { da, db } = split(dout, fa, fb, rows, units, mode);
    expectClose(da, numericGradient(fa, loss), FINITE_DIFFERENCE, 'da');
    expectClose(db, numericGradient(fb, loss), FINITE_DIFFERENCE, 'db');
  });
});

describe('bidirectionalMerge kernel interfaces', () => {
  it('merge writes out; split reads dout and writes da and db', () => {
    expect(mergeKernel.iface.bindings.map((x) => `${x.name}:${x.kind}`)).toEqual([
      'params:uniform',
      'a:read-only-storage',
      'b:read-only-storage',
      'out:storage',
    ]);
    expect(splitKernel.iface.bindings.map((x) => `${x.name}:${x.kind}`)).toEqual([
      'params:uniform',
      'a:read-only-storage',
      'b:read-only-storage',
      'dout:read-only-storage',
      'da:storage',
      'db:storage',
    ]);
  });
});
