/**
 * The Study page's worker: runs the study (demo/lib/study/study.ts) and the ESN's Mackey–Glass benchmark on its own
 * WebGPU runtime, off the page's main thread, and posts each row as it lands. Messages in: { kind: 'run', ... };
 * out: { kind: 'adapter' | 'row' | 'done' | 'error', ... }.
 */
import seattleCsv from '../../node_modules/vega-datasets/data/seattle-weather.csv?raw';
import { createRuntime } from '../../src/index';
import { studyDatasets } from '../lib/study/data';
import { mackeyGlassBench, DEFAULT_MACKEY_GLASS_BENCH } from '../lib/study/mackeyGlassEsn';
import { runStudy, type StudyOptions } from '../lib/study/study';

export interface StudyRequest {
  kind: 'run';
  datasets: string[];
  options: StudyOptions;
  /** Run the benchmark too, with this many reservoir units and free runs. */
  benchmark: { units: number; trials: number; lstmEpochs: number } | null;
}

self.onmessage = async (event: MessageEvent<StudyRequest>) => {
  const post = (m: unknown) => (self as unknown as Worker).postMessage(m);
  let rt: Awaited<ReturnType<typeof createRuntime>> | null = null;
  try {
    rt = await createRuntime();
    post({ kind: 'adapter', adapter: rt.adapter });
    const r = event.data;
    const started = performance.now();
    const datasets = await studyDatasets(r.datasets, () => Promise.resolve(seattleCsv));
    const rows = await runStudy(rt, datasets, r.options, (row, done, total) => post({ kind: 'row', row, done, total }));
    const b = r.benchmark;
    const mackeyGlass = b
      ? await mackeyGlassBench(rt, {
          ...DEFAULT_MACKEY_GLASS_BENCH,
          units: b.units,
          trials: b.trials,
          lstm: { ...DEFAULT_MACKEY_GLASS_BENCH.lstm, epochs: b.lstmEpochs },
        })
      : null;
    post({ kind: 'done', result: { adapter: rt.adapter, options: r.options, rows, mackeyGlass, seconds: (performance.now() - started) / 1000 } });
  } catch (e) {
    post({ kind: 'error', message: String((e as Error)?.message ?? e) });
  } finally {
    rt?.dispose();
  }
};
