/**
 * ONNX import without a GPU (src/io/onnx/fromOnnx.ts): graphs that torch.onnx.export wrote (test/fixtures/onnx,
 * made by scripts/make_onnx_fixtures.py with Debian's python3-torch) become webrnn layers whose float64 reference
 * forward pass gives what PyTorch computed; webrnn's own exports come back as the layers they were.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../src/index';
import { onnxToLayers } from '../src/io/onnx/fromOnnx';
import { OnnxGraph, FLOAT } from '../src/io/onnx/onnxGraph';
import { layersModelToOnnx } from '../src/io/onnx/toOnnx';
import { rng, uniform } from './support/random';
import { artifactsOf } from './support/layerArtifacts';
import { referencePredict, type LayerSpec } from './support/referenceModel';

/** PyTorch's float32 against the float64 reference on the same (float32) weights. */
const ATOL = 1e-5;

const fixtures = new URL('./fixtures/onnx/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', fixtures), 'utf8')) as {
  torch: string;
  cases: Record<string, { x: number[]; xShape: number[]; y: number[]; yShape: number[] }>;
};

function worst(a: ArrayLike<number>, e: ArrayLike<number>): number {
  expect(a.length).toBe(e.length);
  let m = 0;
  for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(a[i]! - e[i]!));
  return m;
}

describe(`loadOnnxModel's reading of torch.onnx.export graphs (PyTorch ${cases.torch})`, () => {
  const expectedLayers: Record<string, string[]> = {
    lstm_last_step: ['lstm', 'dense'],
    gru_bidirectional_final: ['bidirectional', 'dense'],
    rnn_relu_sequence: ['simpleRNN', 'dense'],
    stacked_lstm: ['lstm', 'lstm', 'dense'],
  };
  for (const [name, c] of Object.entries(cases.cases)) {
    it(`${name}: the layers PyTorch's graph describes, computing what PyTorch computed`, () => {
      const imported = onnxToLayers(new Uint8Array(readFileSync(new URL(`${name}.onnx`, fixtures))), name);
      expect(imported.layers.map((l) => l.type)).toEqual(expectedLayers[name]);
      const [n, ...sample] = c.xShape as [number, ...number[]];
      const out = referencePredict(
        imported.layers as LayerSpec[],
        imported.weights.map((w) => w.data),
        Float32Array.from(c.x),
        n,
        sample,
      );
      expect(worst(out.data, c.y)).toBeLessThan(ATOL);
    });
  }
});

describe("loadOnnxModel's reading of a tf2onnx export (a Keras model converted by tf2onnx 1.17, from an MIT project)", () => {
  it('tf2onnx_stacked_lstm: LSTM(64) → LSTM(32) → Dense(16, relu) → Dense(1), computing what ONNX Runtime computes', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('tf2onnx_stacked_lstm.onnx', fixtures)));
    const imported = onnxToLayers(bytes, 'tf2onnx');
    expect(imported.layers.map((l) => l.type)).toEqual(['lstm', 'lstm', 'dense', 'dense']);
    expect(imported.layers.map((l) => (l.config as { returnSequences?: boolean }).returnSequences)).toEqual([true, false, undefined, undefined]);
    expect(imported.layers[2]!.config.activation).toBe('relu');
    const x = uniform(rng(21), 2 * 30 * 17, 1);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(bytes);
    const expected = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [2, 30, 17]) }))[session.outputNames[0]!]!
      .data as Float32Array;
    await session.release();
    const out = referencePredict(
      imported.layers as LayerSpec[],
      imported.weights.map((w) => w.data),
      x,
      2,
      [30, 17],
    );
    // ONNX Runtime runs float32 through 2 × 30 steps of 64- and 32-unit LSTMs to outputs near 2.8: |a − e| ≤ 1e-5 + 1e-5·|e|.
    expected.forEach((e, i) => expect(Math.abs(out.data[i]! - e)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(e)));
  });
});

describe("loadOnnxModel's reading of webrnn's own exports", () => {
  const T = 5;
  const F = 3;
  const ROUND_TRIPS: { name: string; specs: LayerSpec[]; sample: number[] }[] = [
    {
      name: 'LSTM relu + Dense',
      specs: [
        { type: 'lstm', config: { units: 4, activation: 'relu', inputShape: [T, F] } },
        { type: 'dense', config: { units: 2 } },
      ],
      sample: [T, F],
    },
    {
      name: 'GRU (both reset conventions) returning sequences + Dense softmax on every step',
      specs: [
        { type: 'gru', config: { units: 4, resetAfter: false, returnSequences: true, inputShape: [T, F] } },
        { type: 'gru', config: { units: 3, returnSequences: true } },
        { type: 'dense', config: { units: 2, activation: 'softmax' } },
      ],
      sample: [T, F],
    },
    {
      name: 'SimpleRNN goBackwards sequence, Bidirectional LSTM sum',
      specs: [
        { type: 'simpleRNN', config: { units: 3, goBackwards: true, returnSequences: true, inputShape: [T, F] } },
        { type: 'bidirectional', config: { layer: { type: 'lstm', config: { units: 3 } }, mergeMode: 'sum' } },
        { type: 'dense', config: { units: 1, activation: 'sigmoid' } },
      ],
      sample: [T, F],
    },
    {
      name: 'Embedding + Bidirectional GRU concat sequence + LSTM',
      specs: [
        { type: 'embedding', config: { inputDim: 7, outputDim: 3, inputLength: T } },
        { type: 'bidirectional', config: { layer: { type: 'gru', config: { units: 2, returnSequences: true } } } },
        { type: 'lstm', config: { units: 2 } },
      ],
      sample: [T],
    },
  ];
  for (const c of ROUND_TRIPS) {
    it(c.name, () => {
      const { artifacts, weights } = artifactsOf(c.specs as never, c.sample, 3);
      const bytes = layersModelToOnnx(artifacts);
      const back = onnxToLayers(bytes);
      expect(back.layers.map((l) => l.type)).toEqual(c.specs.map((s) => s.type));
      const x = c.sample.length === 1 ? Float32Array.from({ length: 2 * T }, (_, i) => (i * 3) % 7) : uniform(rng(8), 2 * T * F, 1);
      const original = referencePredict(c.specs, weights, x, 2, c.sample);
      const again = referencePredict(
        back.layers as LayerSpec[],
        back.weights.map((w) => w.data),
        x,
        2,
        c.sample,
      );
      expect(worst(again.data, original.data)).toBeLessThan(1e-6);
    });
  }
});

describe('loadOnnxModel refuses what it cannot read', () => {
  it('bytes that are not an ONNX model', () => {
    expect(() => onnxToLayers(Uint8Array.of(1, 2, 3, 4, 5, 250, 251), 'junk.onnx')).toThrow(ModelFormatError);
    expect(() => onnxToLayers(Uint8Array.of(1, 2, 3, 4, 5, 250, 251), 'junk.onnx')).toThrow(
      /^junk\.onnx: not an ONNX model|junk\.onnx: the ONNX model has no graph nodes/,
    );
  });

  it('an op without a layer, naming the node and the op', () => {
    const g = new OnnxGraph();
    const out = g.op('Erf', ['x'], 'y');
    const bytes = g.encode({
      opset: 17,
      name: 'g',
      producer: 'test',
      input: { name: 'x', elemType: FLOAT, shape: ['batch', 4, 2] },
      output: { name: out, elemType: FLOAT, shape: ['batch', 4, 2] },
    });
    expect(() => onnxToLayers(bytes, 'erf.onnx')).toThrow(/^erf\.onnx: node 'Erf_node' \(Erf\): op Erf has no webrnn layer/);
  });

  it('a cut-off file, and a model input without fixed sizes', () => {
    const bytes = new Uint8Array(readFileSync(new URL('lstm_last_step.onnx', fixtures)));
    expect(() => onnxToLayers(bytes.slice(0, 40), 'cut.onnx')).toThrow(ModelFormatError);
    const g = new OnnxGraph();
    const out = g.op('Identity', ['x'], 'y');
    const open = g.encode({
      opset: 17,
      name: 'g',
      producer: 'test',
      input: { name: 'x', elemType: FLOAT, shape: ['batch', 0, 2] },
      output: { name: out, elemType: FLOAT, shape: ['batch', 2] },
    });
    expect(() => onnxToLayers(open, 'open.onnx')).toThrow(/open\.onnx: the input 'x' needs fixed sizes after the batch dimension/);
  });
});
