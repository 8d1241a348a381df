/**
 * The forecast report: what was trained on what, the held-out errors of the model and every baseline by
 * horizon, the intervals' coverage, the forecast, and the charts. Rendered by out/forecast.html (built by
 * `npm start`) and by the Forecast page; its sentences are forecast/summary.ts's, as the console prints them.
 */
import type uPlot from 'uplot';
import type { AdapterSummary } from '../../src/index';
import { COLORS, drawCurves, drawForecastChart, drawLossChart, type Curve } from './charts';
import {
  coverageLine,
  extrapolationNote,
  forecastLine,
  formatValue,
  modelLine,
  shownHorizons,
  splitLine,
  targetLine,
  trainingLine,
  verdictLine,
  type ReportData,
} from './forecast/summary';

export type { ReportData } from './forecast/summary';

export function adapterLine(a: AdapterSummary): string {
  if (a.vendor === 'webrnn' && a.architecture === 'wasm') return `${a.description} — the wasm backend, no GPU adapter`;
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${name} — ${a.isFallback ? 'a fallback (CPU-emulated) adapter: correct, but not a speed reference' : 'a hardware GPU adapter'}`;
}

/** One table per metric: forecasters down, the shown horizons across, the lowest error of each column marked. */
export function errorTables(data: ReportData): HTMLElement {
  const r = data.result;
  const hs = shownHorizons(data.config.horizon);
  const wrap = document.createElement('div');
  for (const metric of ['mae', 'rmse', 'mase'] as const) {
    const table = document.createElement('table');
    table.className = `errors errors-${metric}`;
    const head = `<thead><tr><th>${metric.toUpperCase()} on the test part, steps ahead →</th>${hs.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
    const body = r.test.forecasters
      .map((f) => {
        const cells = hs.map((h) => {
          const v = f.errors[h - 1]![metric];
          const best = Math.min(...r.test.forecasters.map((g) => g.errors[h - 1]![metric]));
          const text = metric === 'mase' ? v.toFixed(3) : formatValue(v, data.unit);
          return `<td${v === best ? ' class="better"' : ''}>${text}</td>`;
        });
        return `<tr class="${f.role}"><td>${escape(f.name)}</td>${cells.join('')}</tr>`;
      })
      .join('');
    table.innerHTML = `${head}<tbody>${body}</tbody>`;
    wrap.append(table);
  }
  return wrap;
}

const BASELINE_COLORS = ['#555555', '#2ca02c', '#9467bd', '#8c564b'];

/** MAE at every horizon, one curve per forecaster: where the model pulls ahead or falls behind. */
function horizonCurves(data: ReportData): Curve[] {
  let k = 0;
  return data.result.test.forecasters.map((f) => ({
    label: f.name,
    values: f.errors.map((e) => e.mae),
    color: f.role === 'model' ? COLORS.forecast : BASELINE_COLORS[k++ % BASELINE_COLORS.length]!,
  }));
}

export function renderReport(root: HTMLElement, data: ReportData, width: number): { forecast: uPlot; loss: uPlot; horizons: uPlot } {
  const para = (text: string, className = '') => Object.assign(document.createElement('p'), { textContent: text, className });
  const r = data.result;
  root.append(
    para(splitLine(data)),
    para(targetLine(data)),
    para(modelLine(data)),
    para(`Adapter: ${adapterLine(data.adapter)}. ${trainingLine(data).replace(/^Training: /, 'Training: ')}`),
    errorTables(data),
    para(verdictLine(data)),
  );
  const note = extrapolationNote(data);
  if (note) root.append(para(note));
  root.append(para(coverageLine(r)), para(forecastLine(data), r.forecast.implausible ? 'warning' : ''));
  const forecastEl = Object.assign(document.createElement('div'), { className: 'forecast-chart' });
  const horizonEl = Object.assign(document.createElement('div'), { className: 'horizon-chart' });
  const lossEl = Object.assign(document.createElement('div'), { className: 'loss-chart' });
  root.append(forecastEl, horizonEl, lossEl);
  return {
    forecast: drawForecastChart(forecastEl, data, r, width),
    horizons: drawCurves(horizonEl, `MAE on the test part by horizon${data.unit ? ` (${data.unit})` : ''}`, horizonCurves(data), width, false, 'steps ahead'),
    loss: drawLossChart(lossEl, r.history, width),
  };
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1040px; }
h1 { font-size: 20px; margin: 0 0 8px; }
table.errors { border-collapse: collapse; margin: 8px 0 12px; }
table.errors td, table.errors th { border: 1px solid #ccc; padding: 3px 9px; text-align: right; }
table.errors td:first-child, table.errors th:first-child { text-align: left; }
table.errors tr.model td:first-child { font-weight: 600; }
table.errors .better { font-weight: 600; background: #eef7ee; }
p.warning { color: #a00; font-weight: 600; }
`;
