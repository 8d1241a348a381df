/**
 * toOnnx without a GPU: layers-model artifacts (topology + weights, as model.save writes them) → ONNX bytes →
 * ONNX Runtime (onnxruntime-web's WebAssembly build, in Node), against the float64 reference model on the same
 * weights. ONNX Runtime is the independent implementation here: it knows nothing of Keras's gate order or
 * bias layout, so a wrong reordering or transpose shows as a wrong number.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, ValueError } from '../src/index';
import { layersModelToOnnx } from '../src/io/onnx/toOnnx';
import { uniform, rng } from './support/random';
import { artifactsOf } from './support/layerArtifacts';
import { referencePredict, type LayerSpec } from './support/referenceModel';

/** float32 inputs and weights, float64 reference, ONNX Runtime's float32 kernels: the 1e-5. */
const ATOL = 1e-5;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

async function runOnnx(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, shape) });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function worst(a: ArrayLike<number>, e: ArrayLike<number>): number {
  expect(a.length).toBe(e.length);
  let m = 0;
  for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(a[i]! - e[i]!));
  return m;
}

const N = 3;
const T = 5;
const F = 4;

const CASES: { name: string; specs: LayerSpec[] }[] = [
  {
    name: 'LSTM (tanh) + Dense',
    specs: [
      { type: 'lstm', config: { units: 6, inputShape: [T, F] } },
      { type: 'dense', config: { units: 2 } },
    ],
  },
  {
    name: 'LSTM (relu, the tutorial) returning sequences + Dense on every step',
    specs: [
      { type: 'lstm', config: { units: 5, activation: 'relu', returnSequences: true, inputShape: [T, F] } },
      { type: 'dense', config: { units: 3, activation: 'tanh' } },
    ],
  },
  { name: 'GRU resetAfter (Keras 2.3+ and TF.js default)', specs: [{ type: 'gru', config: { units: 6, inputShape: [T, F] } }] },
  { name: 'GRU resetAfter false (Keras 2.2)', specs: [{ type: 'gru', config: { units: 6, resetAfter: false, returnSequences: true, inputShape: [T, F] } }] },
  {
    name: 'stacked GRUs, resetAfter true then false, + Dense',
    specs: [
      { type: 'gru', config: { units: 5, returnSequences: true, inputShape: [T, F] } },
      { type: 'gru', config: { units: 4, resetAfter: false } },
      { type: 'dense', config: { units: 2 } },
    ],
  },
  {
    name: 'SimpleRNN',
    specs: [
      { type: 'simpleRNN', config: { units: 7, inputShape: [T, F] } },
      { type: 'dense', config: { units: 1, activation: 'sigmoid' } },
    ],
  },
  {
    name: 'LSTM goBackwards returning its sequence (reversed, as Keras)',
    specs: [{ type: 'lstm', config: { units: 4, goBackwards: true, returnSequences: true, inputShape: [T, F] } }],
  },
  { name: 'GRU goBackwards, last output', specs: [{ type: 'gru', config: { units: 4, goBackwards: true, inputShape: [T, F] } }] },
  ...(['concat', 'sum', 'mul', 'ave'] as const).map((mergeMode) => ({
    name: `Bidirectional LSTM, ${mergeMode}, sequences`,
    specs: [
      { type: 'bidirectional', config: { layer: { type: 'lstm', config: { units: 4, returnSequences: true } }, mergeMode, inputShape: [T, F] } },
    ] as LayerSpec[],
  })),
  {
    name: 'Bidirectional GRU, concat, last output + stacked LSTM',
    specs: [
      { type: 'bidirectional', config: { layer: { type: 'gru', config: { units: 3, returnSequences: true } }, inputShape: [T, F] } },
      { type: 'lstm', config: { units: 5 } },
      { type: 'dense', config: { units: 4, activation: 'softmax' } },
    ],
  },
];

describe('toOnnx: ONNX Runtime computes what the model computes', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { artifacts, weights } = artifactsOf(c.specs as never, [T, F], 5);
      const x = uniform(rng(9), N * T * F, 1);
      const onnx = await runOnnx(layersModelToOnnx(artifacts as never), x, [N, T, F]);
      const expected = referencePredict(c.specs, weights, x, N, [T, F]);
      expect(worst(onnx, expected.data)).toBeLessThan(ATOL);
    });
  }

  it('a bidirectional LSTM text classifier: Embedding + Bidirectional(LSTM) + Dense(sigmoid)', async () => {
    const specs: LayerSpec[] = [
      { type: 'embedding', config: { inputDim: 20, outputDim: 6, inputLength: T } },
      { type: 'bidirectional', config: { layer: { type: 'lstm', config: { units: 4 } } } },
      { type: 'dense', config: { units: 1, activation: 'sigmoid' } },
    ];
    const { artifacts, weights } = artifactsOf(specs as never, [T], 4);
    const ids = Float32Array.from({ length: N * T }, (_, i) => (i * 11) % 20);
    const onnx = await runOnnx(layersModelToOnnx(artifacts as never), ids, [N, T]);
    expect(worst(onnx, referencePredict(specs, weights, ids, N, [T]).data)).toBeLessThan(ATOL);
  });

  it('Embedding ids + GRU + Dense softmax (ids as float input, cast to int64 in the graph)', async () => {
    const specs: LayerSpec[] = [
      { type: 'embedding', config: { inputDim: 11, outputDim: 4, inputLength: T } },
      { type: 'gru', config: { units: 5 } },
      { type: 'dense', config: { units: 3, activation: 'softmax' } },
    ];
    const { artifacts, weights } = artifactsOf(specs as never, [T], 2);
    const ids = Float32Array.from({ length: N * T }, (_, i) => (i * 7) % 11);
    const onnx = await runOnnx(layersModelToOnnx(artifacts as never), ids, [N, T]);
    expect(worst(onnx, referencePredict(specs, weights, ids, N, [T]).data)).toBeLessThan(ATOL);
  });
});

describe('toOnnx: what it refuses', () => {
  it('a masked model, naming the layer', () => {
    const { artifacts } = artifactsOf(
      [
        { type: 'masking', config: { inputShape: [T, F] } },
        { type: 'lstm', config: { units: 3 } },
      ],
      [T, F],
      1,
    );
    expect(() => layersModelToOnnx(artifacts as never)).toThrow(ModelFormatError);
    expect(() => layersModelToOnnx(artifacts as never)).toThrow(/layer 'masking.*' \(Masking\): a masked model has no ONNX equivalent here/);
  });

  it('an SRU, alone or in a Bidirectional: ONNX has no such operator', () => {
    for (const sru of [
      { type: 'sru', config: { units: 3, inputShape: [T, F] } },
      { type: 'bidirectional', config: { layer: { type: 'sru', config: { units: 3 } }, inputShape: [T, F] } },
    ]) {
      const { artifacts } = artifactsOf([sru], [T, F], 1);
      expect(() => layersModelToOnnx(artifacts as never)).toThrow(ModelFormatError);
      expect(() => layersModelToOnnx(artifacts as never)).toThrow(/\((SRU|Bidirectional)\): ONNX has no SRU operator/);
    }
  });

  it('a linear recurrent activation, an opset it does not write, and LayerNormalization before opset 17', () => {
    const { artifacts } = artifactsOf([{ type: 'simpleRNN', config: { units: 3, activation: 'linear', inputShape: [T, F] } }], [T, F], 1);
    expect(() => layersModelToOnnx(artifacts as never)).toThrow(/activation 'linear' has no ONNX recurrent activation/);
    const ok = artifactsOf([{ type: 'lstm', config: { units: 3, inputShape: [T, F] } }], [T, F], 1).artifacts;
    expect(() => layersModelToOnnx(ok as never, { opset: 12 })).toThrow(ValueError);
    expect(() => layersModelToOnnx(ok as never, { opset: 12 })).toThrow(/opset must be an integer from 14 to 21; got 12/);
    const normalized = artifactsOf(
      [
        { type: 'lstm', config: { units: 3, returnSequences: true, inputShape: [T, F] } },
        { type: 'layerNormalization', config: {} },
      ],
      [T, F],
      1,
    ).artifacts;
    expect(() => layersModelToOnnx(normalized as never, { opset: 16 })).toThrow(/ONNX has LayerNormalization from opset 17; export with \{ opset: 17 \}/);
  });
});
