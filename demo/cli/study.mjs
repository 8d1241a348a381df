// `npm run study`: the founding brief's §7.1 study (demo/lib/study/study.ts) — LSTM, GRU, SimpleRNN, SRU and an
// echo-state network on the same data and splits, across window lengths and activations — and the echo-state
// network's Mackey–Glass benchmark (demo/lib/study/mackeyGlassEsn.ts). It trains in this process on Dawn
// (webrnn/node), prints the tables and writes OUT/study.md, study.json and study.html (tables and charts).
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from './browser.mjs';
import { rerunWith, vulkanEnvironment } from './dawn.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

const USAGE = `Usage: npm run study -- [options]

Trains LSTM, GRU, SimpleRNN, SRU and an echo-state network (ESN, readout by ridge regression) on the AAPL daily
changes, the Seattle daily maximum temperature and the Mackey–Glass series, for each window length and activation,
and scores one-step forecasts on the last 15% of each series (held out in time): RMSE, NRMSE, and RMSE over the
naive forecast's. Then runs the ESN's Mackey–Glass benchmark (Jaeger & Haas 2004): 84 steps free-running.

  --datasets a,b      aapl, seattle, mackey-glass (default: all)
  --cells a,b         lstm, gru, simpleRNN, sru, esn (default: all)
  --windows 10,30     input window lengths (default: 10,30)
  --activations a,b   tanh, relu, for the trained cells (default: tanh,relu)
  --epochs N          at most N epochs (early stopping on the validation loss; default 30)
  --units N           units of the trained cells (default 32)
  --esn-units N       the study's reservoir size (default 200)
  --mg-units N        the benchmark's reservoir size (default 400; Jaeger & Haas used 1000)
  --no-benchmark      skip the Mackey–Glass benchmark; --benchmark-only runs only it
  --quick             a small study: one window (10), tanh, 5 epochs, 2 trials in the benchmark
  --out DIR           where study.md, .json and .html go (default: out)`;

const list = (v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      datasets: { type: 'string' },
      cells: { type: 'string' },
      windows: { type: 'string' },
      activations: { type: 'string' },
      epochs: { type: 'string' },
      units: { type: 'string' },
      'esn-units': { type: 'string' },
      'mg-units': { type: 'string' },
      'no-benchmark': { type: 'boolean' },
      'benchmark-only': { type: 'boolean' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return values;
}

const int = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer; got ${v}`);
  return n;
};

async function main() {
  const o = options(process.argv.slice(2));
  if (o.help) return console.log(USAGE);
  const vulkan = vulkanEnvironment();
  if (vulkan) return rerunWith(vulkan);
  // The Vite server npm start uses; here only its loader, which runs the TypeScript of src/ and demo/lib.
  const { server } = await startServer(root);
  const { createRuntime } = await server.ssrLoadModule('/src/node.ts');
  const study = await server.ssrLoadModule('/demo/lib/study/study.ts');
  const bench = await server.ssrLoadModule('/demo/lib/study/mackeyGlassEsn.ts');
  const report = await server.ssrLoadModule('/demo/lib/study/report.ts');
  const data = await server.ssrLoadModule('/demo/lib/study/data.ts');
  const { readSeattleWeatherCsv } = await server.ssrLoadModule('/src/data/datasets.ts');
  const studyOptions = {
    ...study.DEFAULT_STUDY,
    ...(o.quick ? { windows: [10], activations: ['tanh'], epochs: 5 } : {}),
    ...(o.windows ? { windows: list(o.windows).map((w) => int('windows', w)) } : {}),
    ...(o.cells ? { cells: list(o.cells) } : {}),
    ...(o.activations ? { activations: list(o.activations) } : {}),
    ...(o.epochs ? { epochs: int('epochs', o.epochs) } : {}),
    ...(o.units ? { units: int('units', o.units) } : {}),
    ...(o['esn-units'] ? { esnUnits: int('esn-units', o['esn-units']) } : {}),
  };
  for (const c of studyOptions.cells)
    if (!study.STUDY_CELLS.includes(c)) throw new Error(`--cells: unknown cell '${c}'; cells are ${study.STUDY_CELLS.join(', ')}`);
  for (const a of studyOptions.activations) if (!['tanh', 'relu'].includes(a)) throw new Error(`--activations: unknown '${a}'; use tanh, relu`);
  const datasetNames = o.datasets ? list(o.datasets) : data.STUDY_DATASETS;
  for (const d of datasetNames)
    if (!data.STUDY_DATASETS.includes(d)) throw new Error(`--datasets: unknown dataset '${d}'; datasets are ${data.STUDY_DATASETS.join(', ')}`);
  const rt = await createRuntime();
  const started = performance.now();
  try {
    console.log(
      `Adapter: ${[rt.adapter.vendor, rt.adapter.architecture, rt.adapter.description].filter(Boolean).join(' ')}${rt.adapter.isFallback ? ' (CPU-emulated: times are not a GPU reference)' : ''}`,
    );
    let rows = [];
    if (!o['benchmark-only']) {
      const datasets = await data.studyDatasets(datasetNames, readSeattleWeatherCsv);
      rows = await study.runStudy(rt, datasets, studyOptions, (row, done, total) =>
        console.log(
          `[${done}/${total}] ${row.dataset} ${row.cell} ${row.activation} window ${row.window}: NRMSE ${row.nrmse.toFixed(3)}, ×naive ${row.vsNaive.toFixed(2)}, ${Math.round(row.trainMs)} ms`,
        ),
      );
    }
    let mg = null;
    if (!o['no-benchmark']) {
      const bo = { ...bench.DEFAULT_MACKEY_GLASS_BENCH, ...(o.quick ? { trials: 2, lstm: { ...bench.DEFAULT_MACKEY_GLASS_BENCH.lstm, epochs: 5 } } : {}) };
      if (o['mg-units']) bo.units = int('mg-units', o['mg-units']);
      console.log(
        `Mackey–Glass benchmark: a reservoir of ${bo.units} units, ${bo.trials} free runs of ${bo.horizon} steps; then an LSTM(${bo.lstm.units}) to its best validation loss`,
      );
      mg = await bench.mackeyGlassBench(rt, bo);
    }
    const result = { adapter: rt.adapter, options: studyOptions, rows, mackeyGlass: mg, seconds: (performance.now() - started) / 1000 };
    const markdown = report.studyMarkdown(result);
    console.log(`\n${markdown}`);
    const outDir = resolve(o.out ?? 'out');
    await mkdir(outDir, { recursive: true });
    await writeFile(resolve(outDir, 'study.json'), JSON.stringify(result, null, 2));
    await writeFile(resolve(outDir, 'study.md'), markdown);
    await writeFile(resolve(outDir, 'study.html'), report.studyHtml(result));
    console.log(`Wrote ${outDir}/study.md, study.json and study.html (${result.seconds.toFixed(0)} s)`);
  } finally {
    rt.dispose();
    await server.close();
  }
}

main().catch((e) => {
  console.error(process.env.STUDY_DEBUG ? e : `error: ${String(e?.message ?? e).split('\n')[0]}`);
  process.exit(1);
});
