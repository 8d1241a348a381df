/**
 * Forecast page: pick a series (bundled AAPL, Seattle weather or CO2, or an uploaded CSV), the column to
 * forecast and the columns the model reads, a recipe, target, strategy, horizon and season; train live with the
 * loss curve growing per epoch (in a worker), then show the report `npm start` writes: errors by horizon next to
 * the baselines, interval coverage, the forecast with its intervals, and the charts.
 */
import 'uplot/dist/uPlot.min.css';
import type uPlot from 'uplot';
import { loadAppleStock } from '../../src/data/datasets';
import { curveColumns, drawCurves, lossCurves } from '../lib/charts';
import type { AdapterSummary } from '../../src/index';
import { runForecastJob, type ForecastModelSpec } from '../lib/forecastJob';
import type { Recipe, Strategy } from '../lib/forecast/plan';
import type { TargetKind } from '../lib/forecast/targets';
import { $, applyEpochsParam, boot, clearError, input, intValue, openModel, params, quick, setState, showBatch, showError, showSpeed } from '../lib/page';
import { modelOf, naiveOf } from '../lib/forecast/summary';
import { renderReport } from '../lib/report';
import { csvTable, type LoadedTable } from './csvSource';

let table: LoadedTable | null = null;

const sourceSelect = $('source') as HTMLSelectElement;
const columnSelect = $('column') as HTMLSelectElement;
const dateSelect = $('date-column') as HTMLSelectElement;
const trainButton = $('train') as HTMLButtonElement;
const select = (id: string) => $(id) as HTMLSelectElement;

/** Per bundled source: the column to forecast, the inputs, horizon and season of the README's example. */
const EXAMPLES: Record<string, { column: string; inputs: string[]; horizon: number; season: string; window: number }> = {
  aapl: { column: 'close', inputs: ['close'], horizon: 30, season: '', window: 60 },
  seattle: { column: 'temp_max', inputs: ['precipitation', 'temp_max', 'temp_min', 'wind'], horizon: 7, season: '365', window: 30 },
  co2: { column: 'CO2', inputs: ['CO2'], horizon: 24, season: '12', window: 60 },
};

function fill(select: HTMLSelectElement, options: string[], chosen: string | null): void {
  select.replaceChildren(...options.map((o) => new Option(o === '' ? '(none)' : o, o, false, o === chosen)));
}

function fillInputs(columns: string[], chosen: string[]): void {
  $('inputs').replaceChildren(
    ...columns.map((c) => {
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: c, checked: chosen.includes(c) });
      const label = document.createElement('label');
      label.append(box, ` ${c}`);
      return label;
    }),
  );
}

async function loadSource(): Promise<void> {
  clearError();
  trainButton.disabled = true;
  const source = sourceSelect.value;
  $('file-label').hidden = source !== 'upload';
  table = null;
  if (source === 'aapl') {
    const { dates, close } = await loadAppleStock();
    const series = { columns: { close: Array.from(close) }, times: dates.map((d) => d.getTime()) };
    table = { name: 'AAPL daily close (@visx/mock-data)', unit: () => '$', numeric: ['close'], dates: ['date'], series: () => series };
  } else if (source === 'seattle') {
    // vega-datasets' "exports" hide its data/ folder; a path into node_modules reaches the file itself.
    const { default: text } = await import('../../node_modules/vega-datasets/data/seattle-weather.csv?raw');
    table = csvTable('seattle-weather.csv (vega-datasets)', text, { precipitation: 'mm', temp_max: '°C', temp_min: '°C', wind: 'm/s' });
  } else if (source === 'co2') {
    const { default: text } = await import('../../node_modules/vega-datasets/data/co2-concentration.csv?raw');
    table = csvTable('co2-concentration.csv (vega-datasets, monthly Mauna Loa CO2)', text, { CO2: 'ppm', 'adjusted CO2': 'ppm' });
  } else {
    const file = input('file').files?.[0];
    if (!file) {
      fill(columnSelect, [], null);
      fill(dateSelect, [], null);
      fillInputs([], []);
      $('series-info').textContent = 'Choose a CSV file with a header row.';
      return;
    }
    table = csvTable(file.name, await file.text());
  }
  const example = EXAMPLES[source];
  const column = example && table.numeric.includes(example.column) ? example.column : (table.numeric[0] ?? null);
  fill(columnSelect, table.numeric, column);
  fillInputs(table.numeric, example?.inputs ?? (column ? [column] : []));
  fill(dateSelect, table.dates, table.dates[0] ?? null);
  if (example) {
    input('horizon').value = String(quick ? Math.min(example.horizon, 10) : example.horizon);
    input('season').value = example.season;
    if (!quick) input('window').value = String(example.window);
  } else {
    input('season').value = ''; // an uploaded file has no known season
  }
  $('series-info').textContent = table.numeric.length
    ? `${table.name}: numeric columns ${table.numeric.join(', ')}.`
    : `${table.name} has no column whose every cell is a number; nothing to forecast.`;
  trainButton.disabled = table.numeric.length === 0;
}

function chosenInputs(): string[] {
  return Array.from($('inputs').querySelectorAll<HTMLInputElement>('input:checked'), (b) => b.value);
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
    const inputs = chosenInputs();
    if (inputs.length === 0) throw new Error('Tick at least one column for the model to read.');
    const seasonText = input('season').value.trim();
    const season = seasonText === '' ? null : intValue('season', 2);
    const series = table.series([...new Set([column, ...inputs])], dateSelect.value || null);
    const total = series.columns[column]!.length;
    const rows = quick ? Math.min(QUICK_ROWS, total) : total;
    const recipe = select('recipe').value as Recipe;
    const config = {
      recipe,
      window: intValue('window'),
      epochs: intValue('epochs'),
      units: intValue('units'),
      horizon: intValue('horizon'),
      batchSize: 32,
      patience: intValue('patience', 0),
      season,
    };
    const columns = Object.fromEntries(Object.entries(series.columns).map(([k, v]) => [k, v.slice(-rows)]));
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
      {
        series: columns,
        column,
        inputs,
        times,
        target: select('target').value as TargetKind | 'auto',
        strategy: select('strategy').value as Strategy,
        ...config,
        seed: 42,
      },
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
    const source = `${table.name}, column ${column}${rows < total ? ` (the last ${rows} of ${total} rows)` : ''}`;
    const values = columns[column]!;
    const charts = renderReport($('report'), { values, times, unit: table.unit(column), source, config, adapter: adapter!, result }, chartWidth());
    const model = modelOf(result);
    const naive = naiveOf(result);
    setState({
      status: 'done',
      result: {
        actualPoints: (charts.forecast.data[1] as (number | null)[]).filter((v) => v !== null).length,
        // Column 4 is the forecast line (the last observed value, then each step), empty when it was implausible.
        forecastPoints: (charts.forecast.data[4] as (number | null)[]).filter((v) => v !== null).length,
        implausible: result.forecast.implausible !== null,
        lossPoints: charts.loss.data[1]!.length,
        horizons: model.errors.length,
        forecasters: result.test.forecasters.map((f) => f.name),
        modelMae: model.errors[0]!.mae,
        naiveMae: naive.errors[0]!.mae,
        coverage: result.coverage.map((c) => c.overall),
      },
    });
  } catch (e) {
    if (e instanceof Error) e.message = inPageTerms(e.message);
    showError(e);
  } finally {
    trainButton.disabled = false;
  }
}

/** The job's messages name npm start's flags; the page has boxes of the same names. */
function inPageTerms(message: string): string {
  const boxes: Record<string, string> = { target: 'Target', strategy: 'Strategy', window: 'Window', horizon: 'Horizon', season: 'Season' };
  return message.replace(/--(target|strategy|window|horizon|season)\b/g, (_, flag: string) => `the ${boxes[flag]} box`);
}

function chartWidth(): number {
  return Math.min(1000, $('report').clientWidth || 900);
}

/** ?quick=1 (tests on CPU-emulated WebGPU): the last 300 rows, a short window, a small LSTM, shown in the boxes. */
const QUICK_ROWS = 300;

void boot(async () => {
  if (quick) Object.entries({ window: 20, units: 16 }).forEach(([id, v]) => (input(id).value = String(v)));
  applyEpochsParam();
  // The tutorial recipe sets its own target and strategy, as `npm start -- --recipe tutorial` does; a target or
  // strategy given as well (?target=, ?strategy=) wins, as the flags do.
  const applyRecipe = () => {
    const tutorial = select('recipe').value === 'tutorial';
    select('target').value = tutorial ? 'level' : 'auto';
    select('strategy').value = tutorial ? 'recursive' : 'direct';
  };
  select('recipe').addEventListener('change', applyRecipe);
  for (const name of ['source', 'recipe', 'target', 'strategy']) {
    const value = params.get(name);
    if (value) select(name).value = value;
    if (value && name === 'recipe') applyRecipe();
  }
  sourceSelect.addEventListener('change', () => void loadSource().catch(showError));
  input('file').addEventListener('change', () => void loadSource().catch(showError));
  trainButton.addEventListener('click', () => void train());
  await loadSource();
  if (params.get('auto') === '1') void train();
});
