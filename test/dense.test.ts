/** The float64 Dense and Embedding twins against finite differences and hand-worked values. */
import { describe, expect, it } from 'vitest';
import type { DenseActivation } from '../src/kernels/dense';
import { denseBackward, denseForward, softmaxRows } from '../src/reference/dense';
import { embeddingBackward, embeddingForward } from '../src/reference/embedding';
import { expectClose } from './support/compare';
import { rng } from './support/random';
import { FINITE_DIFFERENCE } from './support/tolerances';

describe('reference dense', () => {
  it('softmax rows sum to one and survive large logits', () => {
    const y = softmaxRows(Float64Array.of(1000, 1001, 1002, -5, 0, 5), 2, 3);
    expect(y[0]! + y[1]! + y[2]!).toBeCloseTo(1, 15);
    expect(y[2]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(1) + Math.exp(2)), 15);
  });

  it.each(['linear', 'relu', 'tanh', 'sigmoid', 'softmax'] as DenseActivation[])('%s: every gradient matches finite differences', (activation) => {
    const random = rng(11);
    const rows = 3;
    const inputs = 4;
    const units = 3;
    const r = (n: number) => Float64Array.from({ length: n }, () => random() * 2 - 1);
    const p = { x: r(rows * inputs), kernel: r(inputs * units), bias: r(units) };
    const dy = r(rows * units);
    const loss = () => denseForward({ ...p, rows, inputs, units, activation }).reduce((s, v, i) => s + v * dy[i]!, 0);
    const g = denseBackward({ ...p, rows, inputs, units, activation }, dy);
    for (const [name, grad] of [
      ['x', g.dX],
      ['kernel', g.dKernel],
      ['bias', g.dBias],
    ] as const) {
      const values = p[name];
      const numeric = values.map((keep, i) => {
        values[i] = keep + 1e-6;
        const up = loss();
        values[i] = keep - 1e-6;
        const down = loss();
        values[i] = keep;
        return (up - down) / 2e-6;
      });
      expectClose(grad, numeric, FINITE_DIFFERENCE, `d${name}`);
    }
  });
});

describe('reference embedding', () => {
  it('looks rows up and adds the gradients of repeated ids', () => {
    const table = [0, 1, 10, 11, 20, 21]; // 3 ids × 2 dims
    expect([...embeddingForward([2, 0, 2], table, 2)]).toEqual([20, 21, 0, 1, 20, 21]);
    expect([...embeddingBackward([2, 0, 2], [1, 2, 3, 4, 5, 6], 3, 2)]).toEqual([3, 4, 0, 0, 6, 8]);
  });
});
