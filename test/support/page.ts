/**
 * The Node side of the GPU tests: opens the harness page in the shared headless Chromium and calls
 * `window.webrnnHarness` methods, decoding their float32 outputs. Page errors and console errors are
 * collected so a test can assert there were none.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { Harness } from '../browser/harness';
import type { CaseResult } from '../browser/harnessCore';
import { decodeFloats } from './base64';

export interface HarnessPage {
  call<K extends keyof Harness>(method: K, ...args: Parameters<Harness[K]>): Promise<Awaited<ReturnType<Harness[K]>>>;
  run<K extends keyof Harness>(method: K, ...args: Parameters<Harness[K]>): Promise<DecodedResult>;
  errors: string[];
  close(): Promise<void>;
}

export interface DecodedResult extends Omit<CaseResult, 'outputs'> {
  outputs: Record<string, Float32Array>;
}

export const skipGpu = inject('skipGpu');

export async function openHarness(): Promise<HarnessPage> {
  // Puppeteer's own 180 s limit per page call is not one this suite may lean on: a GPU case on a loaded
  // 2-core machine can take minutes. Vitest's per-test limit (vitest.config.ts) is the one that applies.
  const browser: Browser = await puppeteer.connect({ browserWSEndpoint: inject('browserWSEndpoint'), protocolTimeout: 900_000 });
  const page: Page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(inject('harnessUrl'));
  await page.waitForFunction(() => 'webrnnHarness' in window, { timeout: 60_000 });
  const call = async (method: string, ...args: unknown[]) =>
    page.evaluate((m, a) => (window as unknown as { webrnnHarness: Record<string, (...x: unknown[]) => unknown> }).webrnnHarness[m]!(...a), method, args);
  return {
    errors,
    call: call as HarnessPage['call'],
    async run(method, ...args) {
      const result = (await call(method, ...args)) as CaseResult;
      const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, decodeFloats(v)]));
      return { ...result, outputs };
    },
    async close() {
      await page.close();
      await browser.disconnect();
    },
  };
}

/**
 * Opens a harness page before the calling file's tests and, after them, asserts the page logged no errors and
 * closes it: the setup every GPU test file shares. Use inside its describe block.
 */
export function useHarness(): Pick<HarnessPage, 'call' | 'run'> {
  let page: HarnessPage | undefined;
  beforeAll(async () => {
    page = await openHarness();
  });
  afterAll(async () => {
    expect(page?.errors).toEqual([]);
    await page?.close();
  });
  const opened = () => {
    if (!page) throw new Error('useHarness(): the page opens in beforeAll; call run/call from a test');
    return page;
  };
  return {
    call: (method, ...args) => opened().call(method, ...args),
    run: (method, ...args) => opened().run(method, ...args),
  };
}
