/**
 * Models TF.js saved in the browser, loaded by webrnn in the same page: TF.js (CPU backend) saves an LSTM to
 * `indexeddb://` and `localstorage://`, webrnn loads both by the same URL and predicts what TF.js predicted, fed
 * the same tf.Tensor (test/browser/tfjsStores.ts).
 */
import puppeteer from 'puppeteer-core';
import { describe, expect, inject, it } from 'vitest';
import { expectClose } from './support/compare';
import { skipGpu } from './support/page';
import { rng, uniform } from './support/random';

/** webrnn on the GPU vs TF.js on its CPU, both float32, 4 steps. */
const PEER = { atol: 1e-4, rtol: 1e-4 };

describe.skipIf(skipGpu)("models TF.js saved in this page's IndexedDB and localStorage", () => {
  it('load by the URL TF.js saved them under and predict as TF.js does; a missing name lists what TF.js saved', async () => {
    const browser = await puppeteer.connect({ browserWSEndpoint: inject('browserWSEndpoint'), protocolTimeout: 900_000 });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(inject('harnessUrl').replace(/harness\.html$/, 'tfjsStores.html'));
      await page.waitForFunction(() => 'tfjsStores' in window, { timeout: 120_000 });
      const shape = [3, 4, 2];
      const x = Array.from(uniform(rng(77), 3 * 4 * 2, 1));
      const r = await page.evaluate(
        (xs, s) =>
          (window as unknown as { tfjsStores: { savedByTfjs(x: number[], shape: number[]): Promise<Record<string, unknown>> } }).tfjsStores.savedByTfjs(xs, s),
        x,
        shape,
      );
      const expected = Float32Array.from(r.expected as number[]);
      expect(expected).toHaveLength(3 * 2);
      expectClose(Float32Array.from(r['indexeddb://tfjs-saved'] as number[]), expected, PEER, "indexeddb:// (TF.js's database)");
      expectClose(Float32Array.from(r['localstorage://tfjs-saved'] as number[]), expected, PEER, "localstorage:// (TF.js's items)");
      expect(r.missing).toEqual({
        name: 'ModelFormatError',
        message: expect.stringMatching(/^indexeddb:\/\/never-saved: existence check failed: .*saved by TF\.js: tfjs-saved\)/),
      });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.disconnect();
    }
  });
});
