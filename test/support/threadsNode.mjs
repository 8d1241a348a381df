// What test/threads.test.ts runs in a Node child process, as a Node user would: the built package (dist/webrnn.js)
// on the wasm backend with two threads (worker_threads running dist/cpu/threadWorker.js) and with one. Prints one
// JSON line and then simply ends: a worker left holding the process open would make it hang, which the test sees.
//   both runtimes: a Bidirectional LSTM sequence, a GRU and a Dense over 48 rows, predicted; then again after
//   setWeights; then a model whose layer runs out of rows for a split (a batch too small: not split)
import { createRuntime, layers, sequential } from '../../dist/webrnn.js';

const [B, T, F] = [48, 20, 4];
const x = { data: Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(i * 0.37)), shape: [B, T, F] };
const out = {};
for (const threads of [1, 2]) {
  const rt = await createRuntime({ backend: 'wasm', threads });
  const model = sequential(rt, { seed: 11 });
  model.add(layers.bidirectional({ layer: layers.lstm({ units: 24, returnSequences: true }), inputShape: [T, F] }));
  model.add(layers.gru({ units: 16 }));
  model.add(layers.dense({ units: 3 }));
  const first = Array.from((await model.predict(x, { batchSize: 16 })).data);
  model.setWeights((await model.getWeights()).map((w) => ({ data: w.data.map((v) => v * 0.5), shape: w.shape })));
  const second = Array.from((await model.predict(x, { batchSize: 16 })).data);
  const small = Array.from((await model.predict({ data: x.data.subarray(0, 3 * T * F), shape: [3, T, F] })).data);
  out[threads] = { threads: rt.threads, split: rt.threadPool?.calls ?? 0, first, second, small };
  model.dispose();
  rt.dispose();
}
console.log(JSON.stringify(out));
