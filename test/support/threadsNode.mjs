// What test/threads.test.ts runs in a Node child process, as a Node user would: the built package (dist/webrnn.js)
// on the wasm backend with two threads (worker_threads running dist/cpu/threadWorker.js) and with one. Prints one
// JSON line and then simply ends: a worker left holding the process open would make it hang, which the test sees.
//   both runtimes: a Bidirectional LSTM sequence, a GRU and a Dense over 768 rows, predicted; then again after
//   setWeights; then 3 rows (too few to split); then 2 epochs of training an LSTM, one batch of 300 rows each;
//   then a runtime disposed while its split predict waits for the workers
import { createRuntime, layers, sequential } from '../../dist/webrnn.js';

const [B, T, F] = [768, 20, 4];
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
  // A training step big enough to split (300 rows × 30 steps × ~19 k parameters): its loss and weights.
  const trained = sequential(rt, { seed: 12 });
  trained.add(layers.lstm({ units: 64, inputShape: [30, 8] }));
  trained.add(layers.dense({ units: 1 }));
  trained.compile({ optimizer: 'adam', loss: 'mse' });
  const xs = { data: Float32Array.from({ length: 300 * 30 * 8 }, (_, i) => Math.sin(i * 0.31)), shape: [300, 30, 8] };
  const ys = { data: Float32Array.from({ length: 300 }, (_, i) => Math.cos(i)), shape: [300, 1] };
  const loss = (await trained.fit(xs, ys, { epochs: 2, batchSize: 300, shuffle: false })).history.loss;
  const weights = (await trained.getWeights()).flatMap((w) => Array.from(w.data));
  out[threads] = { threads: rt.threads, split: rt.threadStats.splits, redone: rt.threadStats.redone, first, second, small, loss, weights };
  trained.dispose();
  model.dispose();
  rt.dispose();
}
// Disposed while a split predict waits for its workers to start: it fails with a DisposedError, and nothing hangs.
{
  const rt = await createRuntime({ backend: 'wasm', threads: 2 });
  const model = sequential(rt, { seed: 11 });
  model.add(layers.lstm({ units: 64, inputShape: [T, F] }));
  const pending = model.predict(x).then(
    () => 'resolved',
    (e) => e.name,
  );
  rt.dispose();
  out.disposedMidCall = await pending;
}
console.log(JSON.stringify(out));
