/**
 * Global setup of the `gpu` test project: one Vite dev server serving the repository (so the harness page
 * imports src/ as TypeScript) and one headless Chromium with WebGPU on SwiftShader, shared by every GPU test
 * file. Puppeteer never downloads a browser: it drives the system Chromium (CHROMIUM_PATH, else
 * /usr/bin/chromium). Set WEBRNN_SKIP_GPU_TESTS=1 to opt out on a machine without Chromium; otherwise a missing
 * browser or adapter fails the run instead of skipping it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    browserWSEndpoint: string;
    harnessUrl: string;
    skipGpu: boolean;
  }
}

let server: ViteDevServer | undefined;
let browser: Browser | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (process.env.WEBRNN_SKIP_GPU_TESTS === '1') {
    project.provide('skipGpu', true);
    project.provide('browserWSEndpoint', '');
    project.provide('harnessUrl', '');
    return;
  }
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `GPU tests need Chromium at ${executablePath} (install it with 'apt-get install -y chromium', point CHROMIUM_PATH ` +
        'at another build, or set WEBRNN_SKIP_GPU_TESTS=1 to skip these tests knowingly).',
    );
  }
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // No HMR: a file saved while the tests run must not reload the harness page under a running case. Cross-origin
  // isolated, as the bench's page is: the wasm backend's threads (SharedArrayBuffer) run only in such a page.
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  server = await createServer({ root, logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false, headers }, configFile: `${root}vite.config.ts` });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the Vite test server did not report a port');
  browser = await puppeteer.launch({ executablePath, headless: true, args: chromiumArgs(), protocolTimeout: 900_000 });
  project.provide('skipGpu', false);
  project.provide('browserWSEndpoint', browser.wsEndpoint());
  project.provide('harnessUrl', `http://127.0.0.1:${address.port}/test/browser/harness.html`);
}

export async function teardown(): Promise<void> {
  await browser?.close();
  await server?.close();
}
