// `npm start`: the Keras stock-price tutorial done right, on webrnn. Node loads and checks the data, then a
// headless Chromium trains on WebGPU (demo/cli/job.ts) while this process draws the progress bar; the results
// come back here to be printed and written as out/forecast.html and out/forecast.png.
import { resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startServer } from './browser.mjs';
import { USAGE, UsageError, parseOptions } from './options.mjs';
import { epochProgress } from './progress.mjs';
import { screenshot, writeReport } from './report.mjs';
import { loadSeries } from './series.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function main() {
  const started = performance.now();
  const opts = parseOptions(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const { server, origin } = await startServer(root);
  let browser;
  try {
    const series = await loadSeries(server, opts);
    console.log(`${series.source}: ${series.values.length} rows`);
    browser = await launchBrowser();
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const progress = epochProgress(opts.epochs);
    await page.exposeFunction('webrnnProgress', (r) => progress.update(r));
    await page.exposeFunction('webrnnBatchProgress', (r) => progress.batch(r));
    await page.goto(`${origin}/demo/cli/job.html`);
    await page.waitForFunction(() => 'webrnnForecastJob' in window, { timeout: 120_000 });
    const input = {
      values: series.values,
      times: series.times,
      window: opts.window,
      epochs: opts.epochs,
      units: opts.units,
      horizon: opts.horizon,
      batchSize: opts.batchSize,
      seed: opts.seed,
      patience: opts.patience,
      target: opts.target,
    };
    const result = await page.evaluate((i) => window.webrnnForecastJob(i), input).finally(() => progress.stop());
    if (pageErrors.length > 0) throw new Error(`the job page reported: ${pageErrors[0]}`);
    printResult(series, opts, result);

    const outDir = resolve(opts.out);
    const { adapter, ...rest } = result;
    const data = {
      ...series,
      config: { window: opts.window, epochs: opts.epochs, units: opts.units, horizon: opts.horizon, batchSize: opts.batchSize, target: opts.target },
      adapter,
      result: rest,
    };
    const htmlPath = await writeReport(root, outDir, data, `webrnn forecast: ${series.source}`);
    const pngPath = resolve(outDir, 'forecast.png');
    await screenshot(browser, htmlPath, pngPath);
    const shown = (p) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
    console.log(`Wrote ${shown(htmlPath)} (open it in a browser) and ${shown(pngPath)}.`);
    console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await browser?.close();
    await server.close();
  }
}

function printResult(series, opts, r) {
  const u = series.unit;
  const money = (v) => `${u}${v.toFixed(2)}`.padStart(10);
  const name = [r.adapter.vendor, r.adapter.architecture, r.adapter.description].filter(Boolean).join(' ');
  console.log(`Adapter: ${name || 'unnamed'}${r.adapter.isFallback ? ' (fallback, CPU-emulated: not a speed reference)' : ''}`);
  console.log(
    `Target: ${opts.target === 'change' ? 'the next day-to-day change (standard-scaled), added to the last value' : 'the next value (min-max scaled), as the tutorial'}`,
  );
  console.log(
    `Training: ${r.history.loss.length} epochs, ${r.windows.train} windows, ${r.speed.stepsPerSecond.toFixed(2)} steps/s (${r.speed.epochSeconds.toFixed(1)} s per epoch)`,
  );
  if (r.stoppedEarly)
    console.log(
      `Early stopping fired after epoch ${r.stoppedEarly.epoch} (patience ${opts.patience}): restored the weights of epoch ${r.stoppedEarly.bestEpoch}, the best val_loss.`,
    );
  console.log(
    `\nTest part: the last ${r.split.test} rows, held out in time (${r.windows.test} one-step predictions)${u ? '' : `, in the units of ${series.column}`}:`,
  );
  console.log(`${''.padEnd(26)}${'RMSE'.padStart(10)}${'MAE'.padStart(10)}`);
  console.log(`${'LSTM model'.padEnd(26)}${money(r.test.model.rmse)}${money(r.test.model.mae)}`);
  console.log(`${'naive (tomorrow = today)'.padEnd(26)}${money(r.test.naive.rmse)}${money(r.test.naive.mae)}`);
  const [lo, hi] = r.ranges.train;
  const [tlo, thi] = r.ranges.test;
  if (thi > hi || tlo < lo) {
    const what = opts.target === 'change' ? "test part's day-to-day changes span" : 'test part spans';
    console.log(
      `Note: the ${what} ${money(tlo).trim()} to ${money(thi).trim()}, outside the training range ${money(lo).trim()} to ${money(hi).trim()}; the model must extrapolate there.`,
    );
  }
  const f = r.forecast.value;
  const last = series.values[series.values.length - 1];
  console.log(`\nForecast of the next ${f.length} steps: from ${money(last).trim()} (last observed) to ${money(f[f.length - 1]).trim()}.`);
}

main().catch((e) => {
  // One line, no stack: UsageError for what the user can fix; anything else is a failure of the run.
  console.error(`error: ${String(e?.message ?? e).split('\n')[0]}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
