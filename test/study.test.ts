/**
 * The study's CPU side: the Mackey–Glass generator (src/data/mackeyGlass.ts) against the attractor's known
 * statistics and against a finer integration, and the report (demo/lib/study/report.ts): best rows, means,
 * Markdown tables, the SVG charts and the HTML page.
 */
import { describe, expect, it } from 'vitest';
import { ValueError, mackeyGlass } from '../src/index';
import { barChart, bestPerCell, meanBy, studyHtml, studyMarkdown, type StudyResult } from '../demo/lib/study/report';
import type { StudyRow } from '../demo/lib/study/study';
import { DEFAULT_STUDY } from '../demo/lib/study/study';

describe('mackeyGlass', () => {
  it('lives on the τ = 17 attractor: values in (0.4, 1.35), mean ≈ 0.93, σ ≈ 0.23, and no period', () => {
    const s = mackeyGlass({ length: 2000 });
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const sigma = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    expect(Math.min(...s)).toBeGreaterThan(0.4);
    expect(Math.max(...s)).toBeLessThan(1.35);
    expect(mean).toBeCloseTo(0.93, 1);
    expect(sigma).toBeCloseTo(0.23, 1);
    // Chaotic: no lag up to 200 repeats the series closely.
    for (let lag = 20; lag <= 200; lag += 10) {
      const d = Math.max(...Array.from({ length: 500 }, (_, i) => Math.abs(s[i + lag]! - s[i]!)));
      expect(d, `lag ${lag}`).toBeGreaterThan(0.05);
    }
  });

  it('is the delay equation’s solution: halving dt moves the first 100 time units by < 1e-4', () => {
    const [coarse, fine] = [mackeyGlass({ length: 100, discard: 0 }), mackeyGlass({ length: 100, discard: 0, dt: 0.05 })];
    const worst = Math.max(...Array.from(coarse, (v, i) => Math.abs(v - fine[i]!)));
    expect(worst).toBeLessThan(1e-4);
    expect(coarse[0]).toBe(1.2);
    expect(mackeyGlass({ length: 10, tau: 30 })).not.toEqual(mackeyGlass({ length: 10 }));
  });

  it('names bad options', () => {
    expect(() => mackeyGlass({ length: 0 })).toThrow(ValueError);
    expect(() => mackeyGlass({ length: 10, tau: 17.05 })).toThrow(/tau \(17\.05\) and sampleEvery \(1\) must be whole multiples of dt \(0\.1\)/);
    expect(() => mackeyGlass({ length: 10, dt: -1 })).toThrow(/dt must be a number > 0/);
  });
});

const row = (dataset: string, cell: StudyRow['cell'], activation: string, window: number, nrmse: number, trainMs: number): StudyRow => ({
  dataset,
  cell,
  activation,
  window,
  rmse: nrmse * 2,
  nrmse,
  vsNaive: nrmse / 0.5,
  naiveRmse: 4,
  trainMs,
  epochs: cell === 'esn' ? 0 : 7,
  params: 100,
});
const ROWS = [
  row('A', 'lstm', 'tanh', 10, 0.5, 900),
  row('A', 'lstm', 'relu', 10, 0.4, 1100),
  row('A', 'lstm', 'tanh', 30, 0.3, 2000),
  row('A', 'esn', 'tanh (fixed)', 10, 0.2, 50),
  row('B', 'lstm', 'tanh', 10, 0.9, 800),
];

describe('the study report', () => {
  it('picks the best row of each cell per dataset and averages by window and activation', () => {
    expect(bestPerCell(ROWS).map((r) => [r.dataset, r.cell, r.window, r.nrmse])).toEqual([
      ['A', 'lstm', 30, 0.3],
      ['A', 'esn', 10, 0.2],
      ['B', 'lstm', 10, 0.9],
    ]);
    const byWindow = meanBy(ROWS, 'window').filter((m) => m.dataset === 'A');
    expect(byWindow.map((m) => [m.value, m.runs])).toEqual([
      ['10', 3],
      ['30', 1],
    ]);
    expect(byWindow[0]!.nrmse).toBeCloseTo((0.5 + 0.4 + 0.2) / 3, 12);
    // The reservoir's fixed tanh is not an activation choice: left out of that mean.
    expect(
      meanBy(ROWS, 'activation')
        .filter((m) => m.dataset === 'A')
        .map((m) => [m.value, m.runs]),
    ).toEqual([
      ['tanh', 2],
      ['relu', 1],
    ]);
  });

  const result: StudyResult = {
    adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', isFallback: true },
    options: DEFAULT_STUDY,
    rows: ROWS,
    mackeyGlass: {
      units: 400,
      nrmse84: 0.0044,
      trialErrors: [0.001],
      ridgeMs: 9000,
      measuredRadius: 0.8,
      lstm: { msToBest: 80000, bestEpoch: 58, epochs: 60, bestValLoss: 1e-4 },
      speedup: 80000 / 9000,
    },
    seconds: 120,
  };

  it('writes the tables in Markdown, with the benchmark next to Jaeger & Haas', () => {
    const md = studyMarkdown(result);
    expect(md).toContain('(CPU emulation: times are not a GPU reference)');
    expect(md).toContain('| A | LSTM | tanh | 30 | 0.600 | 0.300 | 0.600 | 2.0 s |');
    expect(md).toContain('| A | ESN (ridge) | tanh (fixed) | 10 | 0.400 | 0.200 | 0.400 | 50 ms |');
    expect(md).toContain('**Mean NRMSE by window**');
    expect(md).toContain('| webrnn ESN (ridge readout) | 400 | 4.40e-3 | 9.0 s (ridge) |');
    expect(md).toContain('| Jaeger & Haas (2004) | 1000 | 6.31e-5 (10^−4.2) | ridge |');
    expect(md).toContain('Ridge fit 9× faster than training the LSTM to its best validation loss.');
  });

  it('draws one bar per cell and dataset, and makes one page of it all', () => {
    const svg = barChart(
      't',
      [
        {
          label: 'A',
          bars: [
            { label: 'LSTM', value: 1 },
            { label: 'ESN', value: 0.5 },
          ],
        },
      ],
      '',
    );
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toMatch(/^<svg xmlns/);
    const html = studyHtml(result);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<table>/g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).not.toContain('**');
  });
});
