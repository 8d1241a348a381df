/**
 * Gradient clipping on WebGPU (shaders/clipping.wgsl through recordClip) against the float64 twin, each
 * mode on a small arena with zero padding and on a 100k-element arena. The data are scaled so that the
 * clipping really acts (some norms above the limit, some below), which each case asserts first.
 */
import { describe, expect, it } from 'vitest';
import type { ClipSpec, Segment } from '../src/kernels/clipping';
import { clip, gradientNorms } from '../src/reference/clipping';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { GRADIENT_UPDATE } from './support/tolerances';

const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });

const SMALL: Segment[] = [
  { offset: 0, length: 70 },
  { offset: 128, length: 9 },
  { offset: 192, length: 100 },
];
const LARGE: Segment[] = [
  { offset: 0, length: 60_000 },
  { offset: 60_032, length: 30_000 },
  { offset: 90_048, length: 9_999 },
];

/** An arena with zero padding; segment k's values scaled by scales[k] so norms land on both sides of the limit. */
function arena(length: number, segments: Segment[], scales: number[]): Float32Array {
  const g = new Float32Array(length);
  const random = rng(length);
  segments.forEach((s, k) => g.set(uniform(random, s.length, scales[k]!), s.offset));
  return g;
}

const CASES: { name: string; length: number; segments: Segment[]; scales: number[]; clip: ClipSpec; dispatches: number }[] = [
  { name: 'clipValue', length: 300, segments: SMALL, scales: [2, 0.1, 1], clip: { mode: 'value', clipValue: 0.5 }, dispatches: 1 },
  { name: 'clipNorm, per segment', length: 300, segments: SMALL, scales: [1, 0.1, 1], clip: { mode: 'norm', clipNorm: 2 }, dispatches: 5 },
  { name: 'globalClipNorm', length: 300, segments: SMALL, scales: [1, 0.1, 1], clip: { mode: 'globalNorm', globalClipNorm: 3 }, dispatches: 3 },
  {
    name: 'globalClipNorm under the limit: unchanged',
    length: 300,
    segments: SMALL,
    scales: [0.1, 0.1, 0.1],
    clip: { mode: 'globalNorm', globalClipNorm: 3 },
    dispatches: 3,
  },
  { name: 'clipValue, 100k arena', length: 100_048, segments: LARGE, scales: [1, 0.01, 3], clip: { mode: 'value', clipValue: 0.7 }, dispatches: 1 },
  { name: 'clipNorm, 100k arena', length: 100_048, segments: LARGE, scales: [1, 0.01, 3], clip: { mode: 'norm', clipNorm: 50 }, dispatches: 5 },
  {
    name: 'globalClipNorm, 100k arena',
    length: 100_048,
    segments: LARGE,
    scales: [1, 0.01, 3],
    clip: { mode: 'globalNorm', globalClipNorm: 50 },
    dispatches: 3,
  },
];

describe.skipIf(skipGpu)('gradient clipping on WebGPU', () => {
  const page = useHarness();

  it.each(CASES)('$name', async (c) => {
    const grads = arena(c.length, c.segments, c.scales);
    const norms = gradientNorms(grads, c.length, c.segments);
    if (c.clip.mode === 'norm') {
      const limit = c.clip.clipNorm;
      expect(norms.segments.some((n) => n > limit) && norms.segments.some((n) => n < limit)).toBe(true);
    }
    const result = await page.run('trainingClip', { grads: enc(grads), length: c.length, clip: c.clip, segments: c.segments });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(c.dispatches);
    expectClose(result.outputs.grads!, clip(grads, c.length, c.clip, c.segments), GRADIENT_UPDATE, 'grads');
  });

  it('an infinite gradient makes the global norm infinite and every gradient NaN, as TensorFlow', async () => {
    const grads = arena(300, SMALL, [1, 1, 1]);
    grads[5] = Infinity;
    const result = await page.run('trainingClip', { grads: enc(grads), length: 300, clip: { mode: 'globalNorm', globalClipNorm: 1 }, segments: SMALL });
    expect(Array.from(result.outputs.grads!).every(Number.isNaN)).toBe(true);
  });
});
