/** The Forecast page's data sources as one shape: which columns can be forecast, and the series of one. */
import Papa from 'papaparse';
import { parseCsv } from '../../src/index';

export interface Series {
  values: number[];
  /** Epoch milliseconds per value, or null without a date column. */
  times: number[] | null;
}

export interface LoadedTable {
  name: string;
  /** Prefix for values in the report ('$' for prices). */
  unit: string;
  /** Columns whose every cell is a number. */
  numeric: string[];
  /** Choices for the date column; '' means none (plot against row numbers). */
  dates: string[];
  series(column: string, dateColumn: string | null): Series;
}

/** Reads the header, then keeps the columns webrnn's parseCsv accepts as numbers or as dates. */
export function csvTable(name: string, text: string): LoadedTable {
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
    unit: '',
    numeric,
    dates: [...dates, ''],
    series(column, dateColumn) {
      const t = parseCsv(text, { column, ...(dateColumn ? { dateColumn } : {}) });
      return { values: Array.from(t.columns[column]!), times: t.dates && t.dates.map((d) => d.getTime()) };
    },
  };
}
