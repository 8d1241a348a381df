/** The Forecast page's data sources as one shape: which columns can be forecast, and the series of one. */
import Papa from 'papaparse';
import { parseCsv } from '../../src/index';

export interface Series {
  /** The chosen columns by name, one value per row. */
  columns: Record<string, number[]>;
  /** Epoch milliseconds per row, or null without a date column. */
  times: number[] | null;
}

export interface LoadedTable {
  name: string;
  /** The unit of a column's values in the report ('$' for prices, '°C', 'ppm'), or ''. */
  unit(column: string): string;
  /** Columns whose every cell is a number. */
  numeric: string[];
  /** Choices for the date column; '' means none (plot against row numbers). */
  dates: string[];
  series(columns: string[], dateColumn: string | null): Series;
}

/** Reads the header, then keeps the columns webrnn's parseCsv accepts as numbers or as dates. */
export function csvTable(name: string, text: string, units: Record<string, string> = {}): LoadedTable {
  const header = ((Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { preview: 1 }).data[0] ?? []) as string[]).map((h) => h.trim());
  const accepts = (options: { column: string } | { column: string; dateColumn: string }) => {
    try {
      parseCsv(text, options);
      return true;
    } catch {
      return false;
    }
  };
  const numeric = header.filter((h) => accepts({ column: h }));
  const other = numeric[0] ?? header[0]!;
  const dates = header.filter((h) => !numeric.includes(h) && accepts({ column: other, dateColumn: h }));
  return {
    name,
    unit: (column) => units[column] ?? '',
    numeric,
    dates: [...dates, ''],
    series(columns, dateColumn) {
      const t = parseCsv(text, { columns, ...(dateColumn ? { dateColumn } : {}) });
      return { columns: Object.fromEntries(columns.map((c) => [c, Array.from(t.columns[c]!)])), times: t.dates && t.dates.map((d) => d.getTime()) };
    },
  };
}
