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
const shortCsv = join(dir, 'short.csv');
writeFileSync(shortCsv, `date,temp\n${Array.from({ length: 30 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')},${i}`).join('\n')}\n`);

const CASES: { name: string; args: string[]; message: RegExp }[] = [
  { name: 'an unknown option', args: ['--epoch', '3'], message: /Unknown option '--epoch'.*--help/ },
  { name: 'a non-integer epochs', args: ['--epochs', 'ten'], message: /--epochs expects an integer ≥ 1; got "ten"/ },
  { name: 'a zero window', args: ['--window', '0'], message: /--window expects an integer ≥ 1; got "0"/ },
  { name: 'an unknown target', args: ['--target', 'returns'], message: /--target expects level or change; got "returns"/ },
  { name: 'an unknown runtime', args: ['--runtime', 'deno'], message: /--runtime expects browser or node; got "deno"/ },
  { name: 'a column without a CSV', args: ['--column', 'close'], message: /--column picks a column of a --csv file; give --csv FILE/ },
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
    name: 'a window longer than the series allows',
    args: ['--csv', shortCsv, '--date-column', 'date'],
    message: /the train part has 21 rows .* needs at least 61 .*--window 60, 30 rows/,
  },
];

describe('npm start: bad options and files', () => {
  for (const c of CASES) {
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
    for (const option of ['--csv', '--column', '--date-column', '--window', '--epochs', '--units', '--horizon', '--out']) expect(run.stdout).toContain(option);
  });
});
