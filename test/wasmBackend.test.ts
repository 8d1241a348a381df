/**
 * The wasm backend end to end, in Node without WebGPU: createRuntime's backend choice, a Sequential model's
 * predict and predictStep on WebAssembly against the float64 reference model, weights and states through the
 * model's API, save and load, layer.apply and fitRidge, and the typed errors of what it does not run yet, with
 * nothing changed by a refused call. Training: test/wasmTraining.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRuntime, layers, loadLayersModel, lstmForward, sequential, spectralRadius, type Runtime } from '../src/index';
import type { EchoState } from '../src/layers/echoState';
import { DisposedError, OutOfMemoryError, ValueError, WebGPUUnavailableError } from '../src/errors';
import type { ModelArtifacts } from '../src/io/types';
import type { RecurrentLayer } from '../src/layers/recurrent';
import { echoStateForward as echoStateReference } from '../src/reference/echoState';
import { lstmForward as lstmReference } from '../src/reference/lstmStep';
import { ridgeFromRows } from '../src/reference/ridge';
import type { Tensor } from '../src/tensor';
import { expectClose } from './support/compare';
import { fakeDevice } from './support/fakeDevice';
import { rng, uniform } from './support/random';
import { referencePredict, type LayerSpec } from './support/referenceModel';
import { SEQUENCE, STEP } from './support/tolerances';

/** A model and its float64 reference from one spec list, with seeded weights set on the model. */
async function modelFrom(rt: Runtime, specs: LayerSpec[], seed: number) {
  const model = sequential(rt, { seed });
  for (const s of specs) model.add((layers as unknown as Record<string, (c: unknown) => ReturnType<typeof layers.dense>>)[s.type]!(s.config));
  const random = rng(seed);
  const weights = (await model.getWeights()).map((w) => ({ data: uniform(random, w.data.length, 0.5), shape: w.shape }));
  model.setWeights(weights);
  return { model, weights: weights.map((w) => w.data) };
}

describe('createRuntime: the backend', () => {
  it("'wasm' runs without WebGPU; 'auto' falls back to it where navigator.gpu is missing; 'webgpu' says what to enable", async () => {
    const wasm = await createRuntime({ backend: 'wasm' });
    expect(wasm.backend).toBe('wasm');
    expect(wasm.adapter.description).toMatch(/WebAssembly/);
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    expect((await createRuntime()).backend).toBe('wasm');
    await expect(createRuntime({ backend: 'webgpu' })).rejects.toThrow(WebGPUUnavailableError);
    await expect(createRuntime({ backend: 'cuda' as 'wasm' })).rejects.toThrow(/backend must be 'auto', 'webgpu' or 'wasm'; got "cuda"/);
    expect(() => wasm.device).toThrow(WebGPUUnavailableError);
    // The functional ops record into a WebGPU plan: refused by name, with what to do.
    const x = { data: new Float32Array(6), shape: [1, 3, 2] };
    const w = {
      kernel: { data: new Float32Array(16), shape: [2, 8] },
      recurrentKernel: { data: new Float32Array(16), shape: [2, 8] },
      bias: { data: new Float32Array(8), shape: [8] },
    };
    await expect(lstmForward(wasm, { x, ...w })).rejects.toThrow(
      /^lstmForward \(a functional op of webrnn\) needs WebGPU.*createRuntime\(\{ backend: 'webgpu' \}\)/,
    );
    wasm.dispose();
  });
});

describe("createRuntime's 'auto' on an adapter (a stand-in GPU entry point: none of this machine's is a hardware one)", () => {
  /** A `gpu` whose one adapter reports `info`, with a stand-in device. */
  const entryPoint = (info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }) =>
    ({
      requestAdapter: async () => ({
        info: { vendor: '', architecture: '', device: '', description: '', ...info },
        limits: fakeDevice().device.limits,
        requestDevice: async () => fakeDevice().device,
      }),
    }) as unknown as GPU;

  it.each([
    ['a hardware adapter: WebGPU', { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' }, 'webgpu'],
    ['SwiftShader: WebAssembly', { vendor: 'google', description: 'SwiftShader Device (Subzero)' }, 'wasm'],
    ['an adapter that says it is a fallback: WebAssembly', { vendor: 'microsoft', isFallbackAdapter: true }, 'wasm'],
  ] as const)('%s', async (_name, info, backend) => {
    const rt = await createRuntime({ gpu: entryPoint(info) });
    expect(rt.backend).toBe(backend);
    // 'webgpu' takes the adapter, emulated or not.
    expect((await createRuntime({ gpu: entryPoint(info), backend: 'webgpu' })).backend).toBe('webgpu');
    if (backend === 'wasm') expect(() => rt.device).toThrow(/'auto' chose WebAssembly over the CPU-emulated adapter/);
  });

  it('where WebAssembly SIMD cannot run (an engine without it, or a CSP that forbids compiling), auto keeps the emulated adapter', async () => {
    const swiftShader = entryPoint({ vendor: 'google', description: 'SwiftShader Device (Subzero)' });
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      expect((await createRuntime({ gpu: swiftShader })).backend).toBe('webgpu');
      await expect(createRuntime({ backend: 'wasm' })).rejects.toThrow(/backend: 'wasm' \}\): this engine has no WebAssembly SIMD/);
      await expect(createRuntime()).rejects.toThrow(/neither WebGPU nor WebAssembly SIMD can run here.*navigator.gpu is undefined.*no WebAssembly SIMD/);
    } finally {
      validate.mockRestore();
    }
    const compile = vi.spyOn(WebAssembly, 'Module').mockImplementation(() => {
      throw new WebAssembly.CompileError("Refused to compile: 'wasm-unsafe-eval' is not an allowed source");
    });
    try {
      expect((await createRuntime({ gpu: swiftShader })).backend).toBe('webgpu');
    } finally {
      compile.mockRestore();
    }
    expect((await createRuntime({ gpu: swiftShader })).backend).toBe('wasm');
  });
});

describe('a Sequential model on the wasm backend', () => {
  const F = 3;
  const specs: LayerSpec[] = [
    { type: 'lstm', config: { units: 6, returnSequences: true, inputShape: [7, F] } },
    { type: 'gru', config: { units: 5, returnSequences: true, resetAfter: false } },
    { type: 'simpleRNN', config: { units: 4, activation: 'relu', goBackwards: true } },
    { type: 'dense', config: { units: 3, activation: 'softmax' } },
  ];

  it('predicts what the float64 reference model computes, batch by batch and past a partial batch', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const { model, weights } = await modelFrom(rt, specs, 11);
    const n = 10;
    const x = uniform(rng(3), n * 7 * F, 1);
    const got = await model.predict({ data: x, shape: [n, 7, F] }, { batchSize: 4 });
    expect(got.shape).toEqual([n, 3]);
    expectClose(got.data, referencePredict(specs, weights, x, n, [7, F]).data, SEQUENCE, 'predict');
    // A Dense on a sequence and a Dropout (the identity at inference) between recurrent layers.
    const seqSpecs: LayerSpec[] = [
      { type: 'gru', config: { units: 5, returnSequences: true, inputShape: [7, F] } },
      { type: 'dense', config: { units: 2, activation: 'tanh' } },
    ];
    const seq = sequential(rt, { seed: 2 });
    seq.add(layers.gru({ units: 5, returnSequences: true, inputShape: [7, F] }));
    seq.add(layers.dropout({ rate: 0.5 }));
    seq.add(layers.dense({ units: 2, activation: 'tanh' }));
    const w = (await seq.getWeights()).map((t) => t.data);
    const out = await seq.predict({ data: x, shape: [n, 7, F] });
    expect(out.shape).toEqual([n, 7, 2]);
    expectClose(out.data, referencePredict(seqSpecs, w, x, n, [7, F]).data, SEQUENCE, 'predict, sequence output');
    rt.dispose();
  });

  it('a text model (Embedding, Bidirectional LSTM and GRU, Dense) predicts what the float64 reference computes', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const T = 6;
    const text: LayerSpec[] = [
      { type: 'embedding', config: { inputDim: 20, outputDim: 5, inputLength: T } },
      { type: 'bidirectional', config: { layer: { type: 'lstm', config: { units: 4, returnSequences: true } } } },
      { type: 'bidirectional', config: { layer: { type: 'gru', config: { units: 3, goBackwards: true } }, mergeMode: 'ave' } },
      { type: 'dense', config: { units: 2, activation: 'softmax' } },
    ];
    const model = sequential(rt, { seed: 8 });
    model.add(layers.embedding({ inputDim: 20, outputDim: 5, inputLength: T }));
    model.add(layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }));
    model.add(layers.bidirectional({ layer: layers.gru({ units: 3, goBackwards: true }), mergeMode: 'ave' }));
    model.add(layers.dense({ units: 2, activation: 'softmax' }));
    const random = rng(9);
    model.setWeights((await model.getWeights()).map((w) => ({ data: uniform(random, w.data.length, 0.5), shape: w.shape })));
    const weights = (await model.getWeights()).map((w) => w.data);
    const n = 5;
    const ids = Float32Array.from({ length: n * T }, (_, i) => (i * 7) % 20);
    const got = await model.predict({ data: ids, shape: [n, T] });
    expect(got.shape).toEqual([n, 2]);
    expectClose(got.data, referencePredict(text, weights, ids, n, [T]).data, SEQUENCE, 'predict');
    rt.dispose();
  });

  it('padding, wherever it sits, predicts what the unpadded sequence does (Embedding maskZero, Masking)', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const text = (T: number) => {
      const m = sequential(rt, { seed: 14 });
      m.add(layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputLength: T }));
      m.add(layers.lstm({ units: 5, returnSequences: true }));
      m.add(layers.gru({ units: 3, goBackwards: true }));
      m.add(layers.dense({ units: 2 }));
      return m;
    };
    const [short, padded] = [text(3), text(6)];
    padded.setWeights(await short.getWeights());
    const want = (await short.predict({ data: Float32Array.of(4, 9, 2), shape: [1, 3] })).data;
    for (const ids of [
      [4, 9, 2, 0, 0, 0],
      [0, 0, 0, 4, 9, 2],
      [0, 4, 0, 9, 0, 2],
    ]) {
      expectClose((await padded.predict({ data: Float32Array.from(ids), shape: [1, 6] })).data, want, STEP, `ids ${ids.join(' ')}`);
    }
    const features = (T: number) => {
      const m = sequential(rt, { seed: 15 });
      m.add(layers.masking({ maskValue: -9, inputShape: [T, 2] }));
      m.add(layers.simpleRNN({ units: 4 }));
      return m;
    };
    const [f3, f5] = [features(3), features(5)];
    f5.setWeights(await f3.getWeights());
    const steps = [0.5, -1, 2, 0.25, -0.75, 1];
    const wantF = (await f3.predict({ data: Float32Array.from(steps), shape: [1, 3, 2] })).data;
    const pad = [-9, -9];
    const got = (await f5.predict({ data: Float32Array.from([...pad, ...steps.slice(0, 2), ...pad, ...steps.slice(2)]), shape: [1, 5, 2] })).data;
    expectClose(got, wantF, STEP, 'Masking');
    rt.dispose();
  });

  it('setWeights takes effect on the next predict; save and load keep the predictions', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const { model } = await modelFrom(rt, specs, 12);
    const x = { data: uniform(rng(4), 2 * 7 * F, 1), shape: [2, 7, F] };
    const before = await model.predict(x);
    const saved: ModelArtifacts[] = [];
    await model.save({ save: (a) => void saved.push(a) });
    const loaded = await loadLayersModel(rt, saved[0]!);
    expect(Array.from((await loaded.predict(x)).data)).toEqual(Array.from(before.data));
    const changed = (await model.getWeights()).map((w) => ({ data: w.data.map((v) => v * 0.5), shape: w.shape }));
    model.setWeights(changed);
    const after = await model.predict(x);
    expect(Array.from(after.data)).not.toEqual(Array.from(before.data));
    expect(Array.from((await model.getWeights())[0]!.data)).toEqual(Array.from(changed[0]!.data));
    // One layer's new weights: that layer's runner is made again, the others' are kept, and predict is the
    // float64 reference model's on the new weights.
    const runners = () => [...(model as unknown as { cpu: { runners: unknown[] } }).cpu.runners];
    const kept = runners();
    const dense = model.layers[3]!;
    const newDense = (await dense.getWeights()).map((w) => ({ data: w.data.map((v) => v - 0.1), shape: w.shape }));
    dense.setWeights(newDense);
    const once = await model.predict(x);
    expect(runners().map((r, i) => r === kept[i])).toEqual([true, true, true, false]);
    const all = (await model.getWeights()).map((w) => w.data);
    expectClose(once.data, referencePredict(specs, all, x.data, 2, [7, F]).data, SEQUENCE, 'after one layer changed');
    rt.dispose();
  });

  it('a stateful model streams with predictStep what predict computes on the whole sequence; resetStates starts over', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const [B, T] = [2, 5];
    const streaming = sequential(rt, { seed: 5 });
    streaming.add(layers.lstm({ units: 6, stateful: true, returnSequences: true, batchInputShape: [B, 1, F] }));
    streaming.add(layers.gru({ units: 4, stateful: true }));
    streaming.add(layers.dense({ units: 2 }));
    const whole = sequential(rt, { seed: 5 });
    whole.add(layers.lstm({ units: 6, returnSequences: true, inputShape: [T, F] }));
    whole.add(layers.gru({ units: 4, returnSequences: true }));
    whole.add(layers.dense({ units: 2 }));
    whole.setWeights(await streaming.getWeights());
    const x = uniform(rng(6), B * T * F, 1);
    const expected = (await whole.predict({ data: x, shape: [B, T, F] })).data;
    const run = async () => {
      const steps: number[][] = [];
      for (let t = 0; t < T; t++) {
        const step = Float32Array.from({ length: B * F }, (_, i) => x[(Math.floor(i / F) * T + t) * F + (i % F)]!);
        steps.push(Array.from((await streaming.predictStep({ data: step, shape: [B, F] })).data));
      }
      // [t][b, 2] → [b, t, 2], as predict returns it
      return Float32Array.from({ length: B * T * 2 }, (_, i) => steps[Math.floor(i / 2) % T]![Math.floor(i / (2 * T)) * 2 + (i % 2)]!);
    };
    expectClose(await run(), expected, SEQUENCE, 'streamed');
    const [h] = await (streaming.layers[1] as RecurrentLayer).getStates();
    expect(h!.shape).toEqual([B, 4]);
    expect(h!.data.some((v) => v !== 0)).toBe(true);
    streaming.resetStates();
    expectClose(await run(), expected, SEQUENCE, 'streamed again after resetStates');
    (streaming.layers[0] as RecurrentLayer).resetStates([
      { data: new Float32Array(B * 6).fill(0.25), shape: [B, 6] },
      { data: new Float32Array(B * 6), shape: [B, 6] },
    ]);
    expect(Array.from((await (streaming.layers[0] as RecurrentLayer).getStates())[0]!.data)).toEqual(new Array(B * 6).fill(0.25));
    expect(() => (streaming.layers[0] as RecurrentLayer).resetStates([{ data: new Float32Array(3), shape: [3, 1] }])).toThrow(ValueError);
    // A predict whose last batch is not the fixed size is refused before any batch moves the states.
    const states = await (streaming.layers[0] as RecurrentLayer).getStates();
    const three = { data: uniform(rng(7), 3 * F, 1), shape: [3, 1, F] };
    await expect(streaming.predict(three, { batchSize: B })).rejects.toThrow(/fixed batch size of 2; got a batch of 1 samples/);
    expect(await (streaming.layers[0] as RecurrentLayer).getStates()).toEqual(states);
    rt.dispose();
  });

  it('layer.apply runs one layer alone from given states and a mask, as the float64 twin does; a stateful layer runs on its kept states', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const [B, T, U] = [3, 5, 4];
    const model = sequential(rt, { seed: 2 });
    model.add(layers.lstm({ units: U, returnSequences: true, returnState: true, inputShape: [T, 2] }));
    const w = (await model.getWeights()).map((t) => t.data);
    const random = rng(6);
    const x = { data: uniform(random, B * T * 2, 1), shape: [B, T, 2] };
    const state = [uniform(random, B * U, 0.5), uniform(random, B * U, 0.5)].map((data) => ({ data, shape: [B, U] }));
    const mask = { data: Float32Array.from({ length: B * T }, (_, i) => (i % T < 4 || i < T ? 1 : 0)), shape: [B, T] };
    const [output, h, c] = (await (model.layers[0] as RecurrentLayer).apply(x, { initialState: state, mask })) as Tensor[];
    const weights = { kernel: { data: w[0]!, shape: [2, 4 * U] }, recurrentKernel: { data: w[1]!, shape: [U, 4 * U] }, bias: { data: w[2]!, shape: [4 * U] } };
    const ref = lstmReference({ x, ...weights, initialState: [state[0]!, state[1]!], mask }, { returnSequences: true });
    expect(output!.shape).toEqual([B, T, U]);
    expectClose(output!.data, ref.output.data, SEQUENCE, 'output');
    expectClose(h!.data, ref.h.data, SEQUENCE, 'h');
    expectClose(c!.data, ref.c.data, SEQUENCE, 'c');
    const streaming = sequential(rt);
    streaming.add(layers.gru({ units: U, stateful: true, returnState: true, batchInputShape: [B, T, 2] }));
    await streaming.getWeights(); // builds it: a layer applies on its model's weights
    const gru = streaming.layers[0] as RecurrentLayer;
    const [, final] = (await gru.apply(x, { initialState: [state[0]!] })) as Tensor[];
    expect((await gru.getStates())[0]!.data).toEqual(final!.data);
    // A refused call (a mask of the wrong shape) leaves the kept states as they were, new initial states unwritten.
    const badMask = { data: new Float32Array(B * (T - 1)).fill(1), shape: [B, T - 1] };
    await expect(gru.apply(x, { initialState: [{ data: uniform(random, B * U, 0.5), shape: [B, U] }], mask: badMask })).rejects.toThrow(/mask/);
    expect((await gru.getStates())[0]!.data).toEqual(final!.data);
    rt.dispose();
  });

  it('fitRidge reads out an echo-state reservoir as the float64 ridge on the twin’s rows does; its spectral radius is measured on the host', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const [B, T, U, washout, alpha] = [2, 60, 24, 10, 0.1];
    const random = rng(17);
    const series = Float32Array.from({ length: B * (T + 1) }, (_, i) => Math.sin(i * 0.3) + 0.05 * (random() - 0.5));
    const x = Float32Array.from({ length: B * T }, (_, i) => series[Math.floor(i / T) * (T + 1) + (i % T)]!);
    const y = Float32Array.from({ length: B * T }, (_, i) => series[Math.floor(i / T) * (T + 1) + (i % T) + 1]!);
    const model = sequential(rt, { seed: 1 });
    model.add(layers.echoState({ units: U, leakRate: 0.5, connectivity: 0.2, seed: 3, returnSequences: true, inputShape: [T, 1] }));
    model.add(layers.dense({ units: 1 }));
    const result = await model.fitRidge({ data: x, shape: [B, T, 1] }, { data: y, shape: [B, T, 1] }, { alpha, washout, batchSize: 1 });
    const w = (await model.getWeights()).map((t) => t.data);
    const states = echoStateReference(
      {
        x: { data: x, shape: [B, T, 1] },
        inputKernel: { data: w[0]!, shape: [1, U] },
        reservoir: { data: w[1]!, shape: [U, U] },
        bias: { data: w[2]!, shape: [U] },
      },
      { leakRate: 0.5, returnSequences: true },
    ).output.data;
    const rows: number[] = [];
    const targets: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let t = washout; t < T; t++) {
        rows.push(x[b * T + t]!, ...states.subarray((b * T + t) * U, (b * T + t + 1) * U));
        targets.push(y[b * T + t]!);
      }
    }
    const ref = ridgeFromRows(rows, targets, B * (T - washout), U + 1, 1, alpha);
    expect(result.rows).toBe(B * (T - washout));
    expectClose(w[3]!, ref.kernel, { atol: 1e-4, rtol: 1e-3 }, 'readout kernel');
    expectClose(w[4]!, ref.bias, { atol: 1e-4, rtol: 1e-3 }, 'readout bias');
    expectClose([result.loss], [ref.loss], { atol: 1e-6, rtol: 1e-3 }, 'training MSE');
    expect(ref.loss).toBeLessThan(0.01);
    // The reservoir was scaled to the default radius 0.9; the wasm backend measures it on the host.
    expect(await (model.layers[0] as EchoState).spectralRadius()).toBeCloseTo(0.9, 3);
    expect(await spectralRadius(rt, { data: Float32Array.of(0, 2, -0.5, 0), shape: [2, 2] })).toBeCloseTo(1, 5); // eigenvalues ±i
    rt.dispose();
  });

  it('a Bidirectional around an SRU and one around an echo-state reservoir predict what the float64 reference computes', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const [n, T] = [3, 6];
    const specs: LayerSpec[] = [
      { type: 'bidirectional', config: { layer: { type: 'sru', config: { units: 3, activation: 'tanh', returnSequences: true } }, inputShape: [T, 2] } },
      {
        type: 'bidirectional',
        config: { layer: { type: 'echoState', config: { units: 5, seed: 4, connectivity: 0.5, leakRate: 0.6, includeInput: false } }, mergeMode: 'ave' },
      },
      { type: 'dense', config: { units: 2 } },
    ];
    const model = sequential(rt, { seed: 5 });
    model.add(layers.bidirectional({ layer: layers.sru({ units: 3, activation: 'tanh', returnSequences: true }), inputShape: [T, 2] }));
    model.add(
      layers.bidirectional({ layer: layers.echoState({ units: 5, seed: 4, connectivity: 0.5, leakRate: 0.6, includeInput: false }), mergeMode: 'ave' }),
    );
    model.add(layers.dense({ units: 2 }));
    const weights = (await model.getWeights()).map((w) => w.data);
    const x = uniform(rng(8), n * T * 2, 1);
    const got = await model.predict({ data: x, shape: [n, T, 2] });
    expectClose(got.data, referencePredict(specs, weights, x, n, [T, 2]).data, SEQUENCE, 'predict');
    rt.dispose();
  });

  it('a call too large for WebAssembly memory is an OutOfMemoryError that names the size; a smaller batch then works', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const model = sequential(rt, { seed: 1 });
    model.add(layers.lstm({ units: 512, inputShape: [600, 1] }));
    const x = { data: new Float32Array(1024 * 600), shape: [1024, 600, 1] };
    // XW alone: 600 steps × 1024 rows × 2048 gate columns × 4 bytes = 5 GiB
    await expect(model.predict(x, { batchSize: 1024 })).rejects.toThrow(OutOfMemoryError);
    await expect(model.predict(x, { batchSize: 1024 })).rejects.toThrow(/needs \d+ MiB of WebAssembly memory.*smaller batchSize/);
    const small = await model.predict({ data: x.data.subarray(0, 2 * 600), shape: [2, 600, 1] });
    expect(small.shape).toEqual([2, 512]);
    rt.dispose();
  });

  it('a disposed runtime refuses predict and predictStep with a DisposedError, as on WebGPU', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const { model } = await modelFrom(rt, specs, 16);
    const streaming = sequential(rt);
    streaming.add(layers.gru({ units: 2, stateful: true, batchInputShape: [1, 1, F] }));
    rt.dispose();
    await expect(model.predict({ data: new Float32Array(7 * F), shape: [1, 7, F] })).rejects.toThrow(DisposedError);
    await expect(streaming.predictStep({ data: new Float32Array(F), shape: [1, F] })).rejects.toThrow(DisposedError);
  });
});
