/**
 * L1/L2 regularizers on WebGPU (shaders/regularizers.wgsl through recordRegularizers) against the float64
 * twin: gradient terms added into the listed segments only, and the scaled penalty ADDED into the loss slot.
 */
import { describe, expect, it } from 'vitest';
import type { RegularizedSegment } from '../src/kernels/regularizers';
import { regularize } from '../src/reference/regularizers';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { ACCUMULATED_SUM, GRADIENT_UPDATE } from './support/tolerances';

const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });

const CASES: { name: string; length: number; segments: RegularizedSegment[]; scale: number }[] = [
  {
    name: 'three segments (l1 only, l2 only, both), gaps left alone',
    length: 320,
    segments: [
      { offset: 0, length: 70, l1: 0.01, l2: 0 },
      { offset: 128, length: 9, l1: 0, l2: 0.02 },
      { offset: 192, length: 100, l1: 0.003, l2: 0.05 },
    ],
    scale: 32,
  },
  {
    name: '100k-element arena',
    length: 100_032,
    segments: [
      { offset: 0, length: 60_000, l1: 0.001, l2: 0.01 },
      { offset: 60_032, length: 40_000, l1: 0, l2: 0.0001 },
    ],
    scale: 1,
  },
];

describe.skipIf(skipGpu)('regularizers on WebGPU', () => {
  const page = useHarness();

  it.each(CASES)('$name', async ({ length, segments, scale }) => {
    const params = uniform(rng(length), length, 1);
    params[1] = 0; // sign(0) = 0: no l1 term
    const grads = uniform(rng(length + 1), length, 0.1);
    const accum = Float32Array.of(2, 5);
    const result = await page.run('trainingRegularizers', { params: enc(params), grads: enc(grads), segments, scale, accum: enc(accum) });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(segments.length + 1);
    const expected = regularize(params, grads, segments, scale);
    expectClose(result.outputs.grads!, expected.grads, GRADIENT_UPDATE, 'grads');
    expectClose(result.outputs.accum!, [2 + expected.penalty, 5], ACCUMULATED_SUM, 'accum');
  });
});
