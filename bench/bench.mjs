// `npm run bench`: serves the repository with Vite, opens the bench pages in one headless system Chromium
// (WebGPU on SwiftShader here; BENCH_ADAPTER=gpu for the real GPU) and prints the median time of each case.
//
//   npm run bench                      webrnn vs TF.js (webgpu, webgl, wasm) + loss check + profile → bench/results/
//   npm run bench -- --profile         only the profile: pieces of one LSTM training step, GFLOP/s
//                    [--sections=gemm,tutorial,large]
//   npm run bench -- --webrnn-only     skip the TF.js peers (quick iteration on kernels)
//   npm run bench -- --cases=tutorial,streaming      a subset of tutorial, large, gru, streaming
//   npm run bench -- --peers=wasm --budget-ms=15000 --skip=large/train/webgpu --no-profile
//   npm run bench -- --name=swiftshader-2026-11-29     the results file to commit (see .gitignore)
//   npm run bench -- --markdown        also print the table as Markdown (README.md's Benchmark section)
//   BENCH_RUNS=5                       timed runs per cell (slow peers stop early, see bench/page.ts)
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const gpu = process.env.BENCH_ADAPTER === 'gpu';
const args = [
  '--enable-unsafe-webgpu',
  // WebGL (TF.js's webgl peer) on SwiftShader needs --enable-unsafe-swiftshader in current Chromium.
  ...(gpu ? ['--enable-gpu', '--ignore-gpu-blocklist'] : ['--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader']),
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

function adapterName(a) {
  return [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') + (a.isFallback ? ' (CPU emulation)' : '');
}

const fmt = (ms) => (ms === null || ms === undefined ? '—' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function printProfile(rows) {
  console.log(`\n${'profile piece'.padEnd(62)} ${'ms'.padStart(9)} ${'disp.'.padStart(6)} ${'GFLOP/s'.padStart(8)}`);
  let shape = '';
  for (const r of rows) {
    if (r.shape !== shape) console.log(`${(shape = r.shape)}`);
    console.log(`  ${r.piece.padEnd(60)} ${fmt(r.ms).padStart(9)} ${String(Math.round(r.dispatches)).padStart(6)} ${(r.gflops === null ? '—' : r.gflops.toFixed(2)).padStart(8)}`);
  }
}

const cell = (t, ours) => {
  if (!t) return '—';
  if (t.ms === null) return t.note?.startsWith('skipped') ? 'skipped' : 'n/a';
  const n = t.runs < runs ? ` n=${t.runs}` : '';
  if (ours === undefined) return `${fmt(t.ms)}${n}`;
  const ratio = ours / t.ms;
  return `${fmt(t.ms)}${n} · ${ratio < 0.01 ? ratio.toExponential(1) : ratio.toFixed(2)} (${(1 / ratio).toFixed(1)}×)`;
};

function report(result, options, torch, seconds) {
  const a = result.adapter;
  console.log(`\nadapter: ${adapterName(a)} · ${result.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? ''} · TF.js ${result.tfjs.version} (wasm threads: ${result.tfjs.wasmThreads ?? '?'}, crossOriginIsolated: ${result.crossOriginIsolated})`);
  console.log(`median of up to ${options.runs} runs after one warm-up (n = runs when fewer fit the ${options.budgetMs / 1000} s budget); ratio = webrnn/peer (peer/webrnn = × faster); ${seconds.toFixed(0)} s in all`);
  const peers = options.peers.map((p) => `tfjs-${p}`);
  const widths = [10, 8, 12, ...peers.map(() => 30)];
  const line = (cols) => console.log(cols.map((c, i) => String(c).padEnd(widths[i])).join(' '));
  line(['case', 'op', 'webrnn ms', ...peers.map((p) => `${p} ms · ratio (×)`)]);
  for (const r of result.rows) line([r.case, r.op, cell(r.webrnn), ...options.peers.map((p) => cell(r.peers[p], r.webrnn.ms))]);
  for (const r of result.rows) for (const [p, t] of Object.entries(r.peers)) if (t?.note) console.log(`  note ${r.case}/${r.op}/tfjs-${p}: ${t.note}`);
  console.log(torch ? 'PyTorch: importable, but no PyTorch column is implemented yet' : 'PyTorch: python3 cannot import torch here, so there is no PyTorch column');
  if (result.lossChecks.length) {
    console.log('\none-epoch loss check (same data and initial weights, batch size as the case, no shuffle), webrnn vs TF.js wasm:');
    for (const c of result.lossChecks) console.log(`  ${c.case.padEnd(9)} ${c.samples} samples: webrnn ${c.webrnn.toPrecision(7)}  tfjs ${c.tfjs.toPrecision(7)}  rel. diff ${c.relDiff.toExponential(1)}  ${c.ok ? 'ok' : 'MISMATCH'}`);
  }
  console.log(`\nGPU bytes (webrnn runtime): at start ${result.bytes.atStart}, at end ${result.bytes.atEnd}`);
  for (const [name, b] of Object.entries(result.bytes.perCase)) console.log(`  ${name.padEnd(9)} after warm-up ${b.warm}, after every run ${b.end}  ${b.warm === b.end ? 'flat' : 'GREW'}`);
  if (result.profile.length) {
    printProfile(result.profile);
    const best = Math.max(...result.profile.filter((r) => r.shape === 'best GEMM').map((r) => r.gflops));
    console.log(`best GEMM on this adapter: ${best.toFixed(2)} GFLOP/s; each kernel as a share of it:`);
    for (const r of result.profile) if (r.shape !== 'best GEMM' && r.gflops !== null) console.log(`  ${r.shape.split(' ')[0].padEnd(9)} ${r.piece.trim().padEnd(58)} ${((100 * r.gflops) / best).toFixed(0).padStart(4)} %`);
  }
  for (const n of result.notes) console.log(`note: ${n}`);
  if (flag('markdown')) printMarkdown(result, options);
}

/** The table again as Markdown, for README.md's Benchmark section. */
function printMarkdown(result, options) {
  const md = (t, ours) => {
    if (!t) return '—';
    if (t.ms === null) return t.note?.startsWith('skipped') ? 'skipped' : 'n/a';
    const n = t.runs < options.runs ? ` (n=${t.runs})` : '';
    return ours === undefined ? `${fmt(t.ms)}${n}` : `${fmt(t.ms)}${n} · **${(t.ms / ours).toFixed(t.ms / ours < 10 ? 1 : 0)}×**`;
  };
  console.log(`\n| case | op | webrnn ms | ${options.peers.map((p) => `TF.js ${p} ms · webrnn speed-up`).join(' | ')} |`);
  console.log(`|---|---|---:|${options.peers.map(() => '---:').join('|')}|`);
  for (const r of result.rows) console.log(`| ${r.case} | ${r.op} | ${md(r.webrnn)} | ${options.peers.map((p) => md(r.peers[p], r.webrnn.ms)).join(' | ')} |`);
}

function torchAvailable() {
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const server = await createServer({
  root,
  logLevel: 'error',
  configFile: `${root}vite.config.ts`,
  // Cross-origin isolation lets TF.js's wasm backend use its threaded build (SharedArrayBuffer), its fastest.
  // No HMR: others edit this tree while a bench runs, and a file change must not reload the page mid-run.
  server: { host: '127.0.0.1', port: 0, hmr: false, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args, protocolTimeout: 1_800_000 });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') console.error(`page ${m.type()}: ${m.text()}`);
    else if (m.text().startsWith('[bench]')) console.log(m.text().slice(8));
  });
  // Vite may reload a page once while it pre-bundles dependencies it just discovered: open, then wait for
  // the page's entry to stay put for a moment before calling into it.
  const open = async (file, entry) => {
    await page.goto(`http://127.0.0.1:${port}/bench/${file}`);
    for (let settled = 0; settled < 3; ) {
      await page.waitForFunction((e) => e in window, { timeout: 300_000 }, entry);
      await new Promise((r) => setTimeout(r, 1000));
      settled = (await page.evaluate((e) => e in window, entry).catch(() => false)) ? settled + 1 : 0;
    }
  };
  if (flag('profile')) {
    await open('profile.html', 'profile');
    const sections = option('sections')?.split(',');
    const result = await page.evaluate((o) => window.profile(o), sections ? { sections } : {});
    console.log(`adapter: ${adapterName(result.adapter)}`);
    printProfile(result.rows);
  } else {
    const peers = flag('webrnn-only') ? [] : (option('peers') ?? 'webgpu,webgl,wasm').split(',').filter(Boolean);
    const options = {
      runs,
      cases: (option('cases') ?? 'tutorial,large,gru,streaming').split(','),
      peers,
      budgetMs: Number(option('budget-ms') ?? 15_000),
      // TF.js webgpu on SwiftShader needs minutes per large training step (and its warm-up): off by default there.
      skip: (option('skip') ?? (gpu ? '' : 'large/train/webgpu')).split(',').filter(Boolean),
      profile: !flag('no-profile'),
    };
    const torch = torchAvailable();
    await open('index.html', 'runBench');
    const t0 = Date.now();
    const result = await page.evaluate((o) => window.runBench(o), options);
    const seconds = (Date.now() - t0) / 1000;
    report(result, options, torch, seconds);
    await mkdir(`${root}bench/results`, { recursive: true });
    const kind = result.adapter.isFallback ? 'swiftshader' : 'gpu';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    // Runs land as <time>-<adapter>.json (git-ignored); --name=swiftshader-YYYY-MM-DD writes the committed record.
    const file = `${root}bench/results/${option('name') ?? `${stamp}-${kind}`}.json`;
    const meta = { date: new Date().toISOString(), command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`, options, seconds, host: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg() }, torch };
    await writeFile(file, JSON.stringify({ ...meta, ...result }, null, 2));
    console.log(`\nwrote ${file}`);
  }
} finally {
  await browser.close();
  await server.close();
}
