/**
 * Forecast page: pick a series (bundled AAPL, bundled Seattle weather, or an uploaded CSV) and a column, train
 * the tutorial's model live with the loss curve growing per epoch, then show the held-out errors against the
 * naive forecast, the actual vs predicted chart and the forecast (the same report as `npm start` writes).
 */
import 'uplot/dist/uPlot.min.css';
import type uPlot from 'uplot';
import { loadAppleStock } from '../../src/data/datasets';
import { curveColumns, drawCurves, lossCurves } from '../lib/charts';
import type { AdapterSummary } from '../../src/index';
import { runForecastJob, type ForecastModelSpec, type ForecastTarget } from '../lib/forecastJob';
import { $, applyEpochsParam, boot, clearError, input, intValue, openModel, params, quick, setState, showBatch, showError, showSpeed } from '../lib/page';
import { renderReport } from '../lib/report';
import { csvTable, type LoadedTable } from './csvSource';

let table: LoadedTable | null = null;

const sourceSelect = $('source') as HTMLSelectElement;
const columnSelect = $('column') as HTMLSelectElement;
const dateSelect = $('date-column') as HTMLSelectElement;
const trainButton = $('train') as HTMLButtonElement;

function fill(select: HTMLSelectElement, options: string[], chosen: string | null): void {
  select.replaceChildren(...options.map((o) => new Option(o === '' ? '(none)' : o, o, false, o === chosen)));
}

async function loadSource(): Promise<void> {
  clearError();
  trainButton.disabled = true;
  const source = sourceSelect.value;
  $('file-label').hidden = source !== 'upload';
  table = null;
  if (source === 'aapl') {
    const { dates, close } = await loadAppleStock();
    const series = { values: Array.from(close), times: dates.map((d) => d.getTime()) };
    table = { name: 'AAPL daily close (@visx/mock-data)', unit: '$', numeric: ['close'], dates: ['date'], series: () => series };
  } else if (source === 'seattle') {
    // vega-datasets' "exports" hide its data/ folder; a path into node_modules reaches the file itself.
    const { default: text } = await import('../../node_modules/vega-datasets/data/seattle-weather.csv?raw');
    table = csvTable('seattle-weather.csv (vega-datasets)', text);
  } else {
    const file = input('file').files?.[0];
    if (!file) {
      fill(columnSelect, [], null);
      fill(dateSelect, [], null);
      $('series-info').textContent = 'Choose a CSV file with a header row.';
      return;
    }
    table = csvTable(file.name, await file.text());
  }
  fill(columnSelect, table.numeric, table.numeric.includes('temp_max') ? 'temp_max' : (table.numeric[0] ?? null));
  fill(dateSelect, table.dates, table.dates.includes('date') ? 'date' : (table.dates[0] ?? null));
  $('series-info').textContent = table.numeric.length
    ? `${table.name}: numeric columns ${table.numeric.join(', ')}.`
    : `${table.name} has no column whose every cell is a number; nothing to forecast.`;
  trainButton.disabled = table.numeric.length === 0;
}

async function train(): Promise<void> {
  if (!table) return;
  clearError();
  trainButton.disabled = true;
  $('report').replaceChildren();
  const liveEl = $('loss-live');
  liveEl.replaceChildren();
  try {
    const column = columnSelect.value;
    const series = table.series(column, dateSelect.value || null);
    const rows = quick ? QUICK_ROWS : series.values.length;
    const target = ($('target') as HTMLSelectElement).value as ForecastTarget;
    const config = { window: intValue('window'), epochs: intValue('epochs'), units: intValue('units'), horizon: intValue('horizon'), batchSize: 32, target };
    const values = series.values.slice(-rows);
    const times = series.times && series.times.slice(-rows);
    const history = { loss: [] as number[], valLoss: [] as number[] };
    let live: uPlot | null = null;
    setState({ status: 'training', epochsDone: 0 });
    let adapter: AdapterSummary | null = null;
    // The model trains in its own worker (model.worker.ts); data preparation and scoring stay on the page.
    const openInWorker = async (spec: ForecastModelSpec) => {
      const model = await openModel(new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' }), spec);
      adapter = model.adapter;
      return model;
    };
    const result = await runForecastJob(
      openInWorker,
      { values, times, ...config, seed: 42, patience: 0 },
      (r) => {
        history.loss.push(r.loss);
        history.valLoss.push(r.valLoss);
        live ??= drawCurves(liveEl, 'Loss per epoch (live)', lossCurves(history), chartWidth(), true);
        live.setData(curveColumns(lossCurves(history)));
        $('progress').textContent = `epoch ${r.epoch}/${r.epochs}  loss ${r.loss.toExponential(3)}  val_loss ${r.valLoss.toExponential(3)}`;
        showSpeed(r.stepsPerSecond, r.epochSeconds);
        setState({ epochsDone: r.epoch });
      },
      (b) => showBatch(b.epoch, b.epochs, b.batch, b.batches),
    );
    liveEl.replaceChildren();
    showSpeed(result.speed.stepsPerSecond, result.speed.epochSeconds);
    const source = `${table.name}, column ${column}${rows < series.values.length ? ` (the last ${rows} of ${series.values.length} rows)` : ''}`;
    const charts = renderReport($('report'), { values, times, unit: table.unit, source, config, adapter: adapter!, result }, chartWidth());
    setState({
      status: 'done',
      result: {
        forecastPoints: (charts.forecast.data[1] as (number | null)[]).filter((v) => v !== null).length,
        lossPoints: charts.loss.data[1]!.length,
        modelRmse: result.test.model.rmse,
        naiveRmse: result.test.naive.rmse,
      },
    });
  } catch (e) {
    showError(e);
  } finally {
    trainButton.disabled = false;
  }
}

function chartWidth(): number {
  return Math.min(1000, $('report').clientWidth || 900);
}

/** ?quick=1 (tests on CPU-emulated WebGPU): the last 300 rows, a short window, a small LSTM, shown in the boxes. */
const QUICK_ROWS = 300;

void boot(async () => {
  if (quick) Object.entries({ window: 20, units: 16, horizon: 10 }).forEach(([id, v]) => (input(id).value = String(v)));
  applyEpochsParam();
  const target = params.get('target');
  if (target) ($('target') as HTMLSelectElement).value = target;
  sourceSelect.addEventListener('change', () => void loadSource().catch(showError));
  input('file').addEventListener('change', () => void loadSource().catch(showError));
  trainButton.addEventListener('click', () => void train());
  await loadSource();
  if (params.get('auto') === '1') void train();
});
