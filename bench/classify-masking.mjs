// The Classify demo page (demo/classify/main.ts) trained under several settings, on SwiftShader or a real GPU:
// held-out accuracy, the last epoch's losses and the wall time of each, for the README. Each setting is the page's
// query string (mask=0: no maskZero; dropout=, recurrentDropout=: the LSTM's; seed=: the weights'). Usage:
//   node bench/classify-masking.mjs [epochs=8] [setting ...]       default settings: mask=1 and mask=0
//   node bench/classify-masking.mjs 8 "" "recurrentDropout=0.2" "dropout=0.2"
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const epochs = Number(process.argv[2] ?? 8);
const settings = process.argv.length > 3 ? process.argv.slice(3) : ['mask=1', 'mask=0'];
const root = new URL('..', import.meta.url).pathname;
const server = await createServer({
  configFile: `${root}demo/vite.config.ts`,
  logLevel: 'error',
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs(), headless: true });
try {
  for (const setting of settings) {
    const page = await browser.newPage();
    const started = Date.now();
    await page.goto(`http://127.0.0.1:${port}/classify.html?auto=1&epochs=${epochs}${setting ? `&${setting}` : ''}`);
    await page.waitForFunction(() => ['done', 'error'].includes(window.demoState?.status), { timeout: 3_600_000, polling: 1000 });
    const state = await page.evaluate(() => window.demoState);
    const progress = await page.$eval('#progress', (p) => p.textContent);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`${setting || '(page defaults)'}: ${state.status}; held-out accuracy ${state.result?.heldOutAccuracy}; ${progress}; ${seconds} s`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
