/**
 * The words and numbers of a forecast report, shared by `npm start`'s console output and the HTML report (the
 * file and the Forecast page), so both say the same thing about the same result. Each sentence is chosen by
 * the result it describes: a model that wins is not explained away, a stop at the last epoch is not "early".
 */
import type { AdapterSummary } from '../../../src/index';
import type { ForecastResult, ScoredForecaster } from '../forecastJob';
import type { Recipe } from './plan';
import type { TargetKind } from './targets';

export interface ReportConfig {
  recipe: Recipe;
  window: number;
  epochs: number;
  units: number;
  horizon: number;
  batchSize: number;
  patience: number;
  season: number | null;
}

export interface ReportData {
  /** "AAPL daily close (@visx/mock-data)" or the CSV file and column. */
  source: string;
  /** The forecast column's values and their times (epoch ms) or null: the chart's actual line. */
  values: number[];
  times: number[] | null;
  /** '$' (written before numbers), '°C', 'ppm', ... (after), or ''. */
  unit: string;
  config: ReportConfig;
  adapter: AdapterSummary;
  result: ForecastResult;
}

const PREFIX_UNITS = new Set(['$', '€', '£', '¥']);

/** −$25.10, 12.30 °C, 401.52 ppm: a real minus sign, the currency before the digits, any other unit after. */
export function formatValue(v: number, unit: string, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  const digitsText = Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const sign = v < 0 && Number(digitsText.replace(/,/g, '')) !== 0 ? '−' : '';
  if (PREFIX_UNITS.has(unit)) return `${sign}${unit}${digitsText}`;
  return `${sign}${digitsText}${unit ? ` ${unit}` : ''}`;
}

/** The horizons a table shows: 1, 3, 7, 12, 24 and 30 steps where they exist, and always the last one. */
export function shownHorizons(H: number): number[] {
  return [...new Set([...[1, 3, 7, 12, 24, 30].filter((h) => h <= H), H])].sort((a, b) => a - b);
}

export const TARGET_WORDS: Record<TargetKind, string> = {
  level: 'the value itself (levels)',
  change: 'the change from the last observed value',
  logret: 'the log return from the last observed value',
};

export function modelLine(d: ReportData): string {
  const r = d.result;
  const c = d.config;
  const tutorial = c.recipe === 'tutorial';
  const outputs = r.strategy === 'direct' ? c.horizon : 1;
  return (
    `Model: LSTM(${c.units}, ${tutorial ? 'relu' : 'tanh'}) + Dense(${outputs}), Adam, MSE; window ${c.window}, batch ${c.batchSize}; ` +
    `reads ${r.inputs.join(', ')}; ${tutorial ? 'min-max' : 'standard'} scaling fitted on the train rows only` +
    (tutorial ? ' (recipe: the Keras stock tutorial)' : '') +
    '.'
  );
}

export function targetLine(d: ReportData): string {
  const r = d.result;
  const strategy =
    r.strategy === 'direct'
      ? `direct: one model predicts all ${d.config.horizon} steps at once, so errors do not compound`
      : 'recursive: one step at a time, each prediction fed back as the next input';
  return `Target: ${TARGET_WORDS[r.target.kind]}${r.target.why === 'as chosen' ? '' : ` (auto: ${r.target.why})`}. Strategy: ${strategy}.`;
}

export function trainingLine(d: ReportData): string {
  const r = d.result;
  const run = r.history.loss.length;
  let line =
    `Training: ${run} of ${d.config.epochs} epochs on ${r.origins.train} windows (validation: ${r.origins.validation}), ` +
    `${r.speed.stepsPerSecond.toFixed(2)} steps/s (${r.speed.epochSeconds.toFixed(1)} s per epoch).`;
  if (r.stoppedEarly) line += ` Early stopping ended training after epoch ${r.stoppedEarly.epoch} (no better val_loss for ${d.config.patience} epochs).`;
  if (r.restoredEpoch !== null) line += ` The weights of epoch ${r.restoredEpoch}, the best val_loss, were restored.`;
  return line;
}

export function splitLine(d: ReportData): string {
  const r = d.result;
  return (
    `Data: ${d.source}, ${r.rows} rows, split in time: train ${r.split.train}, validation ${r.split.validation}, test ${r.split.test} (the last rows). ` +
    `${r.origins.test} test origins, each forecast 1 to ${d.config.horizon} steps ahead and scored on rows inside the test part.`
  );
}

/** The model's row of the error table, and the naive forecast's. */
export function modelOf(r: ForecastResult): ScoredForecaster {
  return r.test.forecasters.find((f) => f.role === 'model')!;
}

export function naiveOf(r: ForecastResult): ScoredForecaster {
  return r.test.forecasters.find((f) => f.name.startsWith('naive'))!;
}

/** Where the model stands against each baseline in MAE at the shown horizons: the table in one sentence. */
export function verdictLine(d: ReportData): string {
  const r = d.result;
  const model = modelOf(r);
  const hs = shownHorizons(d.config.horizon);
  const beaten = r.test.forecasters
    .filter((f) => f.role === 'baseline')
    .map((b) => {
      const wins = hs.filter((h) => model.errors[h - 1]!.mae < b.errors[h - 1]!.mae);
      return `${b.name}: at ${wins.length} of ${hs.length}`;
    });
  return `The model's MAE beats ${beaten.join('; ')} shown horizons.`;
}

/**
 * The extrapolation explanation, only when it explains something: the model lost to the naive forecast one
 * step ahead and the test part's step values left the training range.
 */
export function extrapolationNote(d: ReportData): string | null {
  const r = d.result;
  const model = modelOf(r);
  const naive = naiveOf(r);
  const [lo, hi] = r.ranges.train;
  const [tlo, thi] = r.ranges.test;
  if (model.errors[0]!.mae <= naive.errors[0]!.mae || (thi <= hi && tlo >= lo)) return null;
  const kind = r.target.kind;
  const fmt = (v: number) => (kind === 'level' ? formatValue(v, d.unit) : kind === 'change' ? formatValue(v, d.unit) : `${(v * 100).toFixed(2)} %`);
  const what = kind === 'level' ? 'values' : kind === 'change' ? 'one-step changes' : 'one-step log returns';
  return (
    `Why the model loses to the naive forecast: the test part's ${what} run from ${fmt(tlo)} to ${fmt(thi)}, outside the training range ` +
    `${fmt(lo)} to ${fmt(hi)}. The scaler, fitted on the train part as it must be, maps them beyond anything the model trained on, and it ` +
    `has to extrapolate${r.strategy === 'recursive' ? '; fed back into itself, a forecast can then drift off' : ''}.` +
    (kind === 'level' ? ' Modelling changes or log returns (--target auto, the default recipe) avoids this.' : '')
  );
}

export function coverageLine(r: ForecastResult): string {
  const parts = r.coverage.map((c) => `the ${pct(c.level, 0)} interval held ${pct(c.overall, 1)} of the test values (nominal ${pct(c.level, 0)})`);
  return (
    `Prediction intervals (conformal: from the model's errors on ${r.origins.calibration} validation origins per horizon, then ` +
    `adapted origin by origin on the test part as its errors become known): ${parts.join('; ')}.`
  );
}

/** The forecast past the end in one sentence, or why it is not a result. */
export function forecastLine(d: ReportData): string {
  const f = d.result.forecast;
  const last = d.values[d.values.length - 1]!;
  const n = f.value.length;
  const fmt = (v: number) => formatValue(v, d.unit);
  if (f.implausible) {
    return (
      `The forecast is not a usable result: at step ${f.implausible.step} it reaches ${fmt(f.implausible.value)}, ${f.implausible.why} ` +
      `(${fmt(f.plausible[0])} to ${fmt(f.plausible[1])} for this series). It is left out of the chart.`
    );
  }
  const band = (level: number) => {
    const b = f.bands.find((x) => x.level === level)!;
    return `${pct(level, 0)}: ${fmt(b.low[n - 1]!)} to ${fmt(b.high[n - 1]!)}`;
  };
  const when = f.times ? ` (${new Date(f.times[n - 1]!).toISOString().slice(0, 10)})` : '';
  const caveat = f.bands
    .filter((b) => b.widestSteps.length > 0)
    .map(
      (b) =>
        ` At step${b.widestSteps.length > 1 ? 's' : ''} ${stepRanges(b.widestSteps)}, the ${pct(b.level, 0)} interval is only the widest error seen: ` +
        `the test part's misses at ${b.widestSteps.length > 1 ? 'those horizons' : 'that horizon'} used up the adaptive miss rate, so read it as unbounded.`,
    )
    .join('');
  return `Forecast: from ${fmt(last)} (last observed) to ${fmt(f.value[n - 1]!)} at step ${n}${when}; ${band(0.8)}, ${band(0.95)}.${caveat}`;
}

/** [3, 4, 5, 7, 9, 10] → "3–5, 7, 9–10". */
export function stepRanges(steps: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < steps.length;) {
    let j = i;
    while (j + 1 < steps.length && steps[j + 1] === steps[j]! + 1) j++;
    parts.push(j > i ? `${steps[i]}–${steps[j]}` : String(steps[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

export function pct(v: number, digits: number): string {
  return `${(v * 100).toFixed(digits)}%`;
}

/** The error tables as text rows: one table per metric, forecasters down, shown horizons across; * marks the best. */
export function errorTableText(d: ReportData): string[] {
  const r = d.result;
  const hs = shownHorizons(d.config.horizon);
  const label = Math.max(...r.test.forecasters.map((f) => f.name.length)) + 2;
  const lines: string[] = [];
  const metrics = [
    { key: 'mae', title: `MAE by horizon (steps ahead)${d.unit ? `, in ${d.unit}` : ''}` },
    { key: 'rmse', title: `RMSE by horizon${d.unit ? `, in ${d.unit}` : ''}` },
    { key: 'mase', title: `MASE by horizon (MAE ÷ the in-sample ${r.test.season ? `seasonal (m = ${r.test.season}) ` : ''}naive MAE on the train part)` },
  ] as const;
  for (const m of metrics) {
    const cells = r.test.forecasters.map((f) =>
      hs.map((h) => (m.key === 'mase' ? f.errors[h - 1]!.mase.toFixed(3) : formatValue(f.errors[h - 1]![m.key], d.unit))),
    );
    const width = Math.max(6, ...cells.flat().map((c) => c.length + 1)) + 1;
    lines.push(m.title + ':');
    lines.push(''.padEnd(label) + hs.map((h) => String(h).padStart(width)).join(''));
    r.test.forecasters.forEach((f, i) => {
      const best = hs.map((h) => Math.min(...r.test.forecasters.map((g) => g.errors[h - 1]![m.key])));
      const row = hs.map((h, k) => (cells[i]![k]! + (f.errors[h - 1]![m.key] === best[k] ? '*' : ' ')).padStart(width));
      lines.push((f.name.padEnd(label) + row.join('')).trimEnd());
    });
    lines.push('');
  }
  lines.push('* the lowest error at that horizon.');
  return lines;
}

/** The whole console report after training. */
export function summaryLines(d: ReportData): string[] {
  return [
    targetLine(d),
    modelLine(d),
    trainingLine(d),
    '',
    splitLine(d),
    '',
    ...errorTableText(d),
    verdictLine(d),
    ...(extrapolationNote(d) ? [extrapolationNote(d)!] : []),
    coverageLine(d.result),
    '',
    forecastLine(d),
  ];
}
