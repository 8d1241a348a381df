// Loads the series `npm start` trains on, in Node, before any browser starts: the bundled AAPL closes or
// columns of the user's CSV. webrnn's parseCsv and the job's planForecast run here through Vite's SSR loader, so a
// bad file, column or window is reported in one line within a second, with the library's own message.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { UsageError } from './options.mjs';

const AAPL_SOURCE = 'AAPL daily close, 2007-04-24 to 2012-05-01 (@visx/mock-data)';

export async function loadSeries(server, opts) {
  const series = opts.csv ? await fromCsv(server, opts) : await appleStock(server);
  if (opts.last !== null && opts.last < rowsOf(series)) {
    const rows = rowsOf(series);
    series.source += ` (the last ${opts.last} of ${rows} rows)`;
    for (const name of Object.keys(series.columns)) series.columns[name] = series.columns[name].slice(-opts.last);
    series.times = series.times && series.times.slice(-opts.last);
  }
  // The plan the job will make, made now: every column, target, window and horizon problem in one line, before a browser starts.
  const { planForecast } = await server.ssrLoadModule('/demo/lib/forecast/plan.ts');
  try {
    planForecast({ ...opts, series: series.columns, column: series.column, inputs: series.inputs });
  } catch (e) {
    throw new UsageError(`${e.message} (--window ${opts.window}, --horizon ${opts.horizon}, ${rowsOf(series)} rows)`);
  }
  return series;
}

const rowsOf = (series) => series.columns[series.column].length;

/** Units of the bundled CSVs' columns (vega-datasets documents Seattle's as °C, mm and m/s; CO2 in ppm). */
const KNOWN_UNITS = {
  'seattle-weather.csv': { precipitation: 'mm', temp_max: '°C', temp_min: '°C', wind: 'm/s' },
  'co2-concentration.csv': { CO2: 'ppm', 'adjusted CO2': 'ppm' },
};

async function appleStock(server) {
  const { loadAppleStock } = await server.ssrLoadModule('/src/data/datasets.ts');
  const { dates, close } = await loadAppleStock();
  return { columns: { close: Array.from(close) }, column: 'close', inputs: ['close'], times: dates.map((d) => d.getTime()), unit: '$', source: AAPL_SOURCE };
}

async function fromCsv(server, opts) {
  const file = opts.csv;
  const info = await stat(file).catch((e) => {
    throw new UsageError(`--csv ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}.`);
  });
  if (!info.isFile()) throw new UsageError(`--csv ${file}: not a file; give the path of a .csv file.`);
  const text = await readFile(file, 'utf8');
  const column = opts.column ?? onlyColumn(text, file, opts.dateColumn, opts.columns);
  const inputs = opts.columns ?? [column];
  const { parseCsv } = await server.ssrLoadModule('/src/data/index.ts');
  let table;
  try {
    table = parseCsv(text, { columns: [...new Set([column, ...inputs])], ...(opts.dateColumn ? { dateColumn: opts.dateColumn } : {}) });
  } catch (e) {
    throw new UsageError(`--csv ${file}: ${e.message.replace(/^parseCsv: /, '')}`);
  }
  return {
    columns: Object.fromEntries(table.columnNames.map((c) => [c, Array.from(table.columns[c])])),
    column,
    inputs,
    times: table.dates ? table.dates.map((d) => d.getTime()) : null,
    unit: opts.unit ?? KNOWN_UNITS[basename(file)]?.[column] ?? '',
    source: `${file}, column ${column}${inputs.length > 1 || inputs[0] !== column ? ` from ${inputs.join(', ')}` : ''}${table.reordered ? ' (rows sorted by date)' : ''}`,
  };
}

/** Without --column, a CSV with one column besides the date column is unambiguous; otherwise ask. */
function onlyColumn(text, file, dateColumn, inputs) {
  if (inputs?.length === 1) return inputs[0];
  const header = (Papa.parse(text.replace(/^\uFEFF/, ''), { preview: 1 }).data[0] ?? []).map((h) => String(h).trim());
  const candidates = header.filter((h) => h !== dateColumn);
  if (candidates.length === 1) return candidates[0];
  throw new UsageError(`--csv ${file} has ${candidates.length} columns besides the date column; choose one with --column (available: ${header.join(', ')}).`);
}
