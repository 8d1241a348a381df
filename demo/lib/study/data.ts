/** The study's three series (demo/lib/study/study.ts), each from a bundled package or its own equation. */
import { mackeyGlass, parseCsv } from '../../../src/index';
import { loadAppleStock } from '../../../src/data/datasets';
import type { StudySeries } from './study';

export const STUDY_DATASETS = ['aapl', 'seattle', 'mackey-glass'] as const;
export type StudyDataset = (typeof STUDY_DATASETS)[number];

/**
 * The named series. `seattleCsv` reads vega-datasets' seattle-weather.csv: readSeattleWeatherCsv in Node, a `?raw`
 * import in a page.
 */
export async function studyDatasets(names: readonly string[], seattleCsv: () => Promise<string>): Promise<StudySeries[]> {
  const unknown = names.filter((n) => !(STUDY_DATASETS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown dataset '${unknown[0]}'; datasets are ${STUDY_DATASETS.join(', ')}`);
  const out: StudySeries[] = [];
  for (const name of names as StudyDataset[]) {
    if (name === 'aapl') {
      // Day-to-day changes of the close: a level series would be a test of extrapolation, not of the cell.
      const { close } = await loadAppleStock();
      out.push({ name: 'AAPL daily change', values: Array.from({ length: close.length - 1 }, (_, i) => close[i + 1]! - close[i]!), changes: true, unit: '$' });
    } else if (name === 'seattle') {
      const table = parseCsv(await seattleCsv(), { columns: ['temp_max'] });
      out.push({ name: 'Seattle temp_max', values: Array.from(table.columns.temp_max!), changes: false, unit: '°C' });
    } else {
      out.push({ name: 'Mackey–Glass τ=17', values: Array.from(mackeyGlass({ length: 1500 })), changes: false, unit: '' });
    }
  }
  return out;
}
