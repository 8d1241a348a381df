/** The float64 twin of shaders/clipping.wgsl: Keras's clipvalue, clipnorm (per tensor) and global_clipnorm. */
import { describe, expect, it } from 'vitest';
import { clipScratchLength, clipSpecOf, recordClip } from '../src/kernels/clipping';
import { clip, gradientNorms } from '../src/reference/clipping';

// Two tensors: [3, 4] (norm 5) at 0 and [0.6, 0.8] (norm 1) at 64; zero padding between them.
const grads = new Float64Array(128);
grads.set([3, 4], 0);
grads.set([0.6, 0.8], 64);
const SEGMENTS = [
  { offset: 0, length: 2 },
  { offset: 64, length: 2 },
];

describe('reference clipping', () => {
  it('clipValue clamps every element', () => {
    const out = clip([3, -4, 0.5, -0.2], 4, { mode: 'value', clipValue: 1 });
    expect(Array.from(out)).toEqual([1, -1, 0.5, -0.2]);
  });

  it('clipNorm rescales each tensor on its own: the big one to the limit, the small one untouched', () => {
    const out = clip(grads, 128, { mode: 'norm', clipNorm: 2 }, SEGMENTS);
    expect(out[0]).toBeCloseTo(1.2, 12);
    expect(out[1]).toBeCloseTo(1.6, 12);
    expect(Array.from(out.subarray(64, 66))).toEqual([0.6, 0.8]);
    expect(gradientNorms(out, 128, SEGMENTS).segments[0]).toBeCloseTo(2, 12);
  });

  it('globalClipNorm scales all tensors by the same factor c / global norm', () => {
    const norm = Math.sqrt(26);
    expect(gradientNorms(grads, 128, SEGMENTS).global).toBeCloseTo(norm, 12);
    const out = clip(grads, 128, { mode: 'globalNorm', globalClipNorm: 1 });
    expect(out[0]).toBeCloseTo(3 / norm, 12);
    expect(out[65]).toBeCloseTo(0.8 / norm, 12);
    expect(gradientNorms(out, 128, SEGMENTS).global).toBeCloseTo(1, 12);
  });

  it('norms under the limit, and all-zero gradients, pass unchanged', () => {
    expect(Array.from(clip(grads, 128, { mode: 'globalNorm', globalClipNorm: 10 }))).toEqual(Array.from(grads));
    expect(Array.from(clip(new Float64Array(64), 64, { mode: 'norm', clipNorm: 1 }, [{ offset: 0, length: 64 }]))).toEqual(new Array(64).fill(0));
  });

  it('an infinite global norm turns every gradient into NaN, as tf.clip_by_global_norm', () => {
    const out = clip([Infinity, 1], 2, { mode: 'globalNorm', globalClipNorm: 1 });
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it('clipSpecOf maps the optimizer options; scratch is two floats per 64-float block', () => {
    expect(clipSpecOf({ clipNorm: 1 })).toEqual({ mode: 'norm', clipNorm: 1 });
    expect(clipSpecOf({ globalClipNorm: 2 })).toEqual({ mode: 'globalNorm', globalClipNorm: 2 });
    expect(clipSpecOf({ clipValue: 0.5 })).toEqual({ mode: 'value', clipValue: 0.5 });
    expect(clipSpecOf({})).toBeNull();
    expect(clipScratchLength(129)).toBe(6);
  });
});

describe('recordClip refuses bad arguments before recording anything', () => {
  const plan = { dispatch: () => expect.fail('nothing may be recorded') } as never;
  const buffer = (floats: number) => ({ size: floats * 4 }) as GPUBuffer;
  const norm = { mode: 'norm', clipNorm: 1 } as const;

  it.each([
    [
      { clip: norm, grads: buffer(256), length: 256, scratch: buffer(8), segments: [{ offset: 10, length: 5 }] },
      /segments\[0\].offset must be a multiple of 64; got 10/,
    ],
    [
      {
        clip: norm,
        grads: buffer(256),
        length: 256,
        scratch: buffer(8),
        segments: [
          { offset: 64, length: 70 },
          { offset: 128, length: 5 },
        ],
      },
      /segments\[1\] starts at 128, inside the previous segment's blocks \(up to 192\)/,
    ],
    [{ clip: norm, grads: buffer(256), length: 256, scratch: buffer(8), segments: [{ offset: 192, length: 65 }] }, /ends at 257, past the arena length 256/],
    [{ clip: norm, grads: buffer(256), length: 256, scratch: buffer(8) }, /needs their segments/],
    [{ clip: norm, grads: buffer(256), length: 256, segments: [{ offset: 0, length: 5 }] }, /needs a scratch buffer of clipScratchLength\(256\) = 8 floats/],
    [{ clip: { mode: 'globalNorm', globalClipNorm: 1 }, grads: buffer(256), length: 256, scratch: buffer(7) }, /scratch holds 7 floats/],
    [{ clip: { mode: 'value', clipValue: -1 }, grads: buffer(256), length: 256 }, /clipValue must be a finite number > 0; got -1/],
    [{ clip: { mode: 'value', clipValue: 1 }, grads: buffer(100), length: 256 }, /grads holds 100 floats/],
  ])('%#', (args, message) => {
    expect(() => recordClip(plan, args as never)).toThrow(message);
  });
});
