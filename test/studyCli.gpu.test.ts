/**
 * `npm run study` end to end (demo/cli/study.mjs) in a child process, in Node on Dawn: a small study on Mackey–Glass
 * (every cell) and a small benchmark; it prints the tables and writes study.md, .json and .html.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from './support/cli';

const skipGpu = inject('skipGpu');

describe.skipIf(skipGpu)('npm run study', () => {
  it('runs every cell and the ESN benchmark, and writes the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-study-'));
    const args = ['--quick', '--datasets', 'mackey-glass', '--units', '8', '--esn-units', '30', '--mg-units', '40', '--epochs', '2', '--out', out];
    const run = await runCli(args, 300_000, 'demo/cli/study.mjs');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[5\/5\] Mackey–Glass τ=17 esn tanh \(fixed\) window 10: NRMSE \d/);
    expect(run.stdout).toContain('| Jaeger & Haas (2004) | 1000 | 6.31e-5 (10^−4.2) | ridge |');
    const result = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as {
      rows: { cell: string; nrmse: number }[];
      mackeyGlass: { units: number; nrmse84: number };
    };
    expect(result.rows.map((r) => r.cell)).toEqual(['lstm', 'gru', 'simpleRNN', 'sru', 'esn']);
    for (const r of result.rows) expect(Number.isFinite(r.nrmse)).toBe(true);
    expect(result.mackeyGlass.units).toBe(40);
    expect(Number.isFinite(result.mackeyGlass.nrmse84)).toBe(true);
    expect(readFileSync(join(out, 'study.html'), 'utf8').match(/<svg /g)).toHaveLength(2);
    expect(readFileSync(join(out, 'study.md'), 'utf8')).toContain('**Best of each cell**');
  });

  it('says what is wrong with a bad option, in one line', async () => {
    const run = await runCli(['--cells', 'lstm,transformer'], 60_000, 'demo/cli/study.mjs');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe("error: --cells: unknown cell 'transformer'; cells are lstm, gru, simpleRNN, sru, esn");
  });
});
