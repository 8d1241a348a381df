/**
 * Windows over a CSV that is never loaded whole: `csvWindows(source, options)` reads the file row by row
 * (papaparse's streaming parser, paused while the consumer is behind) and yields `{ xs, ys }` batches of the
 * windows makeWindows would make from the same rows, for fitDataset and evaluateDataset. Memory holds the last
 * window + horizon rows and one batch, whatever the file's size.
 *
 * The scaler is fitted in a first pass over the `fit` rows only (the training part, never the future: the
 * founding tutorial's leak), or given already fitted (a validation stream reuses the training stream's). Each
 * epoch then reads the file again from the start. Rows must be in time order: a stream cannot sort them.
 *
 * Sources: a `Blob` or `File` in a browser (or a dedicated worker), or a function that opens the data afresh on
 * each pass: `() => file` in a browser, `() => fs.createReadStream(path)` in Node.
 */
import Papa from 'papaparse';
import { ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { cellNumber, columnIndex, headerOf } from './csv';
import { checkInteger, checkKnownOptions, describe } from './matrix';
import { MinMaxScaler, StandardScaler, scalerFromJSON } from './scalers';

/** What papaparse streams from: a Blob/File (browsers), or a Node Readable (`fs.createReadStream`). */
export type CsvStreamInput = Blob | { readonly readable: boolean; read(...args: unknown[]): unknown; on(...args: unknown[]): unknown };

export type CsvSource = Blob | (() => CsvStreamInput);

/** Data rows [start, end), 0-based, header excluded; end defaults to the end of the file. */
export interface RowSpan {
  start?: number;
  end?: number;
}

export interface CsvWindowsOptions {
  /** The feature columns each timestep holds, in this order; the target must be one of them. */
  columns: string[];
  /** The column y predicts. */
  target: string;
  /** Timesteps per sample. */
  window: number;
  /** Future values of the target per sample (default 1). */
  horizon?: number;
  /** Windows per batch (default 32); the last batch of a pass may be smaller. */
  batchSize?: number;
  /** Windows whose targets all lie in these rows (inputs may start before them); default every row. */
  rows?: RowSpan;
  /**
   * 'minmax' (default) or 'standard', fitted in a first pass over `fitRows`; a scaler fitted already (another
   * stream's); or 'none' for the values as they are.
   */
  scaler?: 'minmax' | 'standard' | 'none' | MinMaxScaler | StandardScaler;
  /** The rows the scaler is fitted on (default: `rows`). */
  fitRows?: RowSpan;
  /** Field delimiter (default: detected by papaparse). */
  delimiter?: string;
}

/** A dataset of windows (what fitDataset takes), with what its first pass learned. */
export interface CsvWindows {
  /** Opens a fresh pass over the file. */
  iterator(): Promise<{ next(): Promise<IteratorResult<{ xs: Tensor; ys: Tensor }>>; return(): Promise<IteratorResult<{ xs: Tensor; ys: Tensor }>> }>;
  /** The fitted scaler (null for 'none'): transform new inputs and inverse-transform predictions with it. */
  readonly scaler: MinMaxScaler | StandardScaler | null;
  readonly columns: readonly string[];
  /** Data rows in the file and windows per pass, once the first pass counted them (null when it did not run). */
  readonly rows: number | null;
  readonly windows: number | null;
}

const OPTIONS = ['columns', 'target', 'window', 'horizon', 'batchSize', 'rows', 'scaler', 'fitRows', 'delimiter'];

export async function csvWindows(source: CsvSource, options: CsvWindowsOptions): Promise<CsvWindows> {
  const open = opener(source);
  checkKnownOptions(options, OPTIONS, 'csvWindows');
  if (typeof options !== 'object' || options === null)
    throw new ValueError(`csvWindows needs options { columns, target, window, … }; got ${describe(options)}`);
  if (!Array.isArray(options.columns) || options.columns.length === 0 || !options.columns.every((c) => typeof c === 'string')) {
    throw new ValueError(`csvWindows columns must be a non-empty array of column names; got ${describe(options.columns)}`);
  }
  const columns = [...options.columns];
  const targetColumn = columns.indexOf(options.target);
  if (targetColumn < 0) {
    throw new ValueError(
      `csvWindows target ${JSON.stringify(options.target)} must be one of columns (${columns.join(', ')}); add it to columns to use it as an input too`,
    );
  }
  const window = checkInteger(options.window, 'csvWindows window', 1, 'timesteps per sample');
  const horizon = checkInteger(options.horizon ?? 1, 'csvWindows horizon', 1, 'future values per sample');
  const batchSize = checkInteger(options.batchSize ?? 32, 'csvWindows batchSize', 1, 'windows per batch');
  const rows = span(options.rows, 'rows');
  const fitRows = options.fitRows === undefined ? rows : span(options.fitRows, 'fitRows');
  const choice = options.scaler ?? 'minmax';

  let scaler: MinMaxScaler | StandardScaler | null = null;
  let counted: number | null = null;
  if (choice instanceof MinMaxScaler || choice instanceof StandardScaler) {
    if (choice.nFeatures === null) throw new ValueError('csvWindows scaler: the scaler given is not fitted; fit it, or pass "minmax" or "standard"');
    if (choice.nFeatures !== columns.length) {
      throw new ShapeError(`csvWindows scaler: the scaler was fitted on ${choice.nFeatures} features; columns has ${columns.length}`);
    }
    scaler = choice;
  } else if (choice === 'minmax' || choice === 'standard') {
    const stats = await firstPass(open, columns, fitRows, options.delimiter);
    if (stats.fitted === 0) {
      throw new ValueError(`csvWindows: fitRows [${fitRows.start}, ${fitRows.end}) hold no rows of the file's ${stats.rows}; the scaler has nothing to fit on`);
    }
    scaler = choice === 'minmax' ? minMaxFrom(stats) : standardFrom(stats);
    counted = stats.rows;
  } else if (choice !== 'none') {
    throw new ValueError(`csvWindows scaler must be 'minmax', 'standard', 'none' or a fitted MinMaxScaler/StandardScaler; got ${describe(choice)}`);
  }

  const shape = { window, horizon, features: columns.length, targetColumn, batchSize, rows };
  const scale = scaler ? scalingOf(scaler) : null;
  const windows = counted === null ? null : windowCount(counted, shape);
  if (windows === 0) {
    const end = Number.isFinite(rows.end) ? rows.end : counted;
    throw new ValueError(
      `csvWindows: rows [${rows.start}, ${end}) give no window of ${window} steps + ${horizon} ahead (the file has ${counted} data rows); widen rows or shorten window or horizon`,
    );
  }
  return {
    scaler,
    columns,
    rows: counted,
    windows,
    async iterator() {
      return batchesOf(readRows(open(), columns, options.delimiter), shape, scale);
    },
  };
}

interface Shape {
  window: number;
  horizon: number;
  features: number;
  targetColumn: number;
  batchSize: number;
  rows: Required<RowSpan>;
}

function span(value: RowSpan | undefined, name: string): Required<RowSpan> {
  if (value === undefined) return { start: 0, end: Infinity };
  if (typeof value !== 'object' || value === null)
    throw new ValueError(`csvWindows ${name} must be { start?, end? } (data rows, 0-based); got ${describe(value)}`);
  const start = checkInteger(value.start ?? 0, `csvWindows ${name}.start`, 0, 'a data row, 0-based');
  const end = value.end === undefined ? Infinity : checkInteger(value.end, `csvWindows ${name}.end`, start + 1, `a row after ${name}.start`);
  return { start, end };
}

function opener(source: CsvSource): () => CsvStreamInput {
  if (typeof source === 'function') return source;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return () => source;
  throw new ValueError(
    `csvWindows expects a Blob or File (browsers), or a function opening the data on each pass, e.g. () => fs.createReadStream(path) in Node; got ${describe(source)}`,
  );
}

/** A Node Readable (fs.createReadStream): async-iterable chunks, read as they are consumed. */
function isNodeReadable(input: CsvStreamInput): input is CsvStreamInput & AsyncIterable<string | Uint8Array> {
  return typeof (input as { pipe?: unknown }).pipe === 'function' && typeof (input as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/** The input's text, chunk by chunk (a Blob's stream, or a Node stream's), each read only when the last is used. */
async function* textChunks(input: CsvStreamInput): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const reader = input.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield decoder.decode(value, { stream: true });
      }
    } finally {
      void reader.cancel().catch(() => {});
    }
  } else if (isNodeReadable(input)) {
    try {
      for await (const chunk of input) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    } catch (e) {
      throw new ValueError(`csvWindows: reading the CSV failed: ${(e as Error).message}`);
    } finally {
      (input as unknown as { destroy?(): void }).destroy?.();
    }
  } else {
    throw new ValueError(
      `csvWindows: the source function returned ${describe(input)}; expected a Blob/File or a Node Readable such as fs.createReadStream(path)`,
    );
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Where complete records end in text that arrives chunk by chunk, read as papaparse reads quotes: a quote opens a
 * quoted field only at the start of a field (a stray `5"` elsewhere is a plain character), and inside one `""` is
 * a quote. A record ends at a newline outside quotes: `\n`, `\r\n`, or a lone `\r`. The state carries over from
 * chunk to chunk, so each character is scanned once.
 */
class RecordEnds {
  private quoted = false;
  private justClosed = false;
  private fieldStart = true;
  /** How much of the current text was scanned (it continues from here when more arrives). */
  private scanned = 0;

  constructor(private readonly delimiter: string | undefined) {}

  private separates(c: string): boolean {
    return this.delimiter !== undefined ? c === this.delimiter : c === ',' || c === ';' || c === '\t' || c === '|';
  }

  /** Scans what is new in `text`; returns the index just after its last complete record (0 when there is none). */
  scan(text: string): number {
    let end = 0;
    let i = this.scanned;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (this.quoted) {
        if (c === '"') [this.quoted, this.justClosed] = [false, true];
        continue;
      }
      if (c === '"' && (this.fieldStart || this.justClosed)) {
        [this.quoted, this.justClosed, this.fieldStart] = [true, false, false]; // opens, or "" inside a quoted field
        continue;
      }
      this.justClosed = false;
      if (c === '\r' && i + 1 === text.length) break; // \r\n or a lone \r: the next chunk says
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
        end = i + 1;
        this.fieldStart = true;
      } else this.fieldStart = c === '\r' || this.separates(c);
    }
    this.scanned = i - end; // what stays in the carry was scanned already
    return end;
  }
}

/**
 * The CSV's records, read only as fast as they are consumed: each chunk of text is cut after its last complete
 * record, and papaparse parses those records (quotes, delimiters, line endings stay its job); the rest waits for
 * the next chunk. Memory holds one chunk and its records, however long the file.
 */
async function* recordsOf(input: CsvStreamInput, delimiter: string | undefined): AsyncGenerator<string[]> {
  let carry = '';
  let record = 0;
  let detected = delimiter;
  let linebreak: Papa.ParseConfig['newline'] | undefined;
  const ends = new RecordEnds(delimiter);
  const parse = (text: string): string[][] => {
    const result = Papa.parse<string[]>(text, {
      skipEmptyLines: 'greedy',
      ...(detected !== undefined ? { delimiter: detected } : {}),
      ...(linebreak !== undefined ? { newline: linebreak } : {}),
    });
    const fatal = result.errors.find((e) => e.type === 'Quotes');
    if (fatal) throw new ValueError(`csvWindows: CSV record ${record + (fatal.row ?? 0) + 1}: ${fatal.message}; check the quotes`);
    // The first chunk's delimiter and line break, for every later one: a chunk whose first newline sits inside a
    // quoted field would make papaparse guess the line break wrong.
    detected ??= result.meta.delimiter;
    linebreak ??= result.meta.linebreak as Papa.ParseConfig['newline'];
    record += result.data.length;
    return result.data;
  };
  for await (const chunk of textChunks(input)) {
    const text = carry + chunk;
    const cut = ends.scan(text);
    carry = text.slice(cut);
    if (cut > 0) yield* parse(text.slice(0, cut));
  }
  if (carry.trim() !== '') yield* parse(carry);
}

/** The rows of a pass, as the selected columns' numbers (float32, as parseCsv keeps them). */
async function* readRows(input: CsvStreamInput, columns: readonly string[], delimiter: string | undefined): AsyncGenerator<Float32Array> {
  let picked: number[] | null = null;
  let header: string[] = [];
  let row = 0;
  for await (const fields of recordsOf(input, delimiter)) {
    if (picked === null) {
      header = headerOf(fields);
      picked = columns.map((c) => columnIndex(header, c, 'csvWindows: column'));
      continue;
    }
    row++;
    if (fields.length !== header.length) {
      throw new ShapeError(`csvWindows: row ${row} has ${fields.length} fields; the header has ${header.length} (${header.join(', ')})`);
    }
    const values = new Float32Array(picked.length);
    for (let k = 0; k < picked.length; k++) {
      const cell = fields[picked[k]!]!;
      const v = cellNumber(cell);
      if (Number.isNaN(v))
        throw new ValueError(`csvWindows: row ${row}, column "${columns[k]}": ${JSON.stringify(cell)} is not a number. Clean or drop that row.`);
      values[k] = v;
    }
    yield values;
  }
  if (picked === null) throw new ValueError('csvWindows: the CSV is empty; expected a header row and data rows');
}

interface Stats {
  rows: number;
  fitted: number;
  min: number[];
  max: number[];
  mean: number[];
  /** Welford's running sum of squared deviations. */
  m2: number[];
}

async function firstPass(open: () => CsvStreamInput, columns: readonly string[], fit: Required<RowSpan>, delimiter: string | undefined): Promise<Stats> {
  const n = columns.length;
  const s: Stats = { rows: 0, fitted: 0, min: Array(n).fill(Infinity), max: Array(n).fill(-Infinity), mean: Array(n).fill(0), m2: Array(n).fill(0) };
  for await (const values of readRows(open(), columns, delimiter)) {
    const r = s.rows++;
    if (r < fit.start || r >= fit.end) continue;
    s.fitted++;
    for (let c = 0; c < n; c++) {
      const v = values[c]!;
      if (v < s.min[c]!) s.min[c] = v;
      if (v > s.max[c]!) s.max[c] = v;
      const delta = v - s.mean[c]!;
      s.mean[c]! += delta / s.fitted;
      s.m2[c]! += delta * (v - s.mean[c]!);
    }
  }
  return s;
}

function minMaxFrom(s: Stats): MinMaxScaler {
  return scalerFromJSON({ className: 'MinMaxScaler', featureRange: [0, 1], dataMin: s.min, dataMax: s.max }) as MinMaxScaler;
}

/** Population (ddof = 0) standard deviation, as StandardScaler.fit; a constant column is exactly its value and 0. */
function standardFrom(s: Stats): StandardScaler {
  const constant = (c: number) => s.min[c] === s.max[c];
  const mean = s.mean.map((m, c) => (constant(c) ? s.min[c]! : m));
  const std = s.m2.map((m2, c) => (constant(c) ? 0 : Math.sqrt(m2 / s.fitted)));
  return scalerFromJSON({ className: 'StandardScaler', mean, std }) as StandardScaler;
}

/** y = x·scale + offset per column, in float64 as transform computes it. */
function scalingOf(scaler: MinMaxScaler | StandardScaler): { scale: Float64Array; offset: Float64Array } {
  const { scale, offset } = scaler.coefficients();
  return { scale: Float64Array.from(scale), offset: Float64Array.from(offset) };
}

function windowCount(rows: number, o: Shape): number {
  const first = Math.max(o.rows.start, o.window);
  const end = Math.min(o.rows.end, rows);
  return Math.max(0, end - first - o.horizon + 1);
}

/** The windows of one pass, batched: a ring of the last window + horizon rows, each window as makeWindows cuts it. */
async function batchesOf(
  source: AsyncGenerator<Float32Array>,
  o: Shape,
  scale: { scale: Float64Array; offset: Float64Array } | null,
): Promise<{ next(): Promise<IteratorResult<{ xs: Tensor; ys: Tensor }>>; return(): Promise<IteratorResult<{ xs: Tensor; ys: Tensor }>> }> {
  const span = o.window + o.horizon;
  const ring = new Float32Array(span * o.features);
  let row = -1;
  let ended = false;
  const step = o.window * o.features;
  return {
    /** Training stopped reading this pass early: close the file (the stream, the parser) now. */
    async return() {
      ended = true;
      await source.return(undefined);
      return { value: undefined, done: true };
    },
    async next() {
      if (ended) return { value: undefined, done: true };
      const xs = new Float32Array(o.batchSize * step);
      const ys = new Float32Array(o.batchSize * o.horizon);
      let n = 0;
      while (n < o.batchSize) {
        const got = await source.next();
        if (got.done) {
          ended = true;
          break;
        }
        row++;
        const slot = (row % span) * o.features;
        for (let c = 0; c < o.features; c++) {
          const v = got.value[c]!;
          ring[slot + c] = scale ? v * scale.scale[c]! + scale.offset[c]! : v;
        }
        // This row is the last target of the window whose first target is t.
        const t = row - o.horizon + 1;
        if (t < o.window || t < o.rows.start || row >= o.rows.end) {
          if (row >= o.rows.end) {
            ended = true;
            await source.return(undefined);
            break;
          }
          continue;
        }
        for (let k = 0; k < o.window; k++) {
          const from = ((t - o.window + k) % span) * o.features;
          const to = n * step + k * o.features;
          for (let c = 0; c < o.features; c++) xs[to + c] = ring[from + c]!;
        }
        for (let h = 0; h < o.horizon; h++) ys[n * o.horizon + h] = ring[((t + h) % span) * o.features + o.targetColumn]!;
        n++;
      }
      if (n === 0) return { value: undefined, done: true };
      const size = n;
      return {
        value: {
          xs: { data: size === o.batchSize ? xs : xs.slice(0, size * step), shape: [size, o.window, o.features] },
          ys: { data: size === o.batchSize ? ys : ys.slice(0, size * o.horizon), shape: [size, o.horizon] },
        },
        done: false,
      };
    },
  };
}
