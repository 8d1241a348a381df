// Command-line options of `npm start`. Every mistake becomes a UsageError with one line saying what was
// expected, what was given and what to do; main.mjs prints it and exits with status 2.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const DEFAULTS = {
  window: 60,
  epochs: 20,
  units: 50,
  horizon: 30,
  batchSize: 32,
  patience: 5,
  seed: 42,
  out: 'out',
  runtime: 'node',
  backend: 'auto',
  recipe: 'best',
};

/** What --recipe sets when --target and --strategy are not given. */
export const RECIPE_DEFAULTS = {
  best: { target: 'auto', strategy: 'direct' },
  tutorial: { target: 'level', strategy: 'recursive' },
};
const TARGETS = ['auto', 'level', 'change', 'logret'];
const STRATEGIES = ['direct', 'recursive'];
const RECIPES = Object.keys(RECIPE_DEFAULTS);
const RUNTIMES = ['browser', 'node'];
const BACKENDS = ['auto', 'webgpu', 'wasm'];

export const USAGE = `Usage: npm start -- [options]

Trains an LSTM forecaster on WebGPU, scores it at every horizon on the last 15% of the series (held out in time) next
to the naive, seasonal naive, moving-average and linear-autoregression baselines, with 80% and 95% prediction intervals
calibrated on the validation part, forecasts the next --horizon steps and writes OUT/forecast.html, .png, .json and .csv.

Data (default: the bundled AAPL daily closes, 1280 days, from @visx/mock-data):
  --csv FILE            a CSV file with a header row
  --column NAME         the numeric column to forecast (needed when the CSV has more than one)
  --columns A,B,...     the columns the model reads (default: the forecast column alone; it may be left out)
  --date-column NAME    a date column (ISO 8601): rows are sorted by it and the charts use it
  --last N              use only the last N rows (quick runs)
  --unit TEXT           the values' unit in the report ('$' goes before the number, anything else after it)

Model and training:
  --recipe best|tutorial  best (default): --target auto, --strategy direct, tanh LSTM, standard scaling;
                        tutorial: the Keras stock tutorial, --target level, --strategy recursive, LSTM(relu), min-max scaling
  --target auto|level|change|logret  what the model predicts, relative to the last observed value: the value
                        itself, its change, or its log return (auto: log returns for a positive series, else changes)
  --strategy direct|recursive  direct: one model with --horizon outputs; recursive: one step at a time, each
                        prediction fed back as the next input (needs the forecast column as the only input)
  --season N            season length (e.g. 12 for monthly, 365 for daily data): adds the seasonal naive baseline
                        and scales MASE by the seasonal naive error
  --window N            timesteps per input window (default ${DEFAULTS.window})
  --epochs N            most epochs to train (default ${DEFAULTS.epochs})
  --units N             LSTM units (default ${DEFAULTS.units})
  --batch-size N        (default ${DEFAULTS.batchSize})
  --patience N          stop after N epochs without a better val_loss and keep the best weights; 0 never stops (default ${DEFAULTS.patience})
  --seed N              weight initialization and shuffling (default ${DEFAULTS.seed})

Output:
  --horizon N           steps ahead: scored at 1..N on the test part, and forecast past the end (default ${DEFAULTS.horizon})
  --out DIR             where forecast.html, .png, .json and .csv go (default ${DEFAULTS.out})
  --runtime node|browser  where the model trains: this Node process (default: webrnn/node, on Dawn through the
                        'webgpu' package or on WebAssembly; starts faster), or a headless Chromium page
  --backend auto|webgpu|wasm  what computes (createRuntime's backend): auto (default) takes WebGPU on a hardware
                        adapter and WebAssembly SIMD on the CPU where there is none or it is SwiftShader (faster
                        there); webgpu insists on WebGPU, SwiftShader included; wasm needs no Dawn with --runtime node
  -h, --help            this text

Examples:
  npm start -- --recipe tutorial
  npm start -- --csv node_modules/vega-datasets/data/seattle-weather.csv --date-column date --column temp_max \\
    --columns precipitation,temp_max,temp_min,wind --horizon 7 --season 365 --window 30
  npm start -- --csv node_modules/vega-datasets/data/co2-concentration.csv --date-column Date --column CO2 --horizon 24 --season 12`;

const INTEGER_OPTIONS = { window: 1, epochs: 1, units: 1, horizon: 1, 'batch-size': 1, patience: 0, seed: 0, last: 2, season: 2 };

export function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        csv: { type: 'string' },
        column: { type: 'string' },
        'date-column': { type: 'string' },
        columns: { type: 'string' },
        unit: { type: 'string' },
        recipe: { type: 'string' },
        target: { type: 'string' },
        strategy: { type: 'string' },
        out: { type: 'string' },
        runtime: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(INTEGER_OPTIONS).map((k) => [k, { type: 'string' }])),
      },
    });
  } catch (e) {
    // Node's messages are already one line, e.g. "Unknown option '--epoch'"; add the way to the list.
    throw new UsageError(`${e.message.split('\n')[0].replace(/\.+$/, '')}. Run 'npm start -- --help' for the options.`);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  const ints = {};
  for (const [name, min] of Object.entries(INTEGER_OPTIONS)) {
    if (v[name] === undefined) continue;
    const text = v[name].trim();
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`--${name} expects an integer ≥ ${min}; got ${JSON.stringify(v[name])}.`);
    }
    ints[name] = n;
  }
  const picked = ['column', 'date-column', 'columns'].find((k) => v[k] !== undefined);
  if (v.csv === undefined && picked) {
    throw new UsageError(`--${picked} picks columns of a --csv file; give --csv FILE too (the bundled AAPL series has one column, close).`);
  }
  for (const [name, allowed] of [
    ['recipe', RECIPES],
    ['target', TARGETS],
    ['strategy', STRATEGIES],
  ]) {
    if (v[name] !== undefined && !allowed.includes(v[name])) {
      throw new UsageError(`--${name} expects ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}; got ${JSON.stringify(v[name])}.`);
    }
  }
  const columns = v.columns === undefined ? null : v.columns.split(',').map((c) => c.trim());
  if (columns && (columns.some((c) => c === '') || new Set(columns).size !== columns.length)) {
    throw new UsageError(`--columns expects distinct column names separated by commas; got ${JSON.stringify(v.columns)}.`);
  }
  if (v.runtime !== undefined && !RUNTIMES.includes(v.runtime)) {
    throw new UsageError(`--runtime expects ${RUNTIMES.join(' or ')}; got ${JSON.stringify(v.runtime)}.`);
  }
  if (v.backend !== undefined && !BACKENDS.includes(v.backend)) {
    throw new UsageError(`--backend expects ${BACKENDS.slice(0, -1).join(', ')} or ${BACKENDS.at(-1)}; got ${JSON.stringify(v.backend)}.`);
  }
  for (const name of ['csv', 'column', 'date-column', 'out', 'unit']) {
    if (v[name] !== undefined && v[name].trim() === '') throw new UsageError(`--${name} expects a value; got an empty string.`);
  }
  const recipe = v.recipe ?? DEFAULTS.recipe;
  return {
    help: false,
    csv: v.csv ?? null,
    column: v.column ?? null,
    dateColumn: v['date-column'] ?? null,
    columns,
    unit: v.unit ?? null,
    out: v.out ?? DEFAULTS.out,
    recipe,
    target: v.target ?? RECIPE_DEFAULTS[recipe].target,
    strategy: v.strategy ?? RECIPE_DEFAULTS[recipe].strategy,
    season: ints.season ?? null,
    runtime: v.runtime ?? DEFAULTS.runtime,
    backend: v.backend ?? DEFAULTS.backend,
    last: ints.last ?? null,
    window: ints.window ?? DEFAULTS.window,
    epochs: ints.epochs ?? DEFAULTS.epochs,
    units: ints.units ?? DEFAULTS.units,
    horizon: ints.horizon ?? DEFAULTS.horizon,
    batchSize: ints['batch-size'] ?? DEFAULTS.batchSize,
    patience: ints.patience ?? DEFAULTS.patience,
    seed: ints.seed ?? DEFAULTS.seed,
  };
}
