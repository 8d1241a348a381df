/** parseCsv reads numeric columns and dates through papaparse and names the row, column and cell of every problem. */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../src/errors';
import { parseCsv, stackColumns } from '../src/data/csv';

const prices = 'Date,Open,Close\n2024-01-03,3,4\n2024-01-01,1,2\n\n2024-01-02,2,3.5\n';

describe('parseCsv', () => {
  it('reads every non-date column as float32 and sorts rows ascending by date, saying so', () => {
    const t = parseCsv(prices, { dateColumn: 'Date' });
    expect(t.columnNames).toEqual(['Open', 'Close']);
    expect(t.rows).toBe(3);
    expect(t.columns.Close).toBeInstanceOf(Float32Array);
    expect([...t.columns.Open!]).toEqual([1, 2, 3]);
    expect([...t.columns.Close!]).toEqual([2, 3.5, 4]);
    expect(t.dates!.map((d) => d.toISOString().slice(0, 10))).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(t).toMatchObject({ dateColumn: 'Date', sortedByDate: true, reordered: true });
  });

  it('keeps file order without a date column, and reports an already sorted file as not reordered', () => {
    const t = parseCsv(prices, { column: 'Close' });
    expect([...t.columns.Close!]).toEqual([4, 2, 3.5]);
    expect(t).toMatchObject({ dates: null, dateColumn: null, sortedByDate: false, reordered: false });
    const sorted = parseCsv('d,v\n2020-01-01,1\n2020-01-02,2', { dateColumn: 'd' });
    expect(sorted).toMatchObject({ sortedByDate: true, reordered: false });
  });

  it('keeps equal dates in file order (stable sort)', () => {
    const t = parseCsv('d,v\n2020-01-02,9\n2020-01-01,1\n2020-01-01,2', { dateColumn: 'd' });
    expect([...t.columns.v!]).toEqual([1, 2, 9]);
  });

  it('selects columns in the order asked, handles quotes, other delimiters, a BOM and spaced headers', () => {
    const t = parseCsv('\uFEFF a ;b; d \n1;"2";3\n4;5;6', { columns: ['d', 'a'] });
    expect(t.columnNames).toEqual(['d', 'a']);
    expect([...t.columns.d!]).toEqual([3, 6]);
    expect([...t.columns.a!]).toEqual([1, 4]);
    expect([...parseCsv('x|y\n1|2', { delimiter: '|', column: 'y' }).columns.y!]).toEqual([2]);
    expect([...parseCsv('a,"b;c"\n1,"1.5"', { column: 'b;c', delimiter: ',' }).columns['b;c']!]).toEqual([1.5]);
  });

  it('names a missing column and lists the available ones', () => {
    expect(() => parseCsv(prices, { column: 'AAPL' })).toThrow('parseCsv: column "AAPL" is not in the CSV; available columns: Date, Open, Close');
    expect(() => parseCsv(prices, { dateColumn: 'When' })).toThrow('parseCsv: dateColumn "When" is not in the CSV; available columns: Date, Open, Close');
  });

  it('names the row, line, column and text of a non-numeric or blank cell', () => {
    const text = 'date,temp,weather\n2012-01-01,12.8,rain\n2012-01-02,n/a,sun\n';
    expect(() => parseCsv(text, { dateColumn: 'date', column: 'temp' })).toThrow(
      'parseCsv: row 2 (line 3), column "temp": "n/a" is not a number. Clean or drop that row, or leave the column out (options column/columns).',
    );
    // The default (every column but the date) includes the text column, and the error says how to leave it out.
    expect(() => parseCsv('date,temp,weather\n2012-01-01,12.8,rain', { dateColumn: 'date' })).toThrow(
      'row 1 (line 2), column "weather": "rain" is not a number',
    );
    expect(() => parseCsv('a,b\n1,\n', { column: 'b' })).toThrow('parseCsv: row 1 (line 2), column "b": "" is not a number');
    // Line numbers count skipped blank lines and newlines inside quoted cells.
    expect(() => parseCsv('a,b\n\n"x\ny",1\n2,oops', { column: 'b' })).toThrow('row 2 (line 5), column "b": "oops"');
  });

  it('names a date that cannot be parsed', () => {
    expect(() => parseCsv('d,v\nyesterday,1', { dateColumn: 'd' })).toThrow(
      'parseCsv: row 1 (line 2), date column "d": cannot parse "yesterday" as a date; use ISO 8601 such as 2012-01-31 or 2012-01-31T09:30:00Z',
    );
  });

  it('refuses an empty file, a header without rows, ragged rows and broken quotes', () => {
    expect(() => parseCsv('')).toThrow('parseCsv: the CSV text is empty; expected a header row and at least one data row');
    expect(() => parseCsv(' \n\n')).toThrow(ValueError);
    expect(() => parseCsv('a,b\n')).toThrow('parseCsv: the CSV has a header (a, b) but no data rows');
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(ShapeError);
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(
      'parseCsv: row 2 (line 3) has 1 fields; the header has 2 (a, b). Fix the row, or quote cells that contain the delimiter.',
    );
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow('row 1 (line 2) has 3 fields');
    expect(() => parseCsv('a,b\n1,"2\n', { delimiter: ',' })).toThrow('Quoted field unterminated; check the quotes');
  });

  it('refuses bad options', () => {
    expect(() => parseCsv(prices, { column: 'Open', columns: ['Close'] })).toThrow('parseCsv takes column (one name) or columns (a list of names), not both');
    expect(() => parseCsv(prices, { columns: ['Open', 7 as never] })).toThrow('parseCsv: column number 7 is not in the CSV');
    expect(() => parseCsv(prices, { columns: [] })).toThrow('parseCsv columns must be a non-empty array of column names; got an array of length 0');
    expect(() => parseCsv(prices, { header: false } as never)).toThrow('parseCsv got unknown option header');
    expect(() => parseCsv(42 as never)).toThrow('parseCsv expects the CSV text as a string; got number 42');
    expect(() => parseCsv('d\n2020-01-01', { dateColumn: 'd' })).toThrow('parseCsv: no columns left to read besides the date column; available columns: d');
  });
});

describe('stackColumns', () => {
  it('interleaves columns into [rows, features] and refuses unequal lengths', () => {
    const t = stackColumns([Float32Array.of(1, 2), [10, 20]]);
    expect(t.shape).toEqual([2, 2]);
    expect([...t.data]).toEqual([1, 10, 2, 20]);
    expect(() => stackColumns([[1, 2], [1]])).toThrow('stackColumns: column 1 has 1 values; column 0 has 2. Columns must be the same length.');
    expect(() => stackColumns([])).toThrow(ValueError);
  });
});
