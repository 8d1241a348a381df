/**
 * The study's report: Markdown tables (printed by `npm run study`, pasted in the README) and a self-contained HTML
 * page with the same tables and two SVG charts (no script, no dependency), for out/study.html and the Study page.
 */
import type { AdapterSummary } from '../../../src/index';
import { JAEGER_HAAS_2004, type MackeyGlassBenchResult } from './mackeyGlassEsn';
import type { StudyOptions, StudyRow } from './study';

export interface StudyResult {
  adapter: AdapterSummary;
  options: StudyOptions;
  rows: StudyRow[];
  mackeyGlass: MackeyGlassBenchResult | null;
  seconds: number;
}

const CELL_NAMES: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', simpleRNN: 'SimpleRNN', sru: 'SRU', esn: 'ESN (ridge)' };
const f3 = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The best row (lowest NRMSE) of each cell on each dataset, in the options' cell order. */
export function bestPerCell(rows: StudyRow[]): StudyRow[] {
  const best = new Map<string, StudyRow>();
  for (const r of rows) {
    const key = `${r.dataset}\u0000${r.cell}`;
    if (!best.has(key) || r.nrmse < best.get(key)!.nrmse) best.set(key, r);
  }
  return [...best.values()];
}

/** Mean NRMSE grouped by one column, per dataset: what a window length or an activation changes on average. */
export function meanBy(rows: StudyRow[], key: 'window' | 'activation' | 'cell'): { dataset: string; value: string; nrmse: number; runs: number }[] {
  const groups = new Map<string, StudyRow[]>();
  for (const r of rows) {
    if (key === 'activation' && r.cell === 'esn') continue;
    const k = `${r.dataset}\u0000${String(r[key])}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.entries()].map(([k, rs]) => ({
    dataset: k.split('\u0000')[0]!,
    value: k.split('\u0000')[1]!,
    nrmse: mean(rs.map((r) => r.nrmse)),
    runs: rs.length,
  }));
}

function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
}

export function studyMarkdown(r: StudyResult): string {
  const out: string[] = [];
  const adapter = [r.adapter.vendor, r.adapter.architecture, r.adapter.description].filter(Boolean).join(' ');
  out.push(`Adapter: ${adapter}${r.adapter.isFallback ? ' (CPU emulation: times are not a GPU reference)' : ''}. ${r.seconds.toFixed(0)} s in all.`);
  if (r.rows.length > 0) {
    const o = r.options;
    out.push(
      `\nOne-step forecasts on the last 15 % of each series (held out in time); trained cells: ${o.units} units, Adam (lr ${o.learningRate}), ` +
        `at most ${o.epochs} epochs with early stopping (patience ${o.patience}); ESN: ${o.esnUnits} units, ridge readout. ` +
        'NRMSE = RMSE / σ(test targets); ×naive = RMSE / RMSE of the naive forecast (below 1 beats it).',
    );
    out.push('\n**Best of each cell** (over windows and activations):\n');
    out.push(
      table(
        ['dataset', 'cell', 'activation', 'window', 'RMSE', 'NRMSE', '×naive', 'train'],
        bestPerCell(r.rows).map((b) => [b.dataset, CELL_NAMES[b.cell]!, b.activation, b.window, f3(b.rmse), f3(b.nrmse), f3(b.vsNaive), ms(b.trainMs)]),
      ),
    );
    for (const key of ['window', 'activation'] as const) {
      const m = meanBy(r.rows, key);
      if (new Set(m.map((x) => x.value)).size < 2) continue;
      out.push(`\n**Mean NRMSE by ${key}**${key === 'activation' ? ' (trained cells)' : ''}:\n`);
      out.push(
        table(
          ['dataset', key, 'mean NRMSE', 'runs'],
          m.map((x) => [x.dataset, x.value, f3(x.nrmse), x.runs]),
        ),
      );
    }
    out.push('\n**Every run**:\n');
    out.push(
      table(
        ['dataset', 'cell', 'activation', 'window', 'RMSE', 'NRMSE', '×naive', 'train', 'epochs', 'params'],
        r.rows.map((x) => [x.dataset, CELL_NAMES[x.cell]!, x.activation, x.window, f3(x.rmse), f3(x.nrmse), f3(x.vsNaive), ms(x.trainMs), x.epochs, x.params]),
      ),
    );
  }
  const mg = r.mackeyGlass;
  if (mg) {
    out.push(`\n**Echo-state network on Mackey–Glass** (τ = 17, tanh(x − 1); ${mg.trialErrors.length} free runs of 84 steps):\n`);
    out.push(
      table(
        ['', 'units', 'NRMSE₈₄', 'training'],
        [
          ['webrnn ESN (ridge readout)', mg.units, mg.nrmse84.toExponential(2), `${ms(mg.ridgeMs)} (ridge)`],
          ['Jaeger & Haas (2004)', JAEGER_HAAS_2004.units, `${JAEGER_HAAS_2004.nrmse84.toExponential(2)} (10^−4.2)`, 'ridge'],
          ['webrnn LSTM, to its best validation loss', '32', '—', `${ms(mg.lstm.msToBest)} (epoch ${mg.lstm.bestEpoch + 1} of ${mg.lstm.epochs})`],
        ],
      ),
    );
    out.push(
      `\nRidge fit ${mg.speedup.toFixed(0)}× faster than training the LSTM to its best validation loss. Reservoir spectral radius measured by power iteration: ${mg.measuredRadius.toFixed(4)}.`,
    );
  }
  return out.join('\n');
}

const escape = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

/** Grouped horizontal bars: one group per dataset, one bar per cell. `log` for times. */
export function barChart(title: string, groups: { label: string; bars: { label: string; value: number }[] }[], unit: string, log = false): string {
  const rowH = 16;
  const [left, width] = [190, 560];
  const all = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const max = Math.max(...all);
  const min = Math.min(...all);
  const scale = (v: number) => (log ? (Math.log(v / (min / 2)) / Math.log(max / (min / 2))) * (width - left - 60) : (v / max) * (width - left - 60));
  let y = 28;
  const parts: string[] = [`<text x="0" y="16" font-weight="bold">${escape(title)}</text>`];
  const colors = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3'];
  for (const g of groups) {
    parts.push(`<text x="0" y="${y + 12}" font-style="italic">${escape(g.label)}</text>`);
    y += rowH;
    g.bars.forEach((b, i) => {
      const w = Math.max(1, scale(b.value));
      parts.push(`<text x="10" y="${y + 12}">${escape(b.label)}</text>`);
      parts.push(`<rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="${colors[i % colors.length]}"/>`);
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + 12}">${escape(unit === 'ms' ? ms(b.value) : f3(b.value))}</text>`);
      y += rowH;
    });
    y += 6;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 4}" font-family="sans-serif" font-size="12">${parts.join('')}</svg>`;
}

/** The two charts: best NRMSE of each cell per dataset, and its training time (log scale). */
export function studyCharts(rows: StudyRow[]): string[] {
  const best = bestPerCell(rows);
  const datasets = [...new Set(best.map((b) => b.dataset))];
  const groups = (value: (b: StudyRow) => number) =>
    datasets.map((d) => ({ label: d, bars: best.filter((b) => b.dataset === d).map((b) => ({ label: CELL_NAMES[b.cell]!, value: value(b) })) }));
  return [
    barChart(
      'Best NRMSE of each cell (lower is better)',
      groups((b) => b.nrmse),
      '',
    ),
    barChart(
      'Its training time (log scale)',
      groups((b) => b.trainMs),
      'ms',
      true,
    ),
  ];
}

function htmlTable(markdown: string): string {
  const lines = markdown.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const [head, , ...body] = lines;
  return `<table><tr>${cells(head!)
    .map((c) => `<th>${escape(c)}</th>`)
    .join('')}</tr>${body
    .map(
      (l) =>
        `<tr>${cells(l)
          .map((c) => `<td>${escape(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('')}</table>`;
}

/** The report as one HTML page: prose and tables from the Markdown, and the charts. */
export function studyHtml(r: StudyResult): string {
  const blocks = studyMarkdown(r).split('\n\n');
  const body = blocks.map((b) => (b.trim().startsWith('|') ? htmlTable(b) : `<p>${escape(b.replace(/\*\*/g, ''))}</p>`)).join('\n');
  const charts = r.rows.length > 0 ? studyCharts(r.rows).join('\n') : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>webrnn study</title><style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body><h1>Length, gates and activations: the study</h1>${charts}\n${body}</body></html>\n`;
}
