/**
 * `npm start` with bad options or files: one line on stderr saying what was expected and what to do, exit
 * status 2, and no browser started (these all fail before Chromium launches, so they run in the unit project).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli';

const dir = mkdtempSync(join(tmpdir(), 'webrnn-cli-'));
const csv = join(dir, 'two-columns.csv');
writeFileSync(csv, 'date,temp,wind\n2020-01-01,1,2\n2020-01-02,2,n/a\n2020-01-03,3,4\n');
const twoNumeric = join(dir, 'two-numeric.csv');
writeFileSync(twoNumeric, `date,temp,wind\n${Array.from({ length: 30 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')},${i},${i % 3}`).join('\n')}\n`);
const shortCsv = join(dir, 'short.csv');
writeFileSync(shortCsv, `date,temp\n${Array.from({ length: 30 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')},${i}`).join('\n')}\n`);

const CASES: { name: string; args: string[]; message: RegExp }[] = [
  { name: 'an unknown option', args: ['--epoch', '3'], message: /Unknown option '--epoch'.*--help/ },
  { name: 'a non-integer epochs', args: ['--epochs', 'ten'], message: /--epochs expects an integer ≥ 1; got "ten"/ },
  { name: 'a zero window', args: ['--window', '0'], message: /--window expects an integer ≥ 1; got "0"/ },
  { name: 'an unknown target', args: ['--target', 'returns'], message: /--target expects auto, level, change or logret; got "returns"/ },
  { name: 'an unknown recipe', args: ['--recipe', 'keras'], message: /--recipe expects best or tutorial; got "keras"/ },
  { name: 'an unknown strategy', args: ['--strategy', 'mimo'], message: /--strategy expects direct or recursive; got "mimo"/ },
  { name: 'a season of 1', args: ['--season', '1'], message: /--season expects an integer ≥ 2; got "1"/ },
  { name: 'an unknown runtime', args: ['--runtime', 'deno'], message: /--runtime expects browser or node; got "deno"/ },
  { name: 'an unknown backend', args: ['--backend', 'cuda'], message: /--backend expects auto, webgpu or wasm; got "cuda"/ },
  { name: 'a column without a CSV', args: ['--column', 'close'], message: /--column picks columns of a --csv file; give --csv FILE/ },
  { name: 'input columns without a CSV', args: ['--columns', 'open,close'], message: /--columns picks columns of a --csv file/ },
  {
    name: 'an empty input column name',
    args: ['--csv', 'x.csv', '--columns', 'a,,b'],
    message: /--columns expects distinct column names separated by commas; got "a,,b"/,
  },
  {
    name: 'a repeated input column',
    args: ['--csv', 'x.csv', '--columns', 'a,a'],
    message: /--columns expects distinct column names separated by commas; got "a,a"/,
  },
  {
    name: 'other input columns with the recursive strategy',
    args: ['--csv', 'CSV', '--column', 'temp', '--columns', 'temp,wind', '--strategy', 'recursive'],
    message: /recursive strategy feeds its own forecasts back .* the future values of wind are unknown\. Use --strategy direct/,
  },
  {
    name: 'log returns of a series that reaches 0',
    args: ['--csv', 'SHORT', '--date-column', 'date', '--target', 'logret'],
    message: /column temp is 0 at row 0; use --target change/,
  },
  { name: 'a missing CSV file', args: ['--csv', join(dir, 'nope.csv')], message: /nope\.csv: no such file/ },
  { name: 'a directory as CSV', args: ['--csv', dir], message: /not a file/ },
  {
    name: 'an ambiguous CSV without --column',
    args: ['--csv', csv, '--date-column', 'date'],
    message: /has 2 columns besides the date column; choose one with --column \(available: date, temp, wind\)/,
  },
  {
    name: 'a column that is not in the CSV',
    args: ['--csv', csv, '--column', 'rain'],
    message: /"rain" is not in the CSV; available columns: date, temp, wind/,
  },
  { name: 'a non-numeric cell', args: ['--csv', csv, '--column', 'wind'], message: /row 2 \(line 3\), column "wind": "n\/a" is not a number/ },
  {
    name: 'a horizon longer than the test part',
    args: ['--csv', shortCsv, '--date-column', 'date', '--window', '5', '--strategy', 'recursive'],
    message: /the test part has 4 rows, fewer than the 30 a forecast of --horizon 30 steps is scored on; use a smaller --horizon .*30 rows/,
  },
  {
    name: 'a window longer than the series allows',
    args: ['--csv', shortCsv, '--date-column', 'date', '--horizon', '1'],
    message: /the train part has 21 rows but one training window needs 62 \(--window 60, one row before it for the first change, then 1 target row\)/,
  },
];

describe('npm start: bad options and files', () => {
  for (const c of CASES) {
    c.args = c.args.map((a) => (a === 'CSV' ? twoNumeric : a === 'SHORT' ? shortCsv : a));
    it(`rejects ${c.name} in one line with exit status 2`, async () => {
      const run = await runCli(c.args, 60_000);
      expect(run.code).toBe(2);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(c.message);
    });
  }

  it('prints the options with --help and exits 0', async () => {
    const run = await runCli(['--help'], 30_000);
    expect(run.code).toBe(0);
    for (const option of [
      '--csv',
      '--column',
      '--columns',
      '--date-column',
      '--recipe',
      '--target',
      '--strategy',
      '--season',
      '--window',
      '--epochs',
      '--units',
      '--horizon',
      '--out',
    ])
      expect(run.stdout).toContain(option);
  });
});
