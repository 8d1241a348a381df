/**
 * The one comparison every numeric test uses: |a − e| ≤ atol + rtol·|e| element-wise, with NaN and ±Infinity
 * required at exactly the same positions. A failure names the worst element and the first mismatches.
 */
import { expect } from 'vitest';

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  excess: number;
}

export function findMismatches(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): { worst: Mismatch | null; first: Mismatch[]; count: number } {
  let worst: Mismatch | null = null;
  const first: Mismatch[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    let excess: number;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      excess = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) ? 0 : Number.POSITIVE_INFINITY;
    } else {
      excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
    }
    if (excess > 0) {
      count++;
      const m = { index: i, actual: a, expected: e, excess };
      if (first.length < 5) first.push(m);
      if (!worst || excess > worst.excess) worst = m;
    }
  }
  return { worst, first, count };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const { worst, first, count } = findMismatches(actual, expected, tol);
  if (worst) {
    const fmt = (m: Mismatch) => `[${m.index}] got ${m.actual}, expected ${m.expected}`;
    expect.fail(
      `${what}: ${count} of ${expected.length} elements outside atol ${tol.atol} + rtol ${tol.rtol}·|e|; ` +
        `worst ${fmt(worst)} (|diff| ${Math.abs(worst.actual - worst.expected)}); first: ${first.map(fmt).join('; ')}`,
    );
  }
}

/** Gradients: tolerance relative to the largest |element| of the expected gradient. */
export function expectCloseRelativeToMax(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number, what: string): void {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i]!));
  expectClose(actual, expected, { atol: relative * Math.max(max, 1e-30), rtol: 0 }, `${what} (max |e| ${max.toExponential(3)})`);
}
