/**
 * The side-by-side benchmark, run inside one browser page (bench/page.ts) or in Node on Dawn (bench/node.mjs): webrnn and TF.js 4.22 (webgpu, webgl, wasm backends)
 * on the same model, data shape and initial weights (webrnn's, copied into TF.js with setWeights). Driven by
 * bench/bench.mjs (`npm run bench`), which prints the table and writes the JSON.
 *
 * What is timed is what a user waits for. A training step: webrnn `model.fit(x, y)` on one batch for one epoch
 * (upload, one submit, the epoch-end readback of loss and weights) against TF.js `model.trainOnBatch(x, y)`
 * (which reads the loss back). Predict: `model.predict(x)` with the result on the host. Streaming: one timestep
 * of a stateful model, result on the host. Every cell warms up once (pipelines and shaders compile there), then
 * runs up to `runs` times, fewer when a cell's runs pass its time budget (TF.js webgpu on a CPU emulation takes
 * seconds per step); the median is reported with the count.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRuntime, layers, sequential, type KernelChoice, type Runtime, type Sequential, type Tensor } from '../src/index';
import { profile, type ProfileRow } from './profile';

/** TF.js's backends, and 'ort': ONNX Runtime Web's wasm backend (predict only, on the model webrnn exports to ONNX). */
export type Peer = 'webgpu' | 'webgl' | 'wasm' | 'ort';
export interface Timing {
  /** Median of the timed runs, ms; null when the cell was skipped. */
  ms: number | null;
  runs: number;
  warmupMs: number;
  note?: string;
}
export interface Row {
  case: string;
  op: string;
  what: string;
  webrnn: Timing;
  peers: Partial<Record<Peer, Timing>>;
}
export interface BenchOptions {
  runs: number;
  cases: string[];
  peers: Peer[];
  /** Stop timing a cell after this many ms of timed runs (at least one run always happens). */
  budgetMs: number;
  /** Cells not to run at all, as `case/op/peer` (e.g. `large/train/webgpu`). */
  skip: string[];
  profile: boolean;
  /** Where TF.js's wasm backend loads its .wasm files from (a URL prefix in a page, a folder in Node). */
  wasmPath?: string;
  /** Kernel variants to pin instead of the adapter's defaults (RuntimeOptions.kernels). */
  kernels?: KernelChoice;
  /** webrnn's backend (RuntimeOptions.backend): 'wasm' times the WebAssembly path against the same peers. */
  backend?: 'auto' | 'webgpu' | 'wasm';
  /** The threads of webrnn's wasm backend (RuntimeOptions.threads), TF.js's and ONNX Runtime's, the same count; unset: each picks. */
  threads?: number;
  /** Where ONNX Runtime Web's .wasm files are served from (peer 'ort'). */
  ortPath?: string;
}

const log = (msg: string) => console.log(`[bench] ${msg}`);

async function time(body: () => Promise<unknown>, runs: number, budgetMs: number, warmUp = true): Promise<Timing> {
  const w0 = performance.now();
  if (warmUp) await body();
  const warmupMs = performance.now() - w0;
  const times: number[] = [];
  const start = performance.now();
  while (times.length < runs && (times.length === 0 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await body();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, runs: times.length, warmupMs };
}

/** Deterministic inputs: sine windows with a little noise, like the forecasting tutorial. */
function series(samples: number, timesteps: number, features: number, seed: number): { x: Float32Array; y: Float32Array } {
  let s = seed >>> 0;
  const noise = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 4294967296 - 0.5) * 0.1;
  };
  const x = new Float32Array(samples * timesteps * features);
  const y = new Float32Array(samples);
  for (let n = 0; n < samples; n++) {
    for (let t = 0; t < timesteps; t++) {
      for (let f = 0; f < features; f++) x[(n * timesteps + t) * features + f] = Math.sin((n + t) * 0.1 + f) + noise();
    }
    y[n] = Math.sin((n + timesteps) * 0.1) + noise();
  }
  return { x, y };
}

interface ModelSpec {
  /** 'sru': webrnn's own SRU, which TF.js lacks (its peers are skipped with a note). */
  cell: 'lstm' | 'gru' | 'sru';
  units: number;
  activation: 'relu' | 'tanh';
  timesteps: number;
  features: number;
  batch: number;
  outputs: number;
  stateful?: boolean;
  /** The recurrent layer's input dropout (Keras dropout), active in training steps only. */
  dropout?: number;
  /** The recurrent layer's recurrent dropout (Keras recurrent_dropout), active in training steps only. */
  recurrentDropout?: number;
  /**
   * A text classifier instead of a series model: Embedding(vocabulary, embed, maskZero) on token ids padded at the
   * end to `timesteps` (lengths minLength..timesteps), the recurrent layer, Dense(1, sigmoid), binary cross-entropy.
   */
  text?: { vocabulary: number; embed: number; maskZero: boolean; minLength: number; maxLength?: number };
}

/** Token ids [samples, timesteps]: each row a random length in minLength..maxLength, padded with id 0 after it. */
function paddedIds(
  samples: number,
  timesteps: number,
  vocabulary: number,
  minLength: number,
  seed: number,
  maxLength = timesteps,
): { x: Float32Array; y: Float32Array } {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const x = new Float32Array(samples * timesteps);
  const y = new Float32Array(samples);
  for (let n = 0; n < samples; n++) {
    const length = minLength + Math.floor(next() * (maxLength - minLength + 1));
    for (let t = 0; t < length; t++) x[n * timesteps + t] = 1 + Math.floor(next() * (vocabulary - 1));
    y[n] = next() < 0.5 ? 0 : 1;
  }
  return { x, y };
}

/** A case's batch of inputs and targets, and x's shape. */
function caseData(m: ModelSpec, seed: number) {
  if (m.text) {
    const d = paddedIds(m.batch, m.timesteps, m.text.vocabulary, m.text.minLength, seed, m.text.maxLength);
    return { ...d, xShape: [m.batch, m.timesteps] };
  }
  return { ...series(m.batch, m.timesteps, m.features, seed), xShape: [m.batch, m.timesteps, m.features] };
}

function webrnnModel(rt: Runtime, m: ModelSpec, seed: number): Sequential {
  const model = sequential(rt, { seed });
  if (m.text) {
    model.add(layers.embedding({ inputDim: m.text.vocabulary, outputDim: m.text.embed, maskZero: m.text.maskZero, inputShape: [m.timesteps] }));
    model.add(layers.lstm({ units: m.units, activation: m.activation }));
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    return model;
  }
  const shape = m.stateful ? { batchInputShape: [m.batch, m.timesteps, m.features] } : { inputShape: [m.timesteps, m.features] };
  const common = {
    units: m.units,
    activation: m.activation,
    recurrentActivation: 'sigmoid' as const,
    ...(m.stateful ? { stateful: true } : {}),
    ...(m.dropout ? { dropout: m.dropout } : {}),
    ...(m.recurrentDropout ? { recurrentDropout: m.recurrentDropout } : {}),
    ...shape,
  };
  // TF.js's GRU supports only reset_after = false (Keras's older convention), so both sides use it.
  if (m.cell === 'sru') model.add(layers.sru({ units: m.units, activation: m.activation, ...shape }));
  else model.add(m.cell === 'gru' ? layers.gru({ ...common, resetAfter: false }) : layers.lstm(common));
  model.add(layers.dense({ units: m.outputs }));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

/** The same model in TF.js, with webrnn's weights (Keras layout and order on both sides). */
function tfModel(m: ModelSpec, weights: Tensor[]): tf.LayersModel {
  const model = tf.sequential();
  if (m.text) {
    model.add(
      tf.layers.embedding({
        inputDim: m.text.vocabulary,
        outputDim: m.text.embed,
        maskZero: m.text.maskZero,
        inputLength: m.timesteps,
        embeddingsInitializer: 'zeros',
      }),
    );
    model.add(
      tf.layers.lstm({ units: m.units, activation: m.activation, recurrentActivation: 'sigmoid', kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }),
    );
    model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: 'zeros' }));
    model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'binaryCrossentropy' });
    model.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
    return model;
  }
  const shape = m.stateful ? { batchInputShape: [m.batch, m.timesteps, m.features] } : { inputShape: [m.timesteps, m.features] };
  // TF.js defaults recurrentActivation to hardSigmoid; Keras and webrnn use sigmoid. The initializers are zeros
  // because setWeights overwrites them: TF.js's orthogonal initializer runs a QR decomposition on the backend,
  // minutes for a 256×1024 matrix on webgpu or webgl over SwiftShader.
  const init = { kernelInitializer: 'zeros', recurrentInitializer: 'zeros', biasInitializer: 'zeros' } as const;
  const common = {
    units: m.units,
    activation: m.activation,
    recurrentActivation: 'sigmoid' as const,
    ...init,
    ...(m.stateful ? { stateful: true } : {}),
    ...(m.dropout ? { dropout: m.dropout } : {}),
    ...(m.recurrentDropout ? { recurrentDropout: m.recurrentDropout } : {}),
    ...shape,
  };
  model.add(m.cell === 'gru' ? tf.layers.gru(common) : tf.layers.lstm(common));
  model.add(tf.layers.dense({ units: m.outputs, kernelInitializer: 'zeros' }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'meanSquaredError' });
  model.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
  return model;
}

const PADDED: ModelSpec = {
  cell: 'lstm',
  units: 64,
  activation: 'tanh',
  timesteps: 200,
  features: 1,
  batch: 32,
  outputs: 1,
  text: { vocabulary: 10_000, embed: 64, maskZero: true, minLength: 20 },
};

const CASES: Record<string, ModelSpec> = {
  tutorial: { cell: 'lstm', units: 50, activation: 'relu', timesteps: 60, features: 1, batch: 32, outputs: 1 },
  large: { cell: 'lstm', units: 256, activation: 'tanh', timesteps: 100, features: 32, batch: 64, outputs: 1 },
  gru: { cell: 'gru', units: 50, activation: 'relu', timesteps: 60, features: 1, batch: 32, outputs: 1 },
  streaming: { cell: 'lstm', units: 256, activation: 'tanh', timesteps: 1, features: 32, batch: 1, outputs: 32, stateful: true },
  // The tutorial model with input dropout 0.2 (not in the default cases: --cases=tutorial,dropout compares them).
  dropout: { cell: 'lstm', units: 50, activation: 'relu', timesteps: 60, features: 1, batch: 32, outputs: 1, dropout: 0.2 },
  // ... and with recurrent dropout 0.2 (--cases=tutorial,recurrentDropout).
  recurrentDropout: { cell: 'lstm', units: 50, activation: 'relu', timesteps: 60, features: 1, batch: 32, outputs: 1, recurrentDropout: 0.2 },
  // The GRU case with recurrent dropout 0.2: what the keep costs the vec4 kernels (--cases=gru,gruRecurrentDropout).
  gruRecurrentDropout: { cell: 'gru', units: 50, activation: 'relu', timesteps: 60, features: 1, batch: 32, outputs: 1, recurrentDropout: 0.2 },
  // A padded text batch (the masking issue's target): ids of lengths 20–200 padded to 200, with maskZero, and the
  // same batch unmasked (--cases=padded,paddedUnmasked compares a masked step with an unmasked one of one shape).
  padded: PADDED,
  paddedUnmasked: { ...PADDED, text: { ...PADDED.text!, maskZero: false } },
  // Lengths 20–100 padded to 200: half of every sequence lies past the batch's longest (--cases=padded,paddedShort).
  paddedShort: { ...PADDED, text: { ...PADDED.text!, maxLength: 100 } },
  // The SRU in the tutorial's and the large case's shapes and activations (--cases=tutorial,sruTutorial,large,sruLarge): the
  // SRU issue's target is a training step ≥ 5× faster than the LSTM's of the same units and shape.
  sruTutorial: { cell: 'sru', units: 50, activation: 'relu', timesteps: 60, features: 1, batch: 32, outputs: 1 },
  sruLarge: { cell: 'sru', units: 256, activation: 'tanh', timesteps: 100, features: 32, batch: 64, outputs: 1 },
};

/** Switches TF.js to `peer`; null when it is ready, else why not (the bench ports use it too). */
export async function setBackend(peer: string): Promise<string | null> {
  try {
    if (!(await tf.setBackend(peer))) return `tf.setBackend('${peer}') returned false`;
    await tf.ready();
    return null;
  } catch (e) {
    return `backend ${peer} unavailable: ${String(e)}`;
  }
}

async function runCase(rt: Runtime, name: string, o: BenchOptions, rows: Row[], bytes: Record<string, { warm: number; end: number }>): Promise<void> {
  const m = CASES[name]!;
  const model = webrnnModel(rt, m, 7);
  const initial = await model.getWeights();
  const data = caseData(m, 11);
  const x = { data: data.x, shape: data.xShape };
  const yData = m.outputs === 1 ? data.y : new Float32Array(m.batch * m.outputs).fill(0.5);
  const y = { data: yData, shape: [m.batch, m.outputs] };
  const skip = (op: string, peer: string) => o.skip.includes(`${name}/${op}/${peer}`);
  const ops: { op: string; what: string; webrnn: () => Promise<unknown>; tf: (model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor) => Promise<unknown> }[] = [];
  if (!m.stateful) {
    ops.push({
      op: 'train',
      what: 'one training step',
      webrnn: () => model.fit(x, y, { batchSize: m.batch, epochs: 1, shuffle: false }),
      tf: (tm, xs, ys) => tm.trainOnBatch(xs, ys),
    });
    if (name === 'tutorial') {
      // The same step through fitDataset (one batch from a dataset): what streaming costs over fit on arrays.
      ops.push({
        op: 'trainDataset',
        what: 'one training step through fitDataset',
        webrnn: () => model.fitDataset([{ xs: x, ys: y }], { epochs: 1 }),
        tf: (tm, xs, ys) =>
          tm.fitDataset(
            tf.data.generator(function* () {
              yield { xs: xs.clone(), ys: ys.clone() };
            }),
            { epochs: 1, verbose: 0 },
          ),
      });
    }
    ops.push({
      op: 'predict',
      what: 'predict one batch',
      webrnn: () => model.predict(x, { batchSize: m.batch }),
      tf: async (tm, xs) => {
        const p = tm.predict(xs) as tf.Tensor;
        await p.data();
        p.dispose();
      },
    });
  } else {
    const step = { data: data.x, shape: [m.batch, m.features] };
    ops.push({
      op: 'step',
      what: 'one timestep: webrnn model.predictStep, TF.js predict on [1, 1, F]',
      webrnn: () => model.predictStep(step),
      tf: async (tm, xs) => {
        const p = tm.predict(xs) as tf.Tensor;
        await p.data();
        p.dispose();
      },
    });
  }
  // Warm every op up first (pipelines compile, per-batch-size programs get built), then note the GPU bytes:
  // the timed runs that follow must not add any.
  const warmups: number[] = [];
  for (const op of ops) {
    log(`${name} ${op.op}: webrnn`);
    const w0 = performance.now();
    await op.webrnn();
    warmups.push(performance.now() - w0);
  }
  bytes[name] = { warm: rt.stats.bytes, end: rt.stats.bytes };
  const cellRows: Row[] = [];
  for (const [i, op] of ops.entries()) {
    const t = await time(op.webrnn, o.runs, o.budgetMs, false);
    cellRows.push({ case: name, op: op.op, what: op.what, webrnn: { ...t, warmupMs: warmups[i]! }, peers: {} });
  }
  bytes[name]!.end = rt.stats.bytes;
  // ONNX Runtime Web times the same model exported to ONNX (model.toOnnx(): one fused LSTM or GRU op, as ORT runs it).
  const ort = o.peers.includes('ort') && !m.stateful && m.cell !== 'sru' ? { onnx: await model.toOnnx(), expected: (await model.predict(x)).data } : null;
  model.dispose();
  if (ort) {
    const row = cellRows.find((r) => r.op === 'predict')!;
    log(`${name} predict: onnxruntime-web wasm`);
    try {
      row.peers.ort = await ortPredict(ort.onnx, x, ort.expected, o);
    } catch (e) {
      row.peers.ort = { ms: null, runs: 0, warmupMs: 0, note: `failed: ${String(e)}` };
    }
  }

  for (const peer of o.peers.filter((p): p is Exclude<Peer, 'ort'> => p !== 'ort')) {
    const problem = m.cell === 'sru' ? 'TF.js has no SRU layer' : await setBackend(peer);
    const wanted = ops.filter((op) => !skip(op.op, peer));
    // One TF.js model per backend and case, with webrnn's initial weights; its ops run in the same order.
    const tm = problem || wanted.length === 0 ? null : tfModel(m, initial);
    const xs = tm && tf.tensor(data.x, m.stateful ? [m.batch, 1, m.features] : data.xShape);
    const ys = tm && tf.tensor(yData, [m.batch, m.outputs]);
    for (const [i, op] of ops.entries()) {
      const row = cellRows[i]!;
      if (problem) row.peers[peer] = { ms: null, runs: 0, warmupMs: 0, note: problem };
      else if (skip(op.op, peer)) row.peers[peer] = { ms: null, runs: 0, warmupMs: 0, note: 'skipped (--skip)' };
      else {
        log(`${name} ${op.op}: tfjs-${peer}`);
        try {
          row.peers[peer] = await time(() => op.tf(tm!, xs!, ys!), o.runs, o.budgetMs);
        } catch (e) {
          row.peers[peer] = { ms: null, runs: 0, warmupMs: 0, note: `failed: ${String(e)}` };
        }
      }
    }
    xs?.dispose();
    ys?.dispose();
    tm?.dispose();
    tf.disposeVariables();
  }
  rows.push(...cellRows);
}

/**
 * ONNX Runtime Web's wasm backend (SIMD; threads as --threads, else the count it picks) running the model webrnn
 * exported, on the same input: its predict timed as webrnn's is, and its outputs checked against webrnn's (the note
 * says how close: the same computation, or the timing means nothing).
 */
async function ortPredict(onnx: Uint8Array, x: { data: Float32Array; shape: number[] }, expected: Float32Array, o: BenchOptions): Promise<Timing> {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.wasmPaths = o.ortPath ?? '/bench/node_modules/onnxruntime-web/dist/';
  if (o.threads) ort.env.wasm.numThreads = o.threads;
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', x.data, x.shape) };
  const run = async () => (await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array;
  const got = await run();
  const maxDiff = got.reduce((worst, v, i) => Math.max(worst, Math.abs(v - expected[i]!)), 0);
  const t = await time(run, o.runs, o.budgetMs);
  await session.release();
  const threads = ort.env.wasm.numThreads;
  return {
    ...t,
    note: `outputs within ${maxDiff.toExponential(1)} of webrnn's; ${threads === undefined ? "ONNX Runtime's default threads" : `${threads} thread${threads === 1 ? '' : 's'}`}`,
  };
}

/**
 * One epoch of the same data from the same initial weights on webrnn and on TF.js (wasm: the CPU peer, exact
 * float32 kernels): the epoch losses must both be finite and agree closely. Guards that the timed work is the
 * same computation on both sides.
 */
async function lossCheck(
  rt: Runtime,
  name: string,
  samples: number,
): Promise<{ case: string; samples: number; webrnn: number; tfjs: number; relDiff: number; ok: boolean }> {
  const m = CASES[name]!;
  const data = series(samples, m.timesteps, m.features, 23);
  const model = webrnnModel(rt, m, 3);
  const initial = await model.getWeights();
  const history = await model.fit(
    { data: data.x, shape: [samples, m.timesteps, m.features] },
    { data: data.y, shape: [samples, 1] },
    { batchSize: m.batch, epochs: 1, shuffle: false },
  );
  model.dispose();
  const ours = history.history.loss![0]!;
  await setBackend('wasm');
  const tm = tfModel(m, initial);
  const xs = tf.tensor(data.x, [samples, m.timesteps, m.features]);
  const ys = tf.tensor(data.y, [samples, 1]);
  const h = await tm.fit(xs, ys, { batchSize: m.batch, epochs: 1, shuffle: false, verbose: 0 });
  const theirs = h.history.loss![0] as number;
  xs.dispose();
  ys.dispose();
  tm.dispose();
  tf.disposeVariables();
  const relDiff = Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1e-12);
  return { case: name, samples, webrnn: ours, tfjs: theirs, relDiff, ok: Number.isFinite(ours) && Number.isFinite(theirs) && relDiff < 1e-3 };
}

export async function runBench(o: BenchOptions) {
  if (o.wasmPath) setWasmPaths(o.wasmPath);
  // TF.js takes its thread count before its wasm backend starts, which is later (the first case that needs it).
  if (o.threads) setThreadsCount(o.threads);
  const rt = await createRuntime({ kernels: o.kernels ?? {}, backend: o.backend ?? 'auto', ...(o.threads ? { threads: o.threads } : {}) });
  const rows: Row[] = [];
  const bytes: Record<string, { warm: number; end: number }> = {};
  const notes: string[] = [];
  const bytesAtStart = rt.stats.bytes;
  try {
    for (const name of o.cases) {
      await runCase(rt, name, o, rows, bytes);
    }
    const checks = [];
    for (const [name, samples] of [
      ['tutorial', 256],
      ['gru', 256],
      ['large', 128],
    ] as const) {
      if (!o.cases.includes(name) || !o.peers.includes('wasm')) continue;
      log(`loss check: ${name}`);
      checks.push(await lossCheck(rt, name, samples));
    }
    let prof: ProfileRow[] = [];
    if (o.profile) {
      log('profile (GEMM and step kernels)');
      prof = (await profile({ sections: ['gemm', 'tutorial', ...(o.cases.includes('large') ? ['large'] : [])], variants: false })).rows;
    }
    return {
      adapter: rt.adapter,
      userAgent: navigator.userAgent,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      webrnnThreads: rt.threads,
      tfjs: { version: tf.version.tfjs, wasmThreads: await wasmThreads() },
      rows,
      bytes: { atStart: bytesAtStart, perCase: bytes, atEnd: rt.stats.bytes },
      lossChecks: checks,
      profile: prof,
      notes,
      stats: rt.stats,
    };
  } finally {
    rt.dispose();
  }
}

async function wasmThreads(): Promise<number | null> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return tf.getBackend() === 'wasm' || (await setBackend('wasm')) === null ? wasm.getThreadsCount() : null;
  } catch {
    return null;
  }
}
