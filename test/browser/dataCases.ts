/**
 * Harness cases for data helpers that need a browser: csvWindows reading a Blob (a File a user picked) through its
 * stream, and a model trained from it with fitDataset against the same windows made in memory by makeWindows.
 */
import { csvWindows, layers, makeWindows, parseCsv, sequential, stackColumns, type Sequential } from '../../src/index';
import { rt } from './harnessCore';

export const dataCases = {
  async csvWindowsFromBlob(text: string) {
    const blob = new Blob([text], { type: 'text/csv' });
    const options = { columns: ['a', 'b'], target: 'a', window: 4, batchSize: 8, scaler: 'minmax' as const, rows: { end: 60 } };
    const streamed = await csvWindows(blob, options);
    const batches: { xs: number[]; ys: number[]; n: number }[] = [];
    const it = await streamed.iterator();
    for (let r = await it.next(); !r.done; r = await it.next()) batches.push({ xs: [...r.value.xs.data], ys: [...r.value.ys.data], n: r.value.xs.shape[0]! });
    // the same windows in memory: parse whole, scale on rows [0, 60), makeWindows
    const table = parseCsv(text, { columns: ['a', 'b'] });
    const m = stackColumns([table.columns.a!, table.columns.b!]);
    const scaled = streamed.scaler!.transform({ data: m.data.slice(0, 120), shape: [60, 2] });
    const w = makeWindows(scaled, { window: 4, targetColumn: 0 });
    const r = await rt();
    const make = (): Sequential => {
      const model = sequential(r, { seed: 5 });
      model.add(layers.gru({ units: 3, inputShape: [4, 2] }));
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: 'adam', loss: 'mse' });
      return model;
    };
    const fromFile = make();
    await fromFile.fitDataset(streamed, { epochs: 2 });
    const inMemory = make();
    await inMemory.fit(w.x, w.y, { epochs: 2, batchSize: 8, shuffle: false });
    const weights = async (model: Sequential) => (await model.getWeights()).map((t) => [...t.data]);
    const result = {
      rows: streamed.rows,
      windows: streamed.windows,
      sizes: batches.map((b) => b.n),
      xs: batches.flatMap((b) => b.xs),
      ys: batches.flatMap((b) => b.ys),
      expected: { xs: [...w.x.data], ys: [...w.y.data] },
      sameWeights: JSON.stringify(await weights(fromFile)) === JSON.stringify(await weights(inMemory)),
    };
    fromFile.dispose();
    inMemory.dispose();
    return result;
  },
};
