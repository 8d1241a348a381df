// `npm run bench`: serves the repository with Vite, opens bench/index.html in the system Chromium (WebGPU on
// SwiftShader here, the real GPU where there is one) and prints the median time of each case.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 7);
const args = [
  '--enable-unsafe-webgpu',
  ...(process.env.BENCH_ADAPTER === 'gpu' ? [] : ['--use-webgpu-adapter=swiftshader']),
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const server = await createServer({ root, logLevel: 'error', server: { host: '127.0.0.1', port: 0 }, configFile: `${root}vite.config.ts` });
await server.listen();
const { port } = server.httpServer.address();
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`http://127.0.0.1:${port}/bench/index.html`);
  await page.waitForFunction(() => 'runBench' in window, { timeout: 60_000 });
  const result = await page.evaluate((n) => window.runBench(n), runs);
  const name = [result.adapter.vendor, result.adapter.architecture, result.adapter.description].filter(Boolean).join(' ');
  console.log(`adapter: ${name}${result.adapter.isFallback ? ' (CPU emulation)' : ''}; median of ${runs} runs`);
  for (const row of result.rows) console.log(`${row.case.padEnd(50)} ${row.ms.toFixed(1).padStart(9)} ms`);
  await mkdir(`${root}bench/results`, { recursive: true });
  const file = `${root}bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), runs, ...result }, null, 2));
  console.log(`wrote ${file}`);
} finally {
  await browser.close();
  await server.close();
}
