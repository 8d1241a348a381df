/**
 * Models with the sequence layers on WebGPU: predictStep refuses the ones that need a whole sequence. Their kernels
 * against the twins: globalPooling1d.gpu.test.ts, repeatVector.gpu.test.ts; whole models with them and
 * TimeDistributed against TF.js: interop.gpu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('sequence layers on WebGPU', () => {
  const page = useHarness();

  it.each(['globalAveragePooling1d', 'repeatVector'] as const)('predictStep refuses a model with %s, which needs the whole sequence', async (kind) => {
    const r = await page.call('predictStepThroughTime', kind);
    expect(r.error).toMatch(
      /^ValueError: predictStep feeds one timestep at a time, but layer '(pool|rv)' \((GlobalAveragePooling1D|RepeatVector)\) works on whole sequences/,
    );
  });
});
