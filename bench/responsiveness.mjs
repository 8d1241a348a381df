// `npm run bench:responsiveness`: how free the page's main thread stays while the tutorial model trains, on the
// page and in a worker (remoteModel). Long tasks (over 50 ms) and how late a 16 ms timer fires, per run; the page
// is bench/responsiveness.ts. Timings are the bench's, never a test's.
//
//   npm run bench:responsiveness                       3 runs of 5 epochs each
//   npm run bench:responsiveness -- --runs=5 --epochs=3
//   npm run bench:responsiveness -- --window=200 --units=128    a longer window, a wider LSTM
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const arg = (name, fallback) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const runs = arg('runs', 3);
const epochs = arg('epochs', 5);
const window = arg('window', 60);
const units = arg('units', 50);
const server = await createServer({ root, logLevel: 'error', configFile: `${root}vite.config.ts`, server: { host: '127.0.0.1', port: 0, hmr: false } });
await server.listen();
const { port } = server.httpServer.address();
const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs(), protocolTimeout: 1_800_000 });
try {
  const rows = [];
  let adapter = '';
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`http://127.0.0.1:${port}/bench/responsiveness.html`);
    await page.waitForFunction(() => 'responsiveness' in window, { timeout: 300_000 });
    const r = await page.evaluate((e, w, u) => globalThis.responsiveness(e, w, u), epochs, window, units);
    adapter = r.adapter;
    rows.push(...r.rows.map((row) => ({ run: i + 1, ...row })));
    await page.close();
  }
  console.log(
    `adapter: ${adapter || '(unnamed)'}; LSTM(${units}, relu) + Dense(1) on windows of ${window} AAPL closes, batch 32, ${epochs} epochs per run, main thread watched while fit runs`,
  );
  console.log('run  where          train ms  long tasks  longest ms  blocking ms  timer late p95/max ms');
  for (const r of rows) {
    const cells = [
      r.run,
      r.where.padEnd(13),
      r.trainMs.toFixed(0).padStart(8),
      String(r.longTasks).padStart(10),
      r.longestTaskMs.toFixed(0).padStart(10),
      r.blockingMs.toFixed(0).padStart(11),
    ];
    console.log(`${cells.join('  ')}  ${r.timerLateP95Ms.toFixed(1)} / ${r.timerLateMaxMs.toFixed(1)}`);
  }
} finally {
  await browser.close();
  await server.close();
}
