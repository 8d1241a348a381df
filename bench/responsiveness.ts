/**
 * The page's main thread while the tutorial model (LSTM(50, relu) + Dense(1), windows of 60 AAPL closes, batch
 * 32; or wider and longer ones) trains for some epochs: on the page itself (sequential + fit), on the page with an
 * onBatchProgress callback (which keeps two batches queued at most), with fitDataset over the same windows in
 * batches, and in a worker (remoteModel). A
 * PerformanceObserver records every long task (over 50 ms) on the main thread, and a 16 ms timer measures how
 * late the page gets to run (how long a click or a frame would wait). bench/responsiveness.mjs drives it.
 */
import { createRuntime, prepareSeries, remoteModel, type Sequential } from '../src/index';
import { loadAppleStock } from '../src/data/datasets';
import { forecastModel, type ForecastModel } from '../demo/lib/forecastJob';

export interface MainThreadReport {
  /**
   * 'page+progress': on the page with an onBatchProgress callback (two batches queued at most); 'page+dataset':
   * fitDataset on the page over the same windows cut into batches in memory (two batches queued at most, always).
   */
  where: 'page' | 'page+progress' | 'page+dataset' | 'worker';
  epochs: number;
  trainMs: number;
  longTasks: number;
  longestTaskMs: number;
  /** Sum over long tasks of their time past 50 ms (Lighthouse's total blocking time). */
  blockingMs: number;
  /** How late a 16 ms timer fired, at worst and at the 95th percentile. */
  timerLateMaxMs: number;
  timerLateP95Ms: number;
}

async function watchMainThread(run: () => Promise<void>): Promise<Omit<MainThreadReport, 'where' | 'epochs'>> {
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
  observer.observe({ type: 'longtask' });
  const late: number[] = [];
  let expected = performance.now() + 16;
  let ticking = true;
  const tick = () => {
    const now = performance.now();
    late.push(Math.max(0, now - expected));
    expected = now + 16;
    if (ticking) setTimeout(tick, 16);
  };
  setTimeout(tick, 16);
  const t0 = performance.now();
  await run();
  const trainMs = performance.now() - t0;
  ticking = false;
  await new Promise((r) => setTimeout(r, 100)); // the observer reports a task after it ends
  observer.disconnect();
  late.sort((a, b) => a - b);
  return {
    trainMs,
    longTasks: tasks.length,
    longestTaskMs: Math.max(0, ...tasks),
    blockingMs: tasks.reduce((a, d) => a + Math.max(0, d - 50), 0),
    timerLateMaxMs: late[late.length - 1] ?? 0,
    timerLateP95Ms: late[Math.floor(late.length * 0.95)] ?? 0,
  };
}

/** `window` and `units` default to the tutorial's 60 and 50. */
async function measure(epochs: number, window = 60, units = 50): Promise<{ adapter: string; rows: MainThreadReport[] }> {
  const SPEC = { window, features: 1, outputs: 1, units, activation: 'relu' as const, seed: 1 }; // the tutorial's model
  const { close } = await loadAppleStock();
  const { train } = prepareSeries(close, { window: SPEC.window, split: { train: 0.7, validation: 0.15, test: 0.15 }, scaler: 'minmax' });
  const rt = await createRuntime({ backend: 'webgpu' });
  const rows: MainThreadReport[] = [];
  let batchesSeen = 0;
  const fit = async (model: ForecastModel, progress = false) => {
    await model.fit(train.x, train.y, { epochs: 1, batchSize: 32 }); // compiles: not what is measured
    const callbacks = progress ? { onBatchProgress: () => void batchesSeen++ } : undefined;
    return watchMainThread(async () => void (await model.fit(train.x, train.y, { epochs, batchSize: 32, callbacks })));
  };
  for (const where of ['page', 'page+progress'] as const) {
    const local: Sequential = forecastModel(rt, SPEC);
    rows.push({ where, epochs, ...(await fit(local, where === 'page+progress')) });
    local.dispose();
  }
  const n = train.x.shape[0]!;
  const step = train.x.data.length / n;
  const batches = Array.from({ length: Math.ceil(n / 32) }, (_, b) => {
    const [from, to] = [b * 32, Math.min(n, b * 32 + 32)];
    return {
      xs: { data: train.x.data.subarray(from * step, to * step), shape: [to - from, ...train.x.shape.slice(1)] },
      ys: { data: train.y.data.subarray(from, to), shape: [to - from, 1] },
    };
  });
  const streamed = forecastModel(rt, SPEC);
  await streamed.fitDataset(batches, { epochs: 1 }); // compiles
  rows.push({ where: 'page+dataset', epochs, ...(await watchMainThread(async () => void (await streamed.fitDataset(batches, { epochs })))) });
  streamed.dispose();
  if (batchesSeen !== epochs * Math.ceil(train.x.shape[0]! / 32)) throw new Error(`onBatchProgress saw ${batchesSeen} batches`);
  const remote = await remoteModel(new Worker(new URL('./responsivenessWorker.ts', import.meta.url), { type: 'module' }), SPEC);
  rows.push({ where: 'worker', epochs, ...(await fit(remote)) });
  remote.dispose();
  const adapter = `${rt.adapter.vendor} ${rt.adapter.architecture} ${rt.adapter.description}`.trim();
  rt.dispose();
  return { adapter, rows };
}

(window as unknown as { responsiveness: typeof measure }).responsiveness = measure;
