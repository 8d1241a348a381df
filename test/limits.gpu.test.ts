/**
 * Device limits on WebGPU (test/browser/limitCases.ts): buffers past maxStorageBufferBindingSize or
 * maxBufferSize fail with a DeviceLimitError naming the limit and both sizes before anything is allocated, and
 * work more than 65 535 workgroups long (the per-dimension limit) still reaches every element.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('device limits', () => {
  const page = useHarness();

  it('a model past the binding or buffer limit fails at compile; a batch past it fails at predict; nothing leaks', async () => {
    const r = await page.call('modelTooLarge');
    expect(r.limits).toEqual({ maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 });
    expect(r.binding?.name).toBe('DeviceLimitError');
    expect(r.binding?.message).toMatch(
      /^buffer 'webrnn parameters' needs 144,108,544 bytes \(137\.4 MiB\), more than this device's maxStorageBufferBindingSize of 134,217,728 bytes \(128\.0 MiB\)\. Use fewer units/,
    );
    expect(r.buffer?.name).toBe('DeviceLimitError');
    expect(r.buffer?.message).toMatch(/^buffer 'webrnn parameters' needs 400,180,736 bytes .*, more than this device's maxBufferSize of 268,435,456 bytes/);
    expect(r.allocated).toBe(0);
    expect(r.batch?.name).toBe('DeviceLimitError');
    // The first activation past the limit: xproj, or gates where the LSTM computes x·W + b in its step (few features).
    expect(r.batch?.message).toMatch(/(xproj|gates)' needs 143,360,000 bytes .*maxStorageBufferBindingSize of 134,217,728 bytes.*smaller batchSize/);
    expect(r.leftBehind).toBe(0);
    expect(r.afterFinite).toBe(true);
  });

  // Rows of C per workgroup: gemm.wgsl 32 (8×8 invocations of 4×4), gemmVec4.wgsl 64 (8×8 of 8×4).
  it.each([
    { variant: 'plain' as const, tileRows: 32 },
    { variant: 'vec4' as const, tileRows: 64 },
  ])('a $variant GEMM 65 537 tiles tall (n = k = 1) writes every row', async (spec) => {
    const r = await page.run('bigGemm', spec);
    expect(r.validationError).toBeNull();
    expect(r.dispatches).toBe(1);
    const [m, wrong, first] = Array.from(r.outputs.summary!);
    expect(m).toBeGreaterThan(65535 * spec.tileRows);
    expect({ wrong, first }).toEqual({ wrong: 0, first: -1 });
  });

  it('an LSTM with batch × units = 4 194 305 (> 65 535 workgroups of 64) equals the same rows in a batch of 7', async () => {
    const r = await page.run('bigBatchLstm');
    expect(r.validationError).toBeNull();
    const [batch, wrong, last, expected] = Array.from(r.outputs.summary!);
    expect(batch).toBeGreaterThan(65535 * 64);
    expect(wrong).toBe(0);
    expect(last).toBe(expected);
    expect(Number.isFinite(last)).toBe(true);
  });
});
