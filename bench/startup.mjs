// `npm run bench:startup`: time to the first predict and to the first one-batch fit of the tutorial model
// (LSTM(50, relu) + Dense(1), batch 32, 60 steps) in fresh pages: every run launches its own headless Chromium
// with an empty profile, so nothing compiled earlier is reused. Prints the medians and, for the first run of
// each scenario, where the time went (shader modules, each pipeline's compile). bench/startup.ts is the page.
//
//   npm run bench:startup                      3 runs per scenario
//   npm run bench:startup -- --runs=5 --json   more runs; the raw numbers as JSON too
//   npm run bench:startup -- --serial          compile one pipeline at a time: each pipeline's own compile time
//                                              (the per-kernel breakdown; the time to first result is longer)
//   npm run bench:startup -- --scenarios=predict,fit,gru-fit
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const runs = Number(argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
const serial = argv.includes('--serial');
const scenarios = (argv.find((a) => a.startsWith('--scenarios='))?.slice(12) ?? 'predict,fit').split(',');
const server = await createServer({ root, logLevel: 'error', configFile: `${root}vite.config.ts`, server: { host: '127.0.0.1', port: 0, hmr: false } });
await server.listen();
const { port } = server.httpServer.address();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
try {
  // One warm-up page first: Vite transforms and pre-bundles on first request, which is not webrnn's startup.
  for (const scenario of ['warm-up', ...scenarios]) {
    for (let i = 0; i < (scenario === 'warm-up' ? 1 : runs); i++) {
      const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs(), protocolTimeout: 600_000 });
      try {
        const page = await browser.newPage();
        page.on('pageerror', (e) => console.error('page error:', e));
        await page.goto(`http://127.0.0.1:${port}/bench/startup.html`);
        await page.waitForFunction(() => 'startup' in window, { timeout: 300_000 });
        const r = await page.evaluate((s, serialCompiles) => window.startup(s, serialCompiles), scenario === 'warm-up' ? 'predict' : scenario, serial);
        if (scenario !== 'warm-up') results.push(r);
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  await server.close();
}
for (const scenario of scenarios) {
  const rs = results.filter((r) => r.scenario === scenario);
  const f = (key) => median(rs.map((r) => r[key])).toFixed(0);
  console.log(
    `first ${scenario}: ${f('totalToFirstMs')} ms from createRuntime (createRuntime ${f('createRuntimeMs')} ms, the first call ${f('firstMs')} ms), the second call ${f('secondMs')} ms; median of ${rs.length} fresh pages`,
  );
  const first = rs[0];
  const byWhat = {};
  for (const p of first.phases) byWhat[p.what] = byWhat[p.what] ?? { n: 0, ms: 0, max: 0 };
  for (const p of first.phases) {
    byWhat[p.what].n += 1;
    byWhat[p.what].ms += p.ms;
    byWhat[p.what].max = Math.max(byWhat[p.what].max, p.ms);
  }
  for (const [what, s] of Object.entries(byWhat)) console.log(`  ${what}: ${s.n} calls, ${s.ms.toFixed(0)} ms in all (the longest ${s.max.toFixed(0)} ms)`);
  const slowest = [...first.phases]
    .filter((p) => p.what !== 'createShaderModule')
    .sort((a, b) => b.ms - a.ms)
    .slice(0, serial ? 40 : 6);
  console.log(
    `  ${serial ? 'each pipeline' : 'slowest (concurrent compiles: each time includes waiting for the others)'}: ${slowest.map((p) => `${p.label} ${p.ms.toFixed(0)} ms`).join(', ')}`,
  );
}
console.log(`adapter: ${results[0]?.adapter.description || results[0]?.adapter.vendor}`);
if (argv.includes('--json')) console.log(JSON.stringify(results, null, 1));
