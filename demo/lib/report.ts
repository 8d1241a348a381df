/**
 * The forecast report: what was trained on what, the held-out errors of the model and of the naive forecast,
 * and both charts. Rendered by out/forecast.html (built by `npm start`) and by the Forecast page.
 */
import type uPlot from 'uplot';
import type { AdapterSummary } from '../../src/index';
import { drawForecastChart, drawLossChart, type SeriesView } from './charts';
import type { ForecastResult, ForecastTarget } from './forecastJob';

export interface ReportData extends SeriesView {
  /** "AAPL daily close (@visx/mock-data)" or the CSV file and column. */
  source: string;
  config: { window: number; epochs: number; units: number; horizon: number; batchSize: number; target: ForecastTarget };
  adapter: AdapterSummary;
  result: ForecastResult;
}

export function adapterLine(a: AdapterSummary): string {
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${name} — ${a.isFallback ? 'a fallback (CPU-emulated) adapter: correct, but not a speed reference' : 'a hardware GPU adapter'}`;
}

export function errorTable(unit: string, test: ForecastResult['test']): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'errors';
  const fmt = (v: number) => `${unit}${v.toFixed(2)}`;
  const better = (a: number, b: number) => (a < b ? ' class="better"' : '');
  table.innerHTML =
    '<thead><tr><th>test part (held out in time)</th><th>RMSE</th><th>MAE</th></tr></thead><tbody>' +
    `<tr><td>LSTM model</td><td${better(test.model.rmse, test.naive.rmse)}>${fmt(test.model.rmse)}</td><td${better(test.model.mae, test.naive.mae)}>${fmt(test.model.mae)}</td></tr>` +
    `<tr><td>naive: tomorrow = today</td><td${better(test.naive.rmse, test.model.rmse)}>${fmt(test.naive.rmse)}</td><td${better(test.naive.mae, test.model.mae)}>${fmt(test.naive.mae)}</td></tr>` +
    '</tbody>';
  return table;
}

/** Says when the test part leaves the range of the training rows, the usual reason a model on levels loses to the naive forecast. */
export function extrapolationNote(unit: string, ranges: ForecastResult['ranges'], target: ForecastTarget): string | null {
  const [lo, hi] = ranges.train;
  const [tlo, thi] = ranges.test;
  const fmt = (v: number) => `${unit}${v.toFixed(2)}`;
  if (thi <= hi && tlo >= lo) return null;
  const what = target === 'change' ? 'day-to-day changes' : 'values';
  return (
    `The test part's ${what} run from ${fmt(tlo)} to ${fmt(thi)}, outside the training range ${fmt(lo)} to ${fmt(hi)}: the scaler, fitted on the train part as it must be, ` +
    'maps them beyond anything the model trained on, and it has to extrapolate. That, not a leak, is why it can lose to the naive forecast, and why a forecast fed back into itself can drift off.'
  );
}

export function renderReport(root: HTMLElement, data: ReportData, width: number): { forecast: uPlot; loss: uPlot } {
  const { result: r, config: c } = data;
  const para = (text: string) => Object.assign(document.createElement('p'), { textContent: text });
  const epochsRun = r.history.loss.length;
  root.append(
    para(
      `Data: ${data.source}, ${r.rows} rows. Split in time${c.target === 'change' ? ` (of the ${r.rows - 1} day-to-day changes)` : ''}: ` +
        `train ${r.split.train}, validation ${r.split.validation}, test ${r.split.test} rows (the last ones); the scaler is fitted on the train rows only.`,
    ),
    para(
      `Model: LSTM(${c.units}, relu) + Dense(1), Adam, MSE, window ${c.window}, batch ${c.batchSize}, ` +
        (c.target === 'change'
          ? 'on the day-to-day changes (standard-scaled; prediction = last value + predicted change)'
          : 'on the values themselves (min-max scaled), as the tutorial') +
        `; ${epochsRun} of ${c.epochs} epochs` +
        (r.stoppedEarly
          ? ` (early stopping fired after epoch ${r.stoppedEarly.epoch}; the weights of epoch ${r.stoppedEarly.bestEpoch}, the best val_loss, were restored)`
          : '') +
        `; ${r.windows.train} training windows.`,
    ),
    para(
      `Adapter: ${adapterLine(data.adapter)}. Training speed: ${r.speed.stepsPerSecond.toFixed(2)} steps/s (${r.speed.epochSeconds.toFixed(1)} s per epoch).`,
    ),
    errorTable(data.unit, r.test),
  );
  const note = extrapolationNote(data.unit, r.ranges, c.target);
  if (note) root.append(para(note));
  const forecastEl = Object.assign(document.createElement('div'), { className: 'forecast-chart' });
  const lossEl = Object.assign(document.createElement('div'), { className: 'loss-chart' });
  root.append(forecastEl, lossEl);
  return { forecast: drawForecastChart(forecastEl, data, r, width), loss: drawLossChart(lossEl, r.history, width) };
}

export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1040px; }
h1 { font-size: 20px; margin: 0 0 8px; }
table.errors { border-collapse: collapse; margin: 8px 0 16px; }
table.errors td, table.errors th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
table.errors td:first-child, table.errors th:first-child { text-align: left; }
table.errors .better { font-weight: 600; background: #eef7ee; }
`;
