/**
 * Harness cases for the wasm backend in the page: the same model on the page's WebGPU runtime and on a wasm
 * runtime, and createRuntime() with WebGPU switched off (navigator.gpu hidden, as in a browser without it).
 */
import { createRuntime, layers, sequential, type Runtime, type Sequential } from '../../src/index';
import { MIN_WORK, worthSplitting } from '../../src/cpu/threads';
import { encode, rt } from './harnessCore';

/** The stack both backends run: every layer kind the wasm backend has. */
function build(r: Runtime, stateful: boolean): Sequential {
  const m = sequential(r, { seed: 21 });
  const first = stateful ? { stateful: true, batchInputShape: [2, 1, 3] } : { inputShape: [9, 3] };
  m.add(layers.lstm({ units: 10, returnSequences: true, ...first }));
  m.add(layers.dropout({ rate: 0.3 }));
  m.add(layers.gru({ units: 7, returnSequences: true, resetAfter: false, ...(stateful ? { stateful: true } : {}) }));
  m.add(layers.simpleRNN({ units: 6, activation: 'relu', ...(stateful ? { stateful: true } : {}) }));
  m.add(layers.dense({ units: 4, activation: 'softmax' }));
  return m;
}

export const backendCases = {
  /** Predictions and a 5-step stream on both backends, from the WebGPU model's weights. */
  async wasmAgainstWebGpu() {
    const wasm = await createRuntime({ backend: 'wasm' });
    const gpu = await rt();
    const x = { data: Float32Array.from({ length: 5 * 9 * 3 }, (_, i) => Math.sin(i * 0.37)), shape: [5, 9, 3] };
    const out: Record<string, string> = {};
    for (const stateful of [false, true]) {
      const [a, b] = [build(gpu, stateful), build(wasm, stateful)];
      b.setWeights(await a.getWeights());
      if (stateful) {
        for (let t = 0; t < 5; t++) {
          const step = { data: Float32Array.from({ length: 6 }, (_, i) => Math.cos(t + i)), shape: [2, 3] };
          out[`gpuStep${t}`] = encode((await a.predictStep(step)).data);
          out[`wasmStep${t}`] = encode((await b.predictStep(step)).data);
        }
      } else {
        out.gpu = encode((await a.predict(x)).data);
        out.wasm = encode((await b.predict(x)).data);
      }
      a.dispose();
      b.dispose();
    }
    wasm.dispose();
    return { outputs: out, backend: wasm.backend };
  },

  /**
   * Masked models on both backends from the WebGPU model's weights: token ids with padding (Embedding maskZero into a
   * Bidirectional sequence, a GRU, a Dense) and feature steps equal to maskValue (Masking into an LSTM sequence).
   */
  async maskedOnBothBackends() {
    const wasm = await createRuntime({ backend: 'wasm' });
    const gpu = await rt();
    const out: Record<string, string> = {};
    for (const [name, build, x] of maskedModels()) {
      const [a, b] = [build(gpu), build(wasm)];
      b.setWeights(await a.getWeights());
      out[`${name}Gpu`] = encode((await a.predict(x)).data);
      out[`${name}Wasm`] = encode((await b.predict(x)).data);
      a.dispose();
      b.dispose();
    }
    wasm.dispose();
    return { outputs: out };
  },

  /**
   * Training on both backends from the same weights: 3 SGD steps of every masked model above that the wasm backend
   * trains (all but SRU and EchoState), the losses of each epoch and the weights after.
   */
  async trainedOnBothBackends() {
    const wasm = await createRuntime({ backend: 'wasm' });
    const gpu = await rt();
    const out: Record<string, string> = {};
    for (const [name, build, x] of maskedModels().filter(([name]) => name !== 'newCells')) {
      const [a, b] = [build(gpu), build(wasm)];
      b.setWeights(await a.getWeights());
      const n = x.shape[0]!;
      const outputs = n * a.outputShape.reduce((p, q) => p * q, 1);
      const y = { data: Float32Array.from({ length: outputs }, (_, i) => Math.cos(i * 0.7)), shape: [n, ...a.outputShape] };
      for (const [key, m] of [
        ['Gpu', a],
        ['Wasm', b],
      ] as const) {
        m.compile({ optimizer: { kind: 'sgd', learningRate: 0.1 } as never, loss: 'mse' });
        const h = await m.fit(x, y, { epochs: 3, batchSize: n, shuffle: false });
        out[`${name}Losses${key}`] = encode(Float32Array.from(h.history.loss!));
        const weights = await m.getWeights();
        out[`${name}Weights${key}`] = encode(Float32Array.from(weights.flatMap((w) => Array.from(w.data))));
      }
      a.dispose();
      b.dispose();
    }
    wasm.dispose();
    return { outputs: out };
  },

  /**
   * The masked models above on a wasm runtime with two threads and on one with one, from the same weights, over
   * their rows repeated just enough times for each to split between the threads (worthSplitting); then the text model
   * again after setWeights, which the threads must see.
   */
  async threadsMatchOneThread() {
    const [one, two] = [await createRuntime({ backend: 'wasm', threads: 1 }), await createRuntime({ backend: 'wasm', threads: 2 })];
    const out: Record<string, string> = {};
    let worth = 0;
    for (const [name, build, x] of maskedModels()) {
      const [a, b] = [build(one), build(two)];
      b.setWeights(await a.getWeights());
      // Just enough repeats of the rows for the work to split: rows × timesteps × parameters ≥ MIN_WORK.
      const [n, T] = x.shape as [number, number]; // every one of these inputs is a sequence
      const repeats = Math.ceil(MIN_WORK / (n * T * b.persistenceView().arena.total));
      const big = {
        data: Float32Array.from({ length: repeats * x.data.length }, (_, i) => x.data[i % x.data.length]!),
        shape: [repeats * n, ...x.shape.slice(1)],
      };
      const splits = worthSplitting(big.shape[0]!, T, b.persistenceView().arena.total) ? 1 : 0;
      worth += name === 'text' ? 2 * splits : splits;
      out[`${name}One`] = encode((await a.predict(big)).data);
      out[`${name}Two`] = encode((await b.predict(big)).data);
      if (name === 'text') {
        const halved = (await a.getWeights()).map((w) => ({ data: w.data.map((v) => v / 2), shape: w.shape }));
        a.setWeights(halved);
        b.setWeights(halved);
        out.afterSetWeightsOne = encode((await a.predict(big)).data);
        out.afterSetWeightsTwo = encode((await b.predict(big)).data);
      }
      a.dispose();
      b.dispose();
    }
    const result = {
      outputs: out,
      threads: [one.threads, two.threads],
      split: two.threadStats.splits,
      redone: two.threadStats.redone,
      worth,
      unsplit: one.threadStats.splits,
    };
    one.dispose();
    two.dispose();
    return result;
  },

  /**
   * Training on two threads and on one from the same weights, 2 epochs of one batch each, big enough to split
   * (worthSplitting): a masked text model with a masked sequence output (mse, mae, adam, global norm
   * clipping), where each share's loss is a mean over its own real steps until the shares are summed, and a
   * classifier (sparse categorical crossentropy, accuracy, L2, rmsprop).
   */
  async threadsTrainLikeOneThread() {
    const [one, two] = [await createRuntime({ backend: 'wasm', threads: 1 }), await createRuntime({ backend: 'wasm', threads: 2 })];
    const [, , text] = maskedModels()[0]!;
    const [n, T] = [1200, text.shape[1]!];
    // The first half's rows take the six padding patterns in turn, the second half's row 4's (none): the threads'
    // shares then hold different shares of the real steps, which their rescaling must weigh.
    const ids = {
      data: Float32Array.from({ length: n * T }, (_, i) => text.data[(Math.floor(i / T) < n / 2 ? Math.floor(i / T) % 6 : 4) * T + (i % T)]!),
      shape: [n, T],
    };
    const features = { data: Float32Array.from({ length: 300 * 30 * 8 }, (_, i) => Math.sin(i * 0.31)), shape: [300, 30, 8] };
    const models: [string, (r: Runtime) => Sequential, { data: Float32Array; shape: number[] }, { data: Float32Array; shape: number[] }][] = [
      [
        'maskedText',
        (r) => {
          const m = sequential(r, { seed: 12 });
          m.add(layers.embedding({ inputDim: 20, outputDim: 16, maskZero: true, inputLength: T }));
          m.add(layers.bidirectional({ layer: layers.lstm({ units: 32, returnSequences: true }) }));
          m.add(layers.gru({ units: 16, returnSequences: true }));
          m.add(layers.dense({ units: 2 }));
          m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'], globalClipNorm: 1 } as never);
          return m;
        },
        ids,
        // Targets near 0 in the first half and near 2 in the second: the shares' mean losses differ, so a share weighed
        // wrongly moves the batch's loss.
        { data: Float32Array.from({ length: n * T * 2 }, (_, i) => (i < n * T ? 0.1 : 2) * Math.cos(i * 0.7) + (i < n * T ? 0 : 2)), shape: [n, T, 2] },
      ],
      [
        'classifier',
        (r) => {
          const m = sequential(r, { seed: 13 });
          m.add(layers.lstm({ units: 64, inputShape: [30, 8], kernelRegularizer: { l2: 0.01 } } as never));
          m.add(layers.dense({ units: 3, activation: 'softmax' }));
          m.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
          return m;
        },
        features,
        { data: Float32Array.from({ length: 300 }, (_, i) => i % 3), shape: [300, 1] },
      ],
    ];
    const out: Record<string, string> = {};
    let worth = 0;
    for (const [name, build, x, y] of models) {
      const [a, b] = [build(one), build(two)];
      b.setWeights(await a.getWeights());
      const timesteps = x.shape[1]!;
      worth += worthSplitting(x.shape[0]!, timesteps, b.persistenceView().arena.total) ? 2 : 0;
      for (const [key, m] of [
        ['One', a],
        ['Two', b],
      ] as const) {
        const h = await m.fit(x, y, { epochs: 2, batchSize: x.shape[0]!, shuffle: false });
        const metric = Object.keys(h.history).find((k) => k !== 'loss')!;
        out[`${name}Loss${key}`] = encode(Float32Array.from([...h.history.loss!, ...h.history[metric]!]));
        out[`${name}Weights${key}`] = encode(Float32Array.from((await m.getWeights()).flatMap((w) => Array.from(w.data))));
      }
      a.dispose();
      b.dispose();
    }
    const result = { outputs: out, split: two.threadStats.splits, redone: two.threadStats.redone, worth };
    one.dispose();
    two.dispose();
    return result;
  },

  /** What createRuntime() picks here, beside the adapter a WebGPU runtime gets. */
  async autoChoice() {
    const [auto, gpu] = [await createRuntime(), await createRuntime({ backend: 'webgpu' })];
    const result = { auto: auto.backend, isFallback: gpu.adapter.isFallback };
    auto.dispose();
    gpu.dispose();
    return result;
  },

  /** createRuntime() where the page has no navigator.gpu, and what the runtime then does. */
  async withoutWebGpu() {
    Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
    try {
      const r = await createRuntime();
      const m = sequential(r, { seed: 3 });
      m.add(layers.lstm({ units: 4, inputShape: [3, 2] }));
      m.add(layers.dense({ units: 1 }));
      const y = await m.predict({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [1, 3, 2] });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const [xs, ys] = [
        { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [1, 3, 2] },
        { data: new Float32Array(1), shape: [1, 1] },
      ];
      const history = await m.fit(xs, ys, { epochs: 3 });
      const webgpu = await createRuntime({ backend: 'webgpu' }).then(
        () => null,
        (e: Error) => ({ name: e.name, message: e.message }),
      );
      r.dispose();
      return { backend: r.backend, finite: Number.isFinite(y.data[0]), losses: history.history.loss!, webgpu };
    } finally {
      delete (navigator as { gpu?: unknown }).gpu; // the prototype's getter answers again
    }
  },
};

/**
 * Masked models on both backends: token ids with padding (Embedding maskZero into a Bidirectional sequence, a GRU, a
 * Dense) and feature steps equal to maskValue (Masking into an LSTM sequence), an encoder–decoder, pooled models and
 * the new cells; with their inputs.
 */
function maskedModels(): [string, (r: Runtime) => Sequential, { data: Float32Array; shape: number[] }][] {
  const [n, T] = [6, 8];
  // rows: padded after, before, inside, all padding, none
  const ids = Float32Array.from({ length: n * T }, (_, i) => {
    const [b, t] = [Math.floor(i / T), i % T];
    const pad = b === 0 ? t >= 5 : b === 1 ? t < 3 : b === 2 ? t % 3 === 1 : b === 3;
    return pad ? 0 : 1 + ((i * 7) % 19);
  });
  const features = Float32Array.from({ length: n * T * 2 }, (_, i) => (ids[Math.floor(i / 2)] === 0 ? -1 : Math.sin(i)));
  return [
    [
      'text',
      (r) => {
        const m = sequential(r, { seed: 4 });
        m.add(layers.embedding({ inputDim: 20, outputDim: 5, maskZero: true, inputLength: T }));
        m.add(layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }));
        m.add(layers.gru({ units: 3, returnSequences: true, resetAfter: true }));
        m.add(layers.dense({ units: 2 }));
        return m;
      },
      { data: ids, shape: [n, T] },
    ],
    [
      // A Bidirectional sequence straight into the output: 0 at masked steps (Keras 3's zero_output_for_mask).
      'bidirectional',
      (r) => {
        const m = sequential(r, { seed: 6 });
        m.add(layers.embedding({ inputDim: 20, outputDim: 4, maskZero: true, inputLength: T }));
        m.add(layers.bidirectional({ layer: layers.gru({ units: 3, returnSequences: true }), mergeMode: 'sum' }));
        return m;
      },
      { data: ids, shape: [n, T] },
    ],
    [
      // The Sequential encoder–decoder: a state repeated over the output steps, a Dense on each.
      'encoderDecoder',
      (r) => {
        const m = sequential(r, { seed: 7 });
        m.add(layers.lstm({ units: 6, inputShape: [T, 2] }));
        m.add(layers.repeatVector({ n: 4 }));
        m.add(layers.lstm({ units: 5, returnSequences: true }));
        m.add(layers.timeDistributed({ layer: layers.dense({ units: 3, activation: 'tanh' }) }));
        return m;
      },
      { data: features, shape: [n, T, 2] },
    ],
    [
      // Masked pooling (the real steps' mean) after a normalized sequence; max pooling beside it in the other build.
      'pooled',
      (r) => {
        const m = sequential(r, { seed: 8 });
        m.add(layers.masking({ maskValue: -1, inputShape: [T, 2] }));
        m.add(layers.gru({ units: 4, returnSequences: true }));
        m.add(layers.layerNormalization({}));
        m.add(layers.globalAveragePooling1d());
        m.add(layers.dense({ units: 2 }));
        return m;
      },
      { data: features, shape: [n, T, 2] },
    ],
    [
      'maxPooled',
      (r) => {
        const m = sequential(r, { seed: 9 });
        m.add(layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [T, 2] }));
        m.add(layers.globalMaxPooling1d());
        return m;
      },
      { data: features, shape: [n, T, 2] },
    ],
    [
      // The two cells of the "new architectures" issue: an SRU sequence under a mask, an echo-state reservoir with
      // its input beside each state (goBackwards, so the rows pair with reversed time), a Dense readout.
      'newCells',
      (r) => {
        const m = sequential(r, { seed: 10 });
        m.add(layers.masking({ maskValue: -1, inputShape: [T, 2] }));
        m.add(layers.sru({ units: 4, activation: 'tanh', returnSequences: true }));
        m.add(layers.echoState({ units: 6, leakRate: 0.4, spectralRadius: 0.8, seed: 3, returnSequences: true, goBackwards: true }));
        m.add(layers.dense({ units: 2 }));
        return m;
      },
      { data: features, shape: [n, T, 2] },
    ],
    [
      'features',
      (r) => {
        const m = sequential(r, { seed: 5 });
        m.add(layers.masking({ maskValue: -1, inputShape: [T, 2] }));
        m.add(layers.lstm({ units: 4, returnSequences: true, goBackwards: true }));
        m.add(layers.simpleRNN({ units: 3 }));
        m.add(layers.dense({ units: 1 }));
        return m;
      },
      { data: features, shape: [n, T, 2] },
    ],
  ];
}
