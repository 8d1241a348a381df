// `npm start`: the Keras stock-price tutorial done right, on webrnn. Node loads and checks the data and trains
// the model itself through webrnn/node (src/node.ts: Dawn, or WebAssembly where the only adapter is SwiftShader)
// while it draws the progress bar; the results are printed and written as out/forecast.html, .png, .json and .csv,
// and a headless Chromium draws forecast.png. With `--runtime browser` the job page (demo/cli/job.ts) trains in
// that Chromium instead, and its results come back here.
import { resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startServer } from './browser.mjs';
import { rerunWith, vulkanEnvironment } from './dawn.mjs';
import { USAGE, UsageError, parseOptions } from './options.mjs';
import { epochProgress } from './progress.mjs';
import { screenshot, writeNumbers, writeReport } from './report.mjs';
import { loadSeries } from './series.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function main() {
  const started = performance.now();
  const opts = parseOptions(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  // Dawn needs Vulkan's environment; the wasm backend needs nothing.
  const vulkan = opts.runtime === 'node' && opts.backend !== 'wasm' ? vulkanEnvironment() : null;
  if (vulkan) return rerunWith(vulkan);
  const { server, origin } = await startServer(root);
  let browser;
  try {
    const series = await loadSeries(server, opts);
    const values = series.columns[series.column];
    console.log(`${series.source}: ${values.length} rows`);
    const input = {
      series: series.columns,
      column: series.column,
      inputs: series.inputs,
      times: series.times,
      recipe: opts.recipe,
      target: opts.target,
      strategy: opts.strategy,
      season: opts.season,
      window: opts.window,
      epochs: opts.epochs,
      units: opts.units,
      horizon: opts.horizon,
      batchSize: opts.batchSize,
      seed: opts.seed,
      patience: opts.patience,
      backend: opts.backend,
    };
    const progress = epochProgress(opts.epochs);
    let result;
    if (opts.runtime === 'node') {
      result = await trainInNode(server, input, progress).finally(() => progress.stop());
      browser = await launchBrowser(); // for forecast.png only
    } else {
      browser = await launchBrowser();
      result = await trainInBrowser(browser, origin, input, progress).finally(() => progress.stop());
    }
    const { adapter, backend, threads, ...rest } = result;
    const where = opts.runtime === 'node' ? `Node (webrnn/node${backend === 'wasm' ? '' : ', on Dawn'})` : 'headless Chromium';
    const cpu = `wasm (WebAssembly SIMD on the CPU, ${threads} thread${threads === 1 ? '' : 's'})`;
    console.log(`Runtime: ${where}; backend: ${backend === 'wasm' ? cpu : 'webgpu'}`);
    const data = {
      source: series.source,
      values,
      times: series.times,
      unit: series.unit,
      config: {
        recipe: opts.recipe,
        window: opts.window,
        epochs: opts.epochs,
        units: opts.units,
        horizon: opts.horizon,
        batchSize: opts.batchSize,
        patience: opts.patience,
        season: opts.season,
      },
      adapter,
      result: rest,
    };
    const { summaryLines } = await server.ssrLoadModule('/demo/lib/forecast/summary.ts');
    console.log(adapterText(adapter));
    console.log(summaryLines(data).join('\n'));

    const outDir = resolve(opts.out);
    const htmlPath = await writeReport(root, outDir, data, `webrnn forecast: ${series.source}`);
    const pngPath = resolve(outDir, 'forecast.png');
    await screenshot(browser, htmlPath, pngPath);
    const { jsonPath, csvPath } = await writeNumbers(outDir, data);
    const shown = (p) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
    console.log(`Wrote ${shown(htmlPath)} (open it in a browser), ${shown(pngPath)}, ${shown(jsonPath)} and ${shown(csvPath)}.`);
    console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await browser?.close();
    await server.close();
  }
}

/** The job page in headless Chromium: window.webrnnForecastJob trains, progress comes back through exposed functions. */
async function trainInBrowser(browser, origin, input, progress) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.exposeFunction('webrnnProgress', (r) => progress.update(r));
  await page.exposeFunction('webrnnBatchProgress', (r) => progress.batch(r));
  await page.goto(`${origin}/demo/cli/job.html`);
  await page.waitForFunction(() => 'webrnnForecastJob' in window, { timeout: 120_000 });
  const result = await page.evaluate((i) => window.webrnnForecastJob(i), input);
  if (pageErrors.length > 0) throw new Error(`the job page reported: ${pageErrors[0]}`);
  return result;
}

/**
 * The same job in this process: Vite loads the TypeScript (src/node.ts's createRuntime on Dawn, the job of
 * demo/lib/forecastJob.ts) as it serves it to the page, so both runtimes run one source.
 */
async function trainInNode(server, input, progress) {
  const { createRuntime } = await server.ssrLoadModule('/src/node.ts');
  const { forecastModel, runForecastJob } = await server.ssrLoadModule('/demo/lib/forecastJob.ts');
  const rt = await createRuntime({ backend: input.backend });
  try {
    const result = await runForecastJob(
      (spec) => forecastModel(rt, spec),
      input,
      (r) => progress.update(r),
      (r) => progress.batch(r),
    );
    return { ...result, adapter: rt.adapter, backend: rt.backend, threads: rt.threads };
  } finally {
    rt.dispose();
  }
}

function adapterText(adapter) {
  if (adapter.vendor === 'webrnn' && adapter.architecture === 'wasm') return `Adapter: none needed (${adapter.description})`;
  const name = [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ');
  return `Adapter: ${name || 'unnamed'}${adapter.isFallback ? ' (fallback, CPU-emulated: not a speed reference)' : ''}`;
}

main().catch((e) => {
  // One line, no stack: UsageError for what the user can fix; anything else is a failure of the run.
  console.error(`error: ${String(e?.message ?? e).split('\n')[0]}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
