// `npm run bench`: serves the repository with Vite, opens the bench pages in one headless system Chromium
// (WebGPU on SwiftShader here; BENCH_ADAPTER=gpu for the real GPU) and prints the median time of each case.
//
//   npm run bench                      webrnn vs TF.js (webgpu, webgl, wasm) + loss check + profile → bench/results/
//   npm run bench -- --profile         only the profile: pieces of one LSTM training step, GFLOP/s
//   npm run bench -- --ports [--peers=wasm] [--epochs=3] [--port=text,weather,dates]   only the worked TF.js
//                                      ports (demo/ports/, demo/translate/): ms per epoch of fit, webrnn vs the
//                                      TF.js code they came from (bench/ports/)
//                    [--sections=gemm,tutorial,large]
//   npm run bench -- --webrnn-only     skip the TF.js peers (quick iteration on kernels)
//   npm run bench -- --cases=tutorial,streaming      a subset of tutorial, large, gru, streaming (also: dropout,
//                                      recurrentDropout, gruRecurrentDropout, padded and paddedUnmasked, the
//                                      padded-text batch with and without maskZero, and paddedShort, lengths
//                                      20–100 of 200; sruTutorial and sruLarge, the SRU in the tutorial and large shapes)
//   npm run bench -- --peers=wasm --budget-ms=15000 --skip=large/train/webgpu --no-profile
//   npm run bench -- --name=swiftshader-2026-11-29     the results file to commit (see .gitignore)
//   npm run bench -- --markdown        also print the table as Markdown (README.md's Benchmark section)
//   npm run bench -- --kernels=lstm:seq   pin kernel variants (RuntimeOptions.kernels) instead of the defaults
//   npm run bench -- --backend=wasm       webrnn on its WebAssembly backend (no profile; --cases=tutorial,large,streaming)
//   npm run bench -- --backend=wasm --threads=2   the wasm backends (webrnn's, TF.js's, ONNX Runtime's) on 2 threads; 1: one
//   npm run bench -- --peers=wasm,ort     ONNX Runtime Web's wasm backend beside TF.js's: predict of the model webrnn exports
//   BENCH_RUNS=5                       timed runs per cell (slow peers stop early, see bench/suite.ts)
//   BENCH_PYTHON=/usr/bin/python3      the Python whose torch times the PyTorch column (bench/torch_bench.py)
// bench/node.mjs runs the same suite in Node on Dawn (no browser), for GPU machines without Chromium.
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { ensureBenchDependencies } from './deps.mjs';
import { addTorchColumns, adapterName, benchOptions, printPorts, printProfile, readPortData, report, saveResult } from './report.mjs';

ensureBenchDependencies();

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const gpu = process.env.BENCH_ADAPTER === 'gpu';
const { flag, option, options } = benchOptions(argv, { realGpu: gpu, peers: 'webgpu,webgl,wasm' });
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
const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs({ gpu }), protocolTimeout: 1_800_000 });
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
    for (let settled = 0; settled < 3;) {
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
  } else if (flag('ports')) {
    await open('ports.html', 'runPorts');
    const portOptions = {
      ...readPortData(root),
      peers: options.peers,
      epochs: Number(option('epochs') ?? 3),
      ...(option('port') ? { ports: option('port').split(',') } : {}),
    };
    const t0 = Date.now();
    const result = await page.evaluate((o) => window.runPorts(o), portOptions);
    console.log(`adapter: ${adapterName(result.adapter)}; TF.js ${result.tfjs}, wasm threads: ${result.wasmThreads ?? '—'}`);
    printPorts(result.rows);
    const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
    await saveResult(root, result, { command, seconds: (Date.now() - t0) / 1000 }, option('name'), 'ports');
  } else {
    await open('index.html', 'runBench');
    const t0 = Date.now();
    const result = await page.evaluate((o) => window.runBench(o), options);
    if (!flag('webrnn-only')) addTorchColumns(root, result, options);
    const seconds = (Date.now() - t0) / 1000;
    report(result, options, seconds, { markdown: flag('markdown') });
    // Runs land as <time>-<adapter>.json (git-ignored); --name=swiftshader-YYYY-MM-DD writes the committed record.
    await saveResult(root, result, { command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`, options, seconds }, option('name'));
  }
} finally {
  await browser.close();
  await server.close();
}
