/**
 * The wasm backend end to end, in Node without WebGPU: createRuntime's backend choice, a Sequential model's
 * predict and predictStep on WebAssembly against the float64 reference model, weights and states through the
 * model's API, save and load, and the typed errors of what it does not run yet (some layers' training, others'
 * inference), with nothing changed by a refused call. Training: test/wasmTraining.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createRuntime, layers, loadLayersModel, sequential, type Runtime } from '../src/index';
import { DisposedError, ValueError, WebGPUUnavailableError } from '../src/errors';
import type { ModelArtifacts } from '../src/io/types';
import type { RecurrentLayer } from '../src/layers/recurrent';
import { expectClose } from './support/compare';
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
    wasm.dispose();
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
    rt.dispose();
  });

  it('fitRidge and layer.apply: a WebGPUUnavailableError that says what to do, and the weights stay as they were', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const { model } = await modelFrom(rt, specs, 13);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const before = await model.getWeights();
    const x = { data: new Float32Array(2 * 7 * F), shape: [2, 7, F] };
    const y = { data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [2, 3] };
    // Training runs here (test/wasmTraining.test.ts); fitRidge and layer.apply do not yet.
    await expect(model.fitRidge(x, y)).rejects.toThrow(/model.fitRidge needs WebGPU.*backend: 'wasm'.*createRuntime\(\{ backend: 'webgpu' \}\)/);
    await expect((model.layers[0] as RecurrentLayer).apply(x)).rejects.toThrow(/layer 'lstm\w*'.apply needs WebGPU/);
    expect(await model.getWeights()).toEqual(before);
    rt.dispose();
  });

  it('a layer the wasm backend does not run yet is named when the model builds, before anything is allocated', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    const model = sequential(rt);
    model.add(layers.bidirectional({ layer: layers.sru({ units: 3 }), inputShape: [4, 2] }));
    model.add(layers.dense({ units: 1 }));
    await expect(model.predict({ data: new Float32Array(8), shape: [1, 4, 2] })).rejects.toThrow(
      /layer 'bidirectional\w*' \(Bidirectional\) around SRU does not run on the wasm backend yet.*LSTM, GRU, SimpleRNN, SRU/,
    );
    expect(() => model.summary(() => {})).toThrow(WebGPUUnavailableError);
    await expect(model.getWeights()).rejects.toThrow(WebGPUUnavailableError);
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
