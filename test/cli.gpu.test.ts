/**
 * `npm start` end to end: the real entry (demo/cli/main.mjs) in a child process trains in its own headless
 * Chromium on WebGPU, prints the model's and the naive forecast's test errors, and writes forecast.html and
 * forecast.png. Small options keep it to seconds on CPU-emulated WebGPU; the code path is the default one.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runCli, repoRoot } from './support/cli';

const skipGpu = inject('skipGpu');
const SMALL = ['--epochs', '2', '--last', '300', '--window', '20', '--units', '16', '--horizon', '10'];

/** The results the report page renders, from its inline JSON. */
function reportData(html: string) {
  const m = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error('forecast.html has no report-data script');
  return JSON.parse(m[1]!) as {
    values: number[];
    result: { history: { loss: number[] }; forecast: { value: number[] }; test: Record<string, { rmse: number; mae: number }> };
  };
}

function expectPng(path: string) {
  const png = readFileSync(path);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // Width and height from the IHDR chunk: the 1100 px viewport, and taller than one screen of charts.
  expect(png.readUInt32BE(16)).toBe(1100);
  expect(png.readUInt32BE(20)).toBeGreaterThan(700);
}

describe.skipIf(skipGpu)('npm start', () => {
  it('trains on the bundled AAPL closes and writes out/forecast.html and out/forecast.png', async () => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-start-'));
    const run = await runCli([...SMALL, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/epoch 2\/2 +loss \d\.\d+e-?\d+ +val_loss \d\.\d+e-?\d+/);
    expect(run.stdout).toMatch(/^LSTM model +\$\d+\.\d\d +\$\d+\.\d\d$/m);
    expect(run.stdout).toMatch(/^naive \(tomorrow = today\) +\$\d+\.\d\d +\$\d+\.\d\d$/m);
    expect(run.stdout).toMatch(/^Adapter: \S+/m);
    expect(run.stdout).toContain('forecast.html');
    const html = readFileSync(join(out, 'forecast.html'), 'utf8');
    // Self-contained: no script or stylesheet fetched from anywhere.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    const data = reportData(html);
    expect(data.values).toHaveLength(300);
    expect(data.result.history.loss).toHaveLength(2);
    expect(data.result.forecast.value).toHaveLength(10);
    expect(data.result.test.naive!.rmse).toBeGreaterThan(0);
    expectPng(join(out, 'forecast.png'));
  });

  it('trains on the changes of a CSV column (vega-datasets seattle-weather temp_max, --target change)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-start-csv-'));
    const file = join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv');
    expect(existsSync(file)).toBe(true);
    const run = await runCli([...SMALL, '--csv', file, '--column', 'temp_max', '--date-column', 'date', '--target', 'change', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/column temp_max.*300 rows/);
    expect(run.stdout).toContain('Target: the next day-to-day change');
    expect(run.stdout).toMatch(/^LSTM model +-?\d+\.\d\d +\d+\.\d\d$/m);
    expect(reportData(readFileSync(join(out, 'forecast.html'), 'utf8')).result.history.loss).toHaveLength(2);
    expectPng(join(out, 'forecast.png'));
  });

  it('trains in the Node process on Dawn with --runtime node (webrnn/node), writing the same report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-start-node-'));
    const run = await runCli([...SMALL, '--runtime', 'node', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Runtime: Node on Dawn (webrnn/node)');
    expect(run.stdout).toMatch(/epoch 2\/2 +loss \d\.\d+e-?\d+ +val_loss \d\.\d+e-?\d+/);
    expect(run.stdout).toMatch(/^LSTM model +\$\d+\.\d\d +\$\d+\.\d\d$/m);
    const data = reportData(readFileSync(join(out, 'forecast.html'), 'utf8'));
    expect(data.result.history.loss).toHaveLength(2);
    expect(data.result.forecast.value).toHaveLength(10);
    expectPng(join(out, 'forecast.png'));
  });
});
