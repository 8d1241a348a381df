// The Translate demo page (demo/translate/) trained at its defaults or other sizes, on SwiftShader or a real GPU:
// held-out exact-match accuracy (dates training never saw), training speed and wall time, for the README. Usage:
//   node bench/translate.mjs [epochs=4] [samples=20000]
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const epochs = Number(process.argv[2] ?? 4);
const samples = Number(process.argv[3] ?? 20000);
const root = new URL('..', import.meta.url).pathname;
const server = await createServer({
  configFile: `${root}demo/vite.config.ts`,
  logLevel: 'error',
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs(), headless: true, protocolTimeout: 3_600_000 });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const started = Date.now();
  await page.goto(`http://127.0.0.1:${port}/translate.html?auto=1&epochs=${epochs}&samples=${samples}`);
  await page.waitForFunction(() => ['done', 'error'].includes(window.demoState?.status), { timeout: 3_600_000, polling: 1000 });
  const state = await page.evaluate(() => window.demoState);
  const lines = await page.evaluate(() => ['adapter', 'speed', 'progress', 'accuracy', 'examples'].map((id) => document.getElementById(id).textContent));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`${samples} dates × ${epochs} epochs: ${state.status}${state.error ? ` (${state.error})` : ''}; ${seconds} s in all`);
  for (const line of lines) console.log(line);
} finally {
  await browser.close();
  await server.close();
}
