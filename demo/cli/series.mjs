// Loads the series `npm start` trains on, in Node, before any browser starts: the bundled AAPL closes or a
// column of the user's CSV. webrnn's own parseCsv and prepareSeries run here through Vite's SSR loader, so a
// bad file, column or window is reported in one line within a second, with the library's own message.
import { readFile, stat } from 'node:fs/promises';
import Papa from 'papaparse';
import { UsageError } from './options.mjs';

const AAPL_SOURCE = 'AAPL daily close, 2007-04-24 to 2012-05-01 (@visx/mock-data)';

export async function loadSeries(server, opts) {
  const series = opts.csv ? await fromCsv(server, opts) : await appleStock(server);
  if (opts.last !== null && opts.last < series.values.length) {
    series.source += ` (the last ${opts.last} of ${series.values.length} rows)`;
    series.values = series.values.slice(-opts.last);
    series.times = series.times && series.times.slice(-opts.last);
  }
  // The same checks the page will run, done now: enough rows (or changes) for every part and window.
  const { prepareSeries } = await server.ssrLoadModule('/src/data/index.ts');
  const modelled = opts.target === 'change' ? series.values.slice(1).map((v, j) => v - series.values[j]) : series.values;
  try {
    prepareSeries(modelled, { window: opts.window, split: { train: 0.7, validation: 0.15, test: 0.15 } });
  } catch (e) {
    throw new UsageError(`${e.message} (--window ${opts.window}, ${series.values.length} rows)`);
  }
  return series;
}

async function appleStock(server) {
  const { loadAppleStock } = await server.ssrLoadModule('/src/data/datasets.ts');
  const { dates, close } = await loadAppleStock();
  return { values: Array.from(close), times: dates.map((d) => d.getTime()), unit: '$', column: 'close', source: AAPL_SOURCE };
}

async function fromCsv(server, opts) {
  const file = opts.csv;
  const info = await stat(file).catch((e) => {
    throw new UsageError(`--csv ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}.`);
  });
  if (!info.isFile()) throw new UsageError(`--csv ${file}: not a file; give the path of a .csv file.`);
  const text = await readFile(file, 'utf8');
  const column = opts.column ?? onlyColumn(text, file, opts.dateColumn);
  const { parseCsv } = await server.ssrLoadModule('/src/data/index.ts');
  let table;
  try {
    table = parseCsv(text, { column, ...(opts.dateColumn ? { dateColumn: opts.dateColumn } : {}) });
  } catch (e) {
    throw new UsageError(`--csv ${file}: ${e.message.replace(/^parseCsv: /, '')}`);
  }
  return {
    values: Array.from(table.columns[column]),
    times: table.dates ? table.dates.map((d) => d.getTime()) : null,
    unit: '',
    column,
    source: `${file}, column ${column}${table.reordered ? ' (rows sorted by date)' : ''}`,
  };
}

/** Without --column, a CSV with one column besides the date column is unambiguous; otherwise ask. */
function onlyColumn(text, file, dateColumn) {
  const header = (Papa.parse(text.replace(/^\uFEFF/, ''), { preview: 1 }).data[0] ?? []).map((h) => String(h).trim());
  const candidates = header.filter((h) => h !== dateColumn);
  if (candidates.length === 1) return candidates[0];
  throw new UsageError(`--csv ${file} has ${candidates.length} columns besides the date column; choose one with --column (available: ${header.join(', ')}).`);
}
