/**
 * csvWindows in the browser, on a Blob (a picked File): the streamed batches are makeWindows's windows, and a model
 * trained on them with fitDataset lands on the weights of fit on the same windows in memory, batch for batch.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('csvWindows on a Blob, into fitDataset', () => {
  const page = useHarness();

  it('streams the windows of the file and trains as fit does on them', async () => {
    const text = 'a,b\n' + Array.from({ length: 80 }, (_, i) => `${Math.sin(i * 0.3).toFixed(4)},${i % 5}`).join('\n') + '\n';
    const r = await page.call('csvWindowsFromBlob', text);
    expect(r.rows).toBe(80);
    expect(r.windows).toBe(56); // targets in rows 4..59
    expect(r.sizes).toEqual([8, 8, 8, 8, 8, 8, 8]);
    expect(r.xs).toEqual(r.expected.xs);
    expect(r.ys).toEqual(r.expected.ys);
    expect(r.sameWeights).toBe(true);
  });
});
