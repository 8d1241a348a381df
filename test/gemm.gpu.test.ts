/**
 * GPU GEMM vs its float64 twin (src/reference/gemm.ts), transposes, bias and offsets, for every variant
 * (shaders/gemm.wgsl and shaders/gemmVec4.wgsl, with 8×4 and 8×8 blocks).
 */
import { describe, expect, it } from 'vitest';
import { GEMM_VARIANTS } from '../src/kernels/gemm';
import { gemm } from '../src/reference/gemm';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { GEMM } from './support/tolerances';

const CASES = [
  // sizes that are not multiples of the 4×4 register block or the 32×32 tile, and a long K like dW = Xᵀ·dG
  { m: 1, n: 1, k: 1, transA: false, transB: false, bias: false },
  { m: 5, n: 7, k: 3, transA: false, transB: false, bias: true },
  { m: 33, n: 65, k: 17, transA: true, transB: false, bias: false },
  { m: 40, n: 9, k: 31, transA: false, transB: true, bias: true },
  { m: 7, n: 200, k: 1920, transA: true, transB: false, bias: false },
  { m: 64, n: 64, k: 64, transA: true, transB: true, bias: true },
];

// gemmVec4.wgsl reads a tile as vec4s only where it is aligned (offsets and the strided dimension multiples of
// 4): these cases take each vec4 path (A plain and transposed, B plain and transposed, C stored as vec4), the
// scalar remainder of a K that is not a multiple of 4, and unaligned neighbours of each.
const ALIGNED_CASES = [
  { m: 33, n: 20, k: 12, transA: false, transB: false, bias: true },
  { m: 48, n: 200, k: 1921, transA: true, transB: false, bias: false },
  { m: 52, n: 200, k: 1920, transA: true, transB: false, bias: false },
  { m: 40, n: 12, k: 32, transA: false, transB: true, bias: true },
  { m: 64, n: 64, k: 64, transA: true, transB: true, bias: false },
  { m: 9, n: 7, k: 8, transA: false, transB: false, bias: true },
  { m: 8, n: 8, k: 7, transA: false, transB: true, bias: false },
  { m: 1920, n: 1, k: 200, transA: false, transB: true, bias: false },
];

const TABLE = [...CASES.map((c) => ({ ...c, aligned: false })), ...ALIGNED_CASES.map((c) => ({ ...c, aligned: true }))].flatMap((c) => [
  // the default block for the shape, then gemmVec4.wgsl's 8×4 and 8×8 blocks, each in 8×8 and 4×4 workgroups
  ...GEMM_VARIANTS.map((variant) => ({ ...c, variant, vec4Cols: undefined, vec4Side: undefined })),
  ...([4, 8] as const).flatMap((vec4Cols) => ([4, 8] as const).map((vec4Side) => ({ ...c, variant: 'vec4' as const, vec4Cols, vec4Side }))),
]);

describe.skipIf(skipGpu)('gemm on WebGPU', () => {
  const page = useHarness();

  it.each(TABLE)('$variant cols=$vec4Cols side=$vec4Side m=$m n=$n k=$k transA=$transA transB=$transB bias=$bias aligned=$aligned', async (c) => {
    const random = rng(c.m * 1000 + c.n * 10 + c.k);
    const aOffset = c.aligned ? 4 : 3;
    const bOffset = c.aligned ? 8 : 5;
    const cOffset = c.aligned ? 4 : 2;
    const aFull = uniform(random, aOffset + c.m * c.k, 1);
    const bFull = uniform(random, bOffset + c.k * c.n, 1);
    const bias = c.bias ? uniform(random, c.n, 1) : undefined;
    const result = await page.run('gemm', {
      a: { data: encodeFloats(aFull), shape: [aFull.length] },
      b: { data: encodeFloats(bFull), shape: [bFull.length] },
      ...(bias ? { bias: { data: encodeFloats(bias), shape: [c.n] } } : {}),
      m: c.m,
      n: c.n,
      k: c.k,
      transA: c.transA,
      transB: c.transB,
      aOffset,
      bOffset,
      cOffset,
      variant: c.variant,
      ...(c.vec4Cols ? { vec4Cols: c.vec4Cols, vec4Side: c.vec4Side } : {}),
    });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(1);
    const expected = gemm({
      a: aFull.subarray(aOffset),
      b: bFull.subarray(bOffset),
      ...(bias ? { bias } : {}),
      m: c.m,
      n: c.n,
      k: c.k,
      transA: c.transA,
      transB: c.transB,
    });
    expectClose(result.outputs.c!, expected, { atol: GEMM.atol * Math.sqrt(c.k), rtol: GEMM.rtol }, 'C');
  });
});
