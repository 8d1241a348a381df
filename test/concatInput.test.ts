/** The CPU twin of shaders/concatInput.wgsl: rows and gradient, by hand (the kernel against it: concatInput.gpu.test.ts). */
import { describe, expect, it } from 'vitest';
import { concatInput, concatInputGrad } from '../src/reference/concatInput';

describe('concatInput (the twin of shaders/concatInput.wgsl)', () => {
  // Two timesteps of two rows (time-major: t·2 + b), one input feature, one state unit.
  const [u, x] = [
    [1, 2, 3, 4],
    [10, 20, 30, 40],
  ];

  it('puts each row’s input in front of its state, from the mirrored timestep when reversed', () => {
    expect(Array.from(concatInput(u, x, { rows: 4, nu: 1, nx: 1 }))).toEqual([1, 10, 2, 20, 3, 30, 4, 40]);
    expect(Array.from(concatInput(u, x, { rows: 4, nu: 1, nx: 1, reverseBatch: 2 }))).toEqual([3, 10, 4, 20, 1, 30, 2, 40]);
  });

  it('splits the gradient back: the states’ part row for row, the input’s onto the rows it came from', () => {
    const g = concatInputGrad([1, 10, 2, 20, 3, 30, 4, 40], { rows: 4, nu: 1, nx: 1, reverseBatch: 2 });
    expect(Array.from(g.dState)).toEqual([10, 20, 30, 40]);
    expect(Array.from(g.dU)).toEqual([3, 4, 1, 2]);
  });
});
