// What test/nodeEntry.gpu.test.ts runs in a Node child process, as a Node user would: the built package's
// webrnn/node entry (dist/node.js) on Dawn, no browser. Reads a JSON job from argv[2], prints one JSON line.
//   job.lstm / job.gru / job.simpleRnn: { x, kernel, recurrentKernel, bias, mask, dOutput, shapes, options } →
//     outputs and gradients of that masked cell (sequence outputs)
//   job.train: { dir } → the tutorial model trained 3 epochs on a sine, saved to file://dir, loaded, predicted again
//   job.stream: { file, rows } → writes a CSV of `rows` rows to `file`, streams it through csvWindows into one epoch
//     of fitDataset, and reports the windows, batches and the process's RSS growth while it trained
//   job.polling: {} → whether setImmediate is webrnn's paced wrapper while a default Dawn runtime lives on
//     SwiftShader (a CPU-emulated adapter), Node's own again after its dispose, on a 'busy' runtime and on 'auto''s
//     WebAssembly; a fit's losses and paced sleeps on the paced and on the busy runtime; a bad option's error
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRuntime, csvWindows, gruBackward, layers, loadLayersModel, lstmBackward, sequential, simpleRnnBackward } from '../../dist/node.js';

const job = JSON.parse(process.argv[2]);
const out = {};
const nodeSetImmediate = globalThis.setImmediate;
try {
  // Dawn itself is what this tests: 'auto' would take WebAssembly over SwiftShader.
  const rt = await createRuntime({ backend: job.backend ?? 'webgpu' });
  out.adapter = rt.adapter;
  for (const [kind, backward] of [
    ['lstm', lstmBackward],
    ['gru', gruBackward],
    ['simpleRnn', simpleRnnBackward],
  ]) {
    const cell = job[kind];
    if (!cell) continue;
    const t = (name) => ({ data: Float32Array.from(cell[name]), shape: cell.shapes[name] });
    const inputs = { x: t('x'), kernel: t('kernel'), recurrentKernel: t('recurrentKernel'), bias: t('bias'), mask: t('mask') };
    const r = await backward(rt, inputs, { dOutput: t('dOutput') }, { returnSequences: true, ...cell.options });
    out[kind] = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v.data)]));
  }
  if (job.train) {
    const T = 8;
    const n = 64;
    const series = Array.from({ length: n + T }, (_, i) => Math.sin(i * 0.3));
    const x = { data: Float32Array.from({ length: n * T }, (_, i) => series[Math.floor(i / T) + (i % T)]), shape: [n, T, 1] };
    const y = { data: Float32Array.from({ length: n }, (_, i) => series[i + T]), shape: [n, 1] };
    const model = sequential(rt, { seed: 3 });
    model.add(layers.lstm({ units: 8, inputShape: [T, 1] }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const history = await model.fit(x, y, { batchSize: 16, epochs: 3, shuffle: false });
    out.losses = history.history.loss;
    out.before = Array.from((await model.predict(x)).data);
    await model.save(`file://${job.train.dir}`);
    const loaded = await loadLayersModel(rt, `file://${job.train.dir}/model.json`);
    out.after = Array.from((await loaded.predict(x)).data);
    model.dispose();
    loaded.dispose();
  }
  if (job.stream) {
    const { file, rows } = job.stream;
    const csv = createWriteStream(file);
    csv.write('time,signal,load\n');
    for (let i = 0, text = ''; i < rows; i++) {
      text += `${i},${Math.sin(i * 0.01).toFixed(5)},${((i * 37) % 101) / 101}\n`;
      if (text.length > 1 << 16 || i === rows - 1) {
        if (!csv.write(text)) await once(csv, 'drain');
        text = '';
      }
    }
    csv.end();
    await once(csv, 'finish');
    const batchSize = 4096;
    const windows = await csvWindows(() => createReadStream(file), {
      columns: ['signal', 'load'],
      target: 'signal',
      window: 8,
      batchSize,
      fitRows: { end: Math.floor(rows * 0.8) },
    });
    const model = sequential(rt, { seed: 1 });
    model.add(layers.lstm({ units: 4, inputShape: [8, 2] }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    // One batch first: it compiles the pipelines, whose memory is not the stream's.
    await model.fitDataset([
      { xs: { data: new Float32Array(batchSize * 16), shape: [batchSize, 8, 2] }, ys: { data: new Float32Array(batchSize), shape: [batchSize, 1] } },
    ]);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    let reported = 0;
    const history = await model.fitDataset(windows, { epochs: 1, callbacks: { onBatchProgress: () => void reported++ } });
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().rss);
    out.stream = {
      rows: windows.rows,
      windows: windows.windows,
      steps: history.params.steps,
      reported,
      loss: history.history.loss[0],
      rssGrowthMB: (peak - before) / 1e6,
    };
    model.dispose();
  }
  if (job.polling) {
    const fitLosses = async (on) => {
      const model = sequential(on, { seed: 5 });
      model.add(layers.gru({ units: 6, inputShape: [5, 2] }));
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: 'adam', loss: 'mse' });
      const x = { data: Float32Array.from({ length: 32 * 10 }, (_, i) => Math.sin(i * 0.7)), shape: [32, 5, 2] };
      const y = { data: Float32Array.from({ length: 32 }, (_, i) => Math.cos(i * 0.4)), shape: [32, 1] };
      const history = await model.fit(x, y, { batchSize: 8, epochs: 2, shuffle: false });
      model.dispose();
      return history.history.loss;
    };
    // A paced poll sleeps through setTimeout, which the wrapper looks up at each sleep: count them during a fit.
    const counted = async (on) => {
      const nodeSetTimeout = globalThis.setTimeout;
      let sleeps = 0;
      globalThis.setTimeout = (...args) => (sleeps++, nodeSetTimeout(...args));
      try {
        return { losses: await fitLosses(on), sleeps };
      } finally {
        globalThis.setTimeout = nodeSetTimeout;
      }
    };
    const wrappedWhileLive = globalThis.setImmediate !== nodeSetImmediate;
    const paced = await counted(rt);
    rt.dispose();
    const restoredAfterDispose = globalThis.setImmediate === nodeSetImmediate;
    const busyRt = await createRuntime({ backend: 'webgpu', dawnPolling: 'busy' });
    const untouchedWhileBusy = globalThis.setImmediate === nodeSetImmediate;
    const busy = await counted(busyRt);
    busyRt.dispose();
    // 'auto' backend over SwiftShader computes on WebAssembly, so there is nothing to pace.
    const auto = await createRuntime();
    const untouchedOnWasm = auto.backend === 'wasm' && globalThis.setImmediate === nodeSetImmediate;
    auto.dispose();
    out.polling = { wrappedWhileLive, restoredAfterDispose, untouchedWhileBusy, untouchedOnWasm, paced, busy };
    try {
      await createRuntime({ backend: 'webgpu', dawnPolling: 'spin' });
    } catch (e) {
      out.polling.badOption = { name: e?.name, message: String(e?.message ?? e) };
    }
  }
  rt.dispose();
} catch (e) {
  out.error = { name: e?.name, message: String(e?.message ?? e) };
}
console.log(JSON.stringify(out));
process.exit(0);
