// The Classify demo page trained with and without maskZero (demo/classify/main.ts, ?mask=0), on SwiftShader or
// a real GPU: held-out accuracy and the last epoch's losses, for the README. Usage:
//   node bench/classify-masking.mjs [epochs=8]
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const epochs = Number(process.argv[2] ?? 8);
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
  for (const mask of ['1', '0']) {
    const page = await browser.newPage();
    const started = Date.now();
    await page.goto(`http://127.0.0.1:${port}/classify.html?auto=1&epochs=${epochs}&mask=${mask}`);
    await page.waitForFunction(() => ['done', 'error'].includes(window.demoState?.status), { timeout: 3_600_000, polling: 1000 });
    const state = await page.evaluate(() => window.demoState);
    const progress = await page.$eval('#progress', (p) => p.textContent);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`maskZero ${mask === '1'}: ${state.status}; held-out accuracy ${state.result?.heldOutAccuracy}; ${progress}; ${seconds} s`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
