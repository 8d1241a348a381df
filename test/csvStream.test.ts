/**
 * csvWindows (src/data/csvStream.ts): the windows streamed from a CSV file are, batch for batch, those makeWindows
 * cuts from the same rows parsed whole and scaled by a scaler fitted on the training rows; every pass reads the
 * same; a stream of later rows reuses the training scaler; bad input is a typed error naming what was wrong.
 */
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MinMaxScaler, ShapeError, StandardScaler, ValueError, csvWindows, makeWindows, parseCsv, stackColumns, type CsvWindows } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'webrnn-csv-'));
const ROWS = 200;
// Quoted cells and \r\n line ends on the way: papaparse's job, checked here through the stream.
const text =
  'time,"price",volume\r\n' +
  Array.from(
    { length: ROWS },
    (_, i) => `${i},${(100 + 10 * Math.sin(i * 0.17) + i * 0.05).toFixed(3)},${i % 7 === 0 ? `"${1000 + i}"` : 1000 + ((i * 37) % 101)}`,
  ).join('\r\n') +
  '\r\n';
const file = join(dir, 'series.csv');
writeFileSync(file, text);
const open = () => createReadStream(file);

async function all(ds: CsvWindows): Promise<{ x: number[]; y: number[]; sizes: number[] }> {
  const it = await ds.iterator();
  const out = { x: [] as number[], y: [] as number[], sizes: [] as number[] };
  for (;;) {
    const r = await it.next();
    if (r.done) return out;
    out.x.push(...r.value.xs.data);
    out.y.push(...r.value.ys.data);
    out.sizes.push(r.value.xs.shape[0]!);
  }
}

/** The reference: parse whole, scale with a scaler fitted on rows [0, fitEnd), makeWindows over rows [from, to). */
function reference(scaler: MinMaxScaler | StandardScaler, fitEnd: number, from: number, to: number, window: number, horizon: number) {
  const table = parseCsv(text, { columns: ['price', 'volume'] });
  const m = stackColumns([table.columns.price!, table.columns.volume!]);
  scaler.fit({ data: m.data.slice(0, fitEnd * 2), shape: [fitEnd, 2] });
  const scaled = scaler.transform(m);
  const rows = { data: scaled.data.slice((from - window) * 2, to * 2), shape: [to - from + window, 2] };
  const w = makeWindows(rows, { window, horizon, targetColumn: 0 });
  return { x: [...w.x.data], y: [...w.y.data], n: w.x.shape[0]! };
}

describe('csvWindows', () => {
  it('streams the windows makeWindows cuts, min-max scaled on the training rows, in batches, pass after pass', async () => {
    const train = await csvWindows(open, { columns: ['price', 'volume'], target: 'price', window: 6, horizon: 2, batchSize: 16, rows: { end: 140 } });
    const ref = reference(new MinMaxScaler(), 140, 6, 140, 6, 2);
    expect(train.rows).toBe(ROWS);
    expect(train.windows).toBe(ref.n);
    const first = await all(train);
    expect(first.x).toEqual(ref.x);
    expect(first.y).toEqual(ref.y);
    expect(first.sizes).toEqual([...Array(Math.floor(ref.n / 16)).fill(16), ref.n % 16].filter((s) => s > 0));
    expect(await all(train)).toEqual(first); // a second epoch reads the file again, the same
    // records split across tiny chunks (quoted cells and \r\n included) read the same
    const tiny = await csvWindows(() => createReadStream(file, { highWaterMark: 37 }), {
      columns: ['price', 'volume'],
      target: 'price',
      window: 6,
      horizon: 2,
      batchSize: 16,
      rows: { end: 140 },
    });
    expect(await all(tiny)).toEqual(first);
    expect(train.scaler).toBeInstanceOf(MinMaxScaler);

    // later rows with the training scaler: their inputs may reach back before row 140, as chronologicalSplit's do
    const val = await csvWindows(open, {
      columns: ['price', 'volume'],
      target: 'price',
      window: 6,
      horizon: 2,
      batchSize: 16,
      rows: { start: 140, end: 170 },
      scaler: train.scaler!,
    });
    expect(val.rows).toBeNull(); // no first pass was needed
    const got = await all(val);
    const refVal = reference(new MinMaxScaler(), 140, 140, 170, 6, 2);
    expect(got.x).toEqual(refVal.x);
    expect(got.y).toEqual(refVal.y);
  });

  it('fits a standard scaler in one streaming pass (Welford) to what StandardScaler.fit computes', async () => {
    const ds = await csvWindows(open, { columns: ['price', 'volume'], target: 'volume', window: 4, scaler: 'standard', fitRows: { end: 150 } });
    const s = new StandardScaler().fit(stackColumns(Object.values(parseCsv(text, { columns: ['price', 'volume'] }).columns).map((c) => c.slice(0, 150))));
    const got = ds.scaler as StandardScaler;
    got.mean!.forEach((m, c) => expect(m).toBeCloseTo(s.mean![c]!, 9));
    got.std!.forEach((v, c) => expect(v).toBeCloseTo(s.std![c]!, 9));
    expect(ds.windows).toBe(ROWS - 4);
  });

  it('reads the values as they are with scaler "none", and stops reading at rows.end', async () => {
    const volume = [...parseCsv(text, { column: 'volume' }).columns.volume!];
    // A source that fails if read past data row 10 (0-based), and says whether it was closed.
    let closed = false;
    const lines = text.split('\r\n');
    const guarded = () =>
      Readable.from(
        (function* () {
          try {
            for (let i = 0; i < lines.length; i++) {
              if (i > 11) throw new Error(`read past rows.end: line ${i}`);
              yield `${lines[i]}\r\n`;
            }
          } finally {
            closed = true;
          }
        })(),
      );
    const ds = await csvWindows(guarded, { columns: ['volume'], target: 'volume', window: 3, batchSize: 100, scaler: 'none', rows: { end: 10 } });
    const { x, y } = await all(ds);
    expect(y).toEqual(volume.slice(3, 10));
    expect(x.slice(0, 3)).toEqual(volume.slice(0, 3));
    expect(closed).toBe(true);
    // a pass abandoned after its first batch closes its source too (fitDataset's batchesPerEpoch, validationBatches)
    closed = false;
    const early = await (
      await csvWindows(guarded, { columns: ['volume'], target: 'volume', window: 3, batchSize: 2, scaler: 'none', rows: { end: 10 } })
    ).iterator();
    await early.next();
    await early.return();
    expect(closed).toBe(true);
  });

  it('reads records as papaparse does across chunk edges: quoted newlines, stray quotes, lone \\r line ends', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => [i * 1.5, i % 3 === 0 ? `"a note\nover ""two"" lines"` : i % 3 === 1 ? 'he is 5" tall' : 'plain']);
    for (const eol of ['\n', '\r\n', '\r']) {
      const csv = `a,note${eol}${rows.map((r) => r.join(',')).join(eol)}${eol}`;
      const path = join(dir, `notes-${eol.length}-${eol.charCodeAt(0)}.csv`);
      writeFileSync(path, csv);
      for (const highWaterMark of [5, 64, 65536]) {
        const ds = await csvWindows(() => createReadStream(path, { highWaterMark }), {
          columns: ['a'],
          target: 'a',
          window: 2,
          batchSize: 100,
          scaler: 'none',
        });
        const { y } = await all(ds);
        expect(y, `eol ${JSON.stringify(eol)}, chunks of ${highWaterMark}`).toEqual(rows.slice(2).map((r) => r[0]));
      }
    }
  });

  it('refuses bad input with typed errors that say what was expected', async () => {
    const base = { columns: ['price'], target: 'price', window: 3 };
    await expect(csvWindows(open, { ...base, columns: ['price', 'nope'] })).rejects.toThrow(
      new ValueError('csvWindows: column "nope" is not in the CSV; available columns: time, price, volume'),
    );
    await expect(csvWindows(open, { ...base, target: 'volume' })).rejects.toThrow(/target "volume" must be one of columns \(price\)/);
    await expect(csvWindows(open, { ...base, window: 0 })).rejects.toThrow(ValueError);
    await expect(csvWindows(open, { ...base, scaler: new MinMaxScaler() })).rejects.toThrow(/the scaler given is not fitted/);
    await expect(csvWindows(open, { ...base, scaler: new MinMaxScaler().fit([[1, 2]]) })).rejects.toThrow(ShapeError);
    await expect(csvWindows(open, { ...base, fitRows: { start: 500 } })).rejects.toThrow(/fitRows \[500, Infinity\) hold no rows of the file's 200/);
    await expect(csvWindows('series.csv' as never, base)).rejects.toThrow(/expects a Blob or File \(browsers\), or a function opening the data/);
    await expect(csvWindows(open, { ...base, shuffle: true } as never)).rejects.toThrow(ValueError);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'price\n1\n2\nn/a\n4\n');
    await expect(csvWindows(() => createReadStream(bad), base)).rejects.toThrow(
      'csvWindows: row 3, column "price": "n/a" is not a number. Clean or drop that row.',
    );
    for (const [name, body] of [
      ['empty.csv', ''],
      ['header-only.csv', 'price\n'],
    ]) {
      writeFileSync(join(dir, name!), body!);
      const only = () => createReadStream(join(dir, name!));
      await expect(csvWindows(only, base)).rejects.toThrow(ValueError);
    }
    await expect(csvWindows(open, { ...base, rows: { end: 3 } })).rejects.toThrow(/rows \[0, 3\) give no window of 3 steps \+ 1 ahead/);
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'a,b\n1,2\n3\n');
    const ds = await csvWindows(() => createReadStream(ragged), { columns: ['a'], target: 'a', window: 1, scaler: 'none' });
    await expect(all(ds)).rejects.toThrow(new ShapeError('csvWindows: row 2 has 1 fields; the header has 2 (a, b)'));
  });
});
