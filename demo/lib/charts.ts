/**
 * The forecast charts (uPlot), shared by the Forecast page and the self-contained out/forecast.html: the series
 * with the model's one-step predictions and the forecast with its intervals, the errors by horizon, and the
 * loss curves per epoch.
 */
import uPlot from 'uplot';
import type { ForecastResult } from './forecastJob';
import { formatValue } from './forecast/summary';

export const COLORS = { actual: '#222222', fitted: '#7aa6d8', predicted: '#e8710a', forecast: '#d62728', band: '#e8a0a0', loss: '#1f77b4', valLoss: '#e8710a' };

export interface SeriesView {
  /** Epoch milliseconds per row, or null for row numbers. */
  times: number[] | null;
  values: number[];
  unit: string;
}

type Column = (number | null)[];

/**
 * Aligned columns for uPlot: rows of the series, then the forecast steps. Columns: x, actual, predicted
 * (train, validation), predicted (test), forecast, then the 95 % and 80 % intervals' low and high. A forecast
 * that left its plausible range is not drawn (the report says why instead).
 */
export function forecastColumns(view: SeriesView, result: Pick<ForecastResult, 'predicted' | 'forecast'>): [number[], ...Column[]] {
  const n = view.values.length;
  const f = result.forecast;
  const h = f.value.length;
  const x = view.times ? [...view.times, ...(f.times ?? [])].map((t) => t / 1000) : Array.from({ length: n + h }, (_, i) => i);
  const empty = (): Column => new Array<number | null>(n + h).fill(null);
  const actual = empty();
  view.values.forEach((v, i) => (actual[i] = v));
  const fitted = empty();
  const predicted = empty();
  result.predicted.index.forEach((row, k) => ((result.predicted.part[k] === 'test' ? predicted : fitted)[row] = result.predicted.value[k]!));
  const forecast = empty();
  const bands = [0.95, 0.8].flatMap((level) => {
    const b = f.bands.find((x) => x.level === level);
    return [b?.low, b?.high].map((edge) => {
      const column = empty();
      if (edge && !f.implausible) {
        column[n - 1] = view.values[n - 1]!;
        edge.forEach((v, k) => (column[n + k] = v));
      }
      return column;
    });
  });
  if (!f.implausible) {
    // Start the forecast line at the last observed value, so it reads as a continuation.
    forecast[n - 1] = view.values[n - 1]!;
    f.value.forEach((v, k) => (forecast[n + k] = v));
  }
  return [x, actual, fitted, predicted, forecast, ...bands];
}

/**
 * The y range follows the data but stops 30% of the observed span beyond the observed values, so a wide
 * interval far ahead does not flatten the series into a line.
 */
function clampedRange(values: readonly number[]): uPlot.Range.Function {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = 0.3 * (hi - lo || Math.abs(hi) || 1);
  return (_u, min, max) => [Math.max(min, lo - pad), Math.min(max, hi + pad)];
}

const valueOf = (unit: string) => (_: uPlot, v: number | null) => (v === null || v === undefined ? '—' : formatValue(v, unit));

export function drawForecastChart(el: HTMLElement, view: SeriesView, result: Pick<ForecastResult, 'predicted' | 'forecast'>, width: number): uPlot {
  const edge = (label: string) => ({ label, stroke: COLORS.band, width: 0.5, value: valueOf(view.unit) });
  const opts: uPlot.Options = {
    title: 'Actual vs predicted (one step ahead), and the forecast with its 80% and 95% intervals',
    width,
    height: 360,
    scales: { x: { time: view.times !== null }, y: { range: clampedRange(view.values) } },
    series: [
      { label: view.times ? 'date' : 'row' },
      { label: 'actual', stroke: COLORS.actual, width: 1.2, value: valueOf(view.unit) },
      { label: 'predicted (train, validation)', stroke: COLORS.fitted, width: 1, value: valueOf(view.unit) },
      { label: 'predicted (test, held out)', stroke: COLORS.predicted, width: 1.6, value: valueOf(view.unit) },
      { label: 'forecast', stroke: COLORS.forecast, width: 2, dash: [6, 4], value: valueOf(view.unit) },
      edge('95% low'),
      edge('95% high'),
      edge('80% low'),
      edge('80% high'),
    ],
    bands: [
      { series: [6, 5], fill: 'rgba(214, 39, 40, 0.10)' },
      { series: [8, 7], fill: 'rgba(214, 39, 40, 0.18)' },
    ],
    axes: [{}, { size: 80, values: (_, ticks) => ticks.map((t) => formatValue(t, view.unit, 0)) }],
  };
  return new uPlot(opts, forecastColumns(view, result) as uPlot.AlignedData, el);
}

export interface Curve {
  label: string;
  values: number[];
  color: string;
  /** Curves on the same scale share an axis; a second scale gets an axis on the right. */
  scale?: string;
}

/** Curves per epoch (1, 2, ...), e.g. loss and val_loss; `logScale` for losses that fall by orders of magnitude; `xLabel` for other steps. */
export function drawCurves(el: HTMLElement, title: string, curves: Curve[], width: number, logScale = false, xLabel = 'epoch'): uPlot {
  const scales = [...new Set(curves.map((c) => c.scale ?? 'y'))];
  const opts: uPlot.Options = {
    title,
    width,
    height: 240,
    scales: Object.fromEntries([['x', { time: false }], ...scales.map((k) => [k, k === 'y' && logScale ? { distr: 3 } : {}])]),
    series: [{ label: xLabel }, ...curves.map((c) => ({ label: c.label, stroke: c.color, width: 2, scale: c.scale ?? 'y', points: { show: true } }))],
    axes: [
      { label: xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] },
      ...scales.map((k, i) => ({ scale: k, size: 60, ...(i > 0 ? { side: 1 as const, grid: { show: false } } : {}) })),
    ],
  };
  return new uPlot(opts, curveColumns(curves), el);
}

export function curveColumns(curves: Curve[]): uPlot.AlignedData {
  const n = Math.max(0, ...curves.map((c) => c.values.length));
  return [Array.from({ length: n }, (_, i) => i + 1), ...curves.map((c) => c.values)];
}

export function lossCurves(history: { loss: number[]; valLoss: number[] }): Curve[] {
  return [
    { label: 'loss', values: history.loss, color: COLORS.loss },
    { label: 'val_loss', values: history.valLoss, color: COLORS.valLoss },
  ];
}

export function drawLossChart(el: HTMLElement, history: { loss: number[]; valLoss: number[] }, width: number): uPlot {
  return drawCurves(el, 'Loss per epoch (MSE on scaled values)', lossCurves(history), width, true);
}
