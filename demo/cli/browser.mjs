// The Vite server that serves the job page (it imports src/ as TypeScript) and the headless Chromium that runs
// it on WebGPU: SwiftShader here, a real GPU with WEBRNN_ADAPTER=gpu (flags: scripts/chromium.mjs).
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { UsageError } from './options.mjs';

export async function startServer(root) {
  // No watcher and no HMR: an edit elsewhere in the tree must not reload the page in the middle of training.
  const server = await createServer({
    root,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    // Scan only the job page for dependencies to pre-bundle (the default scans every .html in the repository),
    // into a cache of its own so a test server or the demo using node_modules/.vite is not disturbed.
    optimizeDeps: { entries: ['demo/cli/job.html'] },
    cacheDir: `${root}node_modules/.vite-start`,
    configFile: `${root}vite.config.ts`,
  });
  await server.listen();
  const { port } = server.httpServer.address();
  return { server, origin: `http://127.0.0.1:${port}` };
}

export async function launchBrowser() {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new UsageError(
      `Chromium not found at ${executablePath}: install it ('apt-get install -y chromium') or point CHROMIUM_PATH at a Chrome/Chromium binary.`,
    );
  }
  // The whole training is one page.evaluate; Puppeteer's default 180 s protocol timeout would cut long runs.
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: chromiumArgs({ gpu: process.env.WEBRNN_ADAPTER === 'gpu' }),
    protocolTimeout: 24 * 3600_000,
  });
}
