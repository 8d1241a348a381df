/**
 * `npm start` end to end: the real entry (demo/cli/main.mjs) in a child process trains in its own headless
 * Chromium on WebGPU, prints the model's and the baselines' test errors by horizon and the intervals' coverage,
 * and writes forecast.html, .png, .json and .csv. Small options keep it to seconds on CPU-emulated WebGPU; the
 * code path is the default one.
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
    result: {
      history: { loss: number[] };
      forecast: { value: number[]; bands: { level: number; low: number[]; high: number[] }[] };
      test: { forecasters: { name: string; errors: { rmse: number; mae: number; mase: number }[] }[] };
      coverage: { level: number; overall: number }[];
    };
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
    expect(run.stdout).toMatch(/epoch 2\/2 +loss \d\.\d+e[-+]?\d+ +val_loss \d\.\d+e[-+]?\d+/);
    expect(run.stdout).toContain('Target: the log return from the last observed value (auto: log returns');
    expect(run.stdout).toContain('Strategy: direct');
    // The MAE table: horizons 1, 3, 7, 10 across; the model and every baseline down.
    expect(run.stdout).toMatch(/^ +1 +3 +7 +10$/m);
    for (const name of ['LSTM \\(direct\\)', 'naive \\(last value\\)', 'moving average \\(20\\)', 'linear autoregression']) {
      expect(run.stdout).toMatch(new RegExp(`^${name} +(\\$\\d+\\.\\d\\d\\*? +){3}\\$\\d+\\.\\d\\d\\*?$`, 'm'));
    }
    expect(run.stdout).toMatch(/the 80% interval held \d+\.\d% of the test values \(nominal 80%\); the 95% interval held \d+\.\d%/);
    expect(run.stdout).toMatch(/^Forecast: from \$\d+\.\d\d \(last observed\) to \$\d+\.\d\d at step 10|^The forecast is not a usable result/m);
    expect(run.stdout).toMatch(/^Adapter: \S+/m);
    expect(run.stdout).toContain('forecast.html');
    const html = readFileSync(join(out, 'forecast.html'), 'utf8');
    // Self-contained: no script or stylesheet fetched from anywhere.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    const data = reportData(html);
    expect(data.values).toHaveLength(300);
    expect(data.result.history.loss).toHaveLength(2);
    expect(data.result.forecast.value).toHaveLength(10);
    expect(data.result.test.forecasters.map((f) => f.errors.length)).toEqual([10, 10, 10, 10]);
    expect(data.result.coverage.map((c) => c.level)).toEqual([0.8, 0.95]);
    // The numbers for a user's pipeline: the same data as JSON, the forecast and its intervals as CSV.
    expect(JSON.parse(readFileSync(join(out, 'forecast.json'), 'utf8')).result.forecast.value).toEqual(data.result.forecast.value);
    const csv = readFileSync(join(out, 'forecast.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('step,date,forecast,low80,high80,low95,high95');
    expect(csv).toHaveLength(11);
    const [, date, value, low80, high80, low95, high95] = csv[1]!.split(',');
    expect(date).toBe('2012-05-02');
    expect(Number(value)).toBeCloseTo(data.result.forecast.value[0]!, 9);
    expect(Number(low95)).toBeLessThanOrEqual(Number(low80));
    expect(Number(high95)).toBeGreaterThanOrEqual(Number(high80));
    expectPng(join(out, 'forecast.png'));
  });

  it('reads several CSV columns, adds the seasonal baseline (Seattle weather, temp_max from all four columns, --season)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-start-csv-'));
    const file = join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv');
    expect(existsSync(file)).toBe(true);
    const run = await runCli([
      ...SMALL,
      ...[
        '--csv',
        file,
        '--column',
        'temp_max',
        '--columns',
        'precipitation,temp_max,temp_min,wind',
        '--date-column',
        'date',
        '--season',
        '7',
        '--target',
        'change',
        '--out',
        out,
      ],
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/column temp_max from precipitation, temp_max, temp_min, wind.*300 rows/);
    expect(run.stdout).toContain('Target: the change from the last observed value. Strategy: direct');
    expect(run.stdout).toContain('reads precipitation, temp_max, temp_min, wind');
    expect(run.stdout).toMatch(/^seasonal naive \(m = 7\) +(-?\d+\.\d\d °C\*? +){3}\d+\.\d\d °C\*?$/m);
    expect(reportData(readFileSync(join(out, 'forecast.html'), 'utf8')).result.history.loss).toHaveLength(2);
    expectPng(join(out, 'forecast.png'));
  });

  it('runs the Keras tutorial recipe with --recipe tutorial (levels, recursive, LSTM(relu))', async () => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-start-tutorial-'));
    const run = await runCli([...SMALL, '--recipe', 'tutorial', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Target: the value itself (levels). Strategy: recursive');
    expect(run.stdout).toContain('LSTM(16, relu) + Dense(1)');
    expect(run.stdout).toMatch(/^LSTM \(recursive\) +\$\d+\.\d\d/m);
    const data = reportData(readFileSync(join(out, 'forecast.html'), 'utf8'));
    expect(data.result.forecast.value).toHaveLength(10);
  });

  it.each([['browser'], ['node']])('trains on the wasm backend with --backend wasm (--runtime %s), writing the same report', async (runtime) => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-start-wasm-'));
    const run = await runCli([...SMALL, '--runtime', runtime, '--backend', 'wasm', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      runtime === 'node' ? 'Runtime: Node (webrnn/node); backend: wasm' : 'Runtime: headless Chromium; backend: wasm (WebAssembly SIMD on the CPU, 1 thread)',
    );
    expect(run.stdout).toContain('Adapter: none needed (WebAssembly SIMD on the CPU)');
    expect(run.stdout).toMatch(/^LSTM \(direct\) +\$\d+\.\d\d/m);
    const data = reportData(readFileSync(join(out, 'forecast.html'), 'utf8'));
    expect(data.result.history.loss).toHaveLength(2);
    expectPng(join(out, 'forecast.png'));
  });

  it('trains in the Node process on Dawn with --runtime node (webrnn/node), writing the same report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'webrnn-start-node-'));
    // --backend webgpu: 'auto' would take WebAssembly over SwiftShader's adapter, and Dawn is what this tests.
    const run = await runCli([...SMALL, '--runtime', 'node', '--backend', 'webgpu', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Runtime: Node (webrnn/node, on Dawn); backend: webgpu');
    expect(run.stdout).toMatch(/epoch 2\/2 +loss \d\.\d+e[-+]?\d+ +val_loss \d\.\d+e[-+]?\d+/);
    expect(run.stdout).toMatch(/^LSTM \(direct\) +\$\d+\.\d\d/m);
    const data = reportData(readFileSync(join(out, 'forecast.html'), 'utf8'));
    expect(data.result.history.loss).toHaveLength(2);
    expect(data.result.forecast.value).toHaveLength(10);
    expectPng(join(out, 'forecast.png'));
  });
});
