/**
 * CSV → numeric columns, through papaparse (quotes, embedded newlines, delimiter detection are its job).
 * The first row is the header; names are trimmed and a UTF-8 byte-order mark is dropped. Blank lines are
 * skipped. Every selected cell must be a finite number: a blank or "n/a" cell is an error naming the row, not
 * a silent 0 or NaN (Number('') is 0). Values are stored as float32, exact for prices and sensor readings but
 * not for integers above 2^24 (use them as dates, not as columns).
 *
 * Dates are parsed with `new Date(text)`: ISO 8601 dates ("2012-01-31", read as UTC midnight) are reliable;
 * other formats depend on the JavaScript engine and are better converted to ISO first.
 */
import Papa from 'papaparse';
import { ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { checkKnownOptions, describe } from './matrix';

export interface CsvOptions {
  /** One numeric column to read. */
  column?: string;
  /** Several numeric columns to read, in this order. Default: every column except dateColumn. */
  columns?: string[];
  /** A column of dates: rows come back sorted ascending by it (stable for equal dates). */
  dateColumn?: string;
  /** Field delimiter; detected by papaparse when left out. */
  delimiter?: string;
}

export interface CsvTable {
  /** The selected numeric columns by name, each one float32 value per row. */
  columns: Record<string, Float32Array>;
  /** The selected column names, in the order asked for (or of the header). */
  columnNames: string[];
  rows: number;
  /** Parsed dates, aligned with the columns, or null without dateColumn. */
  dates: Date[] | null;
  dateColumn: string | null;
  /** True when the rows are in ascending date order (always so when dateColumn is given). */
  sortedByDate: boolean;
  /** True when the file was not in ascending date order and the rows were sorted here. */
  reordered: boolean;
}

const OPTIONS = ['column', 'columns', 'dateColumn', 'delimiter'];

export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  if (typeof text !== 'string') throw new ValueError(`parseCsv expects the CSV text as a string; got ${describe(text)}`);
  checkKnownOptions(options, OPTIONS, 'parseCsv');
  if (options.column !== undefined && options.columns !== undefined) {
    throw new ValueError('parseCsv takes column (one name) or columns (a list of names), not both');
  }
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new ValueError('parseCsv: the CSV text is empty; expected a header row and at least one data row');

  const records = readRecords(body, options.delimiter);
  const header = headerOf(records[0]!.fields);
  if (records.length === 1) throw new ValueError(`parseCsv: the CSV has a header (${header.join(', ')}) but no data rows`);
  records.slice(1).forEach((r, i) => {
    if (r.fields.length !== header.length) {
      throw new ShapeError(
        `parseCsv: row ${i + 1} (line ${r.line}) has ${r.fields.length} fields; the header has ${header.length} (${header.join(', ')}). ` +
          'Fix the row, or quote cells that contain the delimiter.',
      );
    }
  });

  const indexOf = (name: unknown, what: string): number => columnIndex(header, name, `parseCsv: ${what}`);
  const dateIndex = options.dateColumn === undefined ? -1 : indexOf(options.dateColumn, 'dateColumn');
  if (options.columns !== undefined && (!Array.isArray(options.columns) || options.columns.length === 0)) {
    throw new ValueError(`parseCsv columns must be a non-empty array of column names; got ${describe(options.columns)}`);
  }
  const names = options.column !== undefined ? [options.column] : (options.columns ?? header.filter((_, i) => i !== dateIndex));
  const picked = names.map((n) => indexOf(n, 'column'));
  if (picked.length === 0) throw new ValueError(`parseCsv: no columns left to read besides the date column; available columns: ${header.join(', ')}`);

  const data = records.slice(1);
  const values = picked.map((c, k) => Float64Array.from(data, (r, i) => toNumber(r.fields[c]!, i + 1, r.line, names[k]!)));
  const dates = dateIndex < 0 ? null : data.map((r, i) => toDate(r.fields[dateIndex]!, i + 1, r.line, header[dateIndex]!));

  let order = data.map((_, i) => i);
  let reordered = false;
  if (dates) {
    reordered = dates.some((d, i) => i > 0 && d.getTime() < dates[i - 1]!.getTime());
    if (reordered) order = order.sort((a, b) => dates[a]!.getTime() - dates[b]!.getTime() || a - b);
  }
  const columns: Record<string, Float32Array> = {};
  names.forEach((n, k) => (columns[n] = Float32Array.from(order, (i) => values[k]![i]!)));
  return {
    columns,
    columnNames: [...names],
    rows: data.length,
    dates: dates && order.map((i) => dates[i]!),
    dateColumn: dates ? header[dateIndex]! : null,
    sortedByDate: dates !== null,
    reordered,
  };
}

/** Columns of equal length → one [rows, features] tensor (the shape scalers and makeWindows take). */
export function stackColumns(columns: readonly (Float32Array | readonly number[])[]): Tensor {
  if (columns.length === 0) throw new ValueError('stackColumns needs at least one column');
  const rows = columns[0]!.length;
  columns.forEach((c, k) => {
    if (c.length !== rows) throw new ShapeError(`stackColumns: column ${k} has ${c.length} values; column 0 has ${rows}. Columns must be the same length.`);
  });
  const data = new Float32Array(rows * columns.length);
  columns.forEach((c, k) => {
    for (let r = 0; r < rows; r++) data[r * columns.length + k] = c[r]!;
  });
  return { data, shape: [rows, columns.length] };
}

interface CsvRecord {
  fields: string[];
  /** 1-based line of the file on which the record starts. */
  line: number;
}

/** papaparse's step mode gives each record's end offset; line numbers are counted from those offsets. */
function readRecords(text: string, delimiter: string | undefined): CsvRecord[] {
  const records: CsvRecord[] = [];
  let counted = 0;
  let newlines = 0;
  Papa.parse<string[]>(text, {
    skipEmptyLines: 'greedy',
    ...(delimiter !== undefined ? { delimiter } : {}),
    step(row) {
      let end = row.meta.cursor;
      while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
      for (; counted < end; counted++) if (text.charCodeAt(counted) === 10) newlines++;
      const inside = row.data.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
      records.push({ fields: row.data, line: newlines + 1 - inside });
      const fatal = row.errors.find((e) => e.type === 'Quotes');
      if (fatal) throw new ValueError(`parseCsv: record ${records.length} (line ${newlines + 1 - inside}): ${fatal.message}; check the quotes`);
    },
  });
  return records;
}

/** A header row's names: trimmed, and a UTF-8 byte-order mark dropped from the first. */
export function headerOf(fields: readonly string[]): string[] {
  return fields.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
}

/** Where `name` is in the header, or a ValueError naming it and the columns there are (`where` starts it). */
export function columnIndex(header: readonly string[], name: unknown, where: string): number {
  const i = typeof name === 'string' ? header.indexOf(name) : -1;
  if (i < 0)
    throw new ValueError(
      `${where} ${typeof name === 'string' ? JSON.stringify(name) : describe(name)} is not in the CSV; available columns: ${header.join(', ')}`,
    );
  return i;
}

/** A cell's number: NaN for a blank cell (Number('') would be 0) or anything that is not a finite number. */
export function cellNumber(cell: string): number {
  const s = cell.trim();
  const v = s === '' ? Number.NaN : Number(s);
  return Number.isFinite(v) ? v : Number.NaN;
}

function toNumber(cell: string, row: number, line: number, column: string): number {
  const v = cellNumber(cell);
  if (Number.isNaN(v)) {
    throw new ValueError(
      `parseCsv: row ${row} (line ${line}), column "${column}": ${JSON.stringify(cell)} is not a number. ` +
        'Clean or drop that row, or leave the column out (options column/columns).',
    );
  }
  return v;
}

function toDate(cell: string, row: number, line: number, column: string): Date {
  const d = new Date(cell.trim());
  if (Number.isNaN(d.getTime())) {
    throw new ValueError(
      `parseCsv: row ${row} (line ${line}), date column "${column}": cannot parse ${JSON.stringify(cell)} as a date; ` +
        'use ISO 8601 such as 2012-01-31 or 2012-01-31T09:30:00Z',
    );
  }
  return d;
}
