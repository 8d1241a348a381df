/**
 * ONNX in the browser. loadOnnxModel: PyTorch's exports (test/fixtures/onnx) load onto WebGPU, predict what PyTorch
 * computed and train. model.toOnnx, end to end: a Bidirectional GRU → LSTM(relu) → Dense model trained two epochs on
 * WebGPU is exported, and ONNX Runtime (onnxruntime-web's WebAssembly build, here in Node) must predict what
 * the GPU model predicted. test/onnxExport.test.ts checks every layer mapping against the float64 reference.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { decodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';

/** The GPU's float32 kernels against ONNX Runtime's, through several layers: the 1e-5. */
const ATOL = 1e-5;

async function runOnnx(base64: string, x: Float32Array, shape: number[]): Promise<Float32Array> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(new Uint8Array(Buffer.from(base64, 'base64')));
  try {
    return (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, shape) }))[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe.skipIf(skipGpu)('loadOnnxModel', () => {
  const page = useHarness();
  const fixtures = new URL('./fixtures/onnx/', import.meta.url);
  const cases = JSON.parse(readFileSync(new URL('cases.json', fixtures), 'utf8')).cases as Record<string, { x: number[]; xShape: number[]; y: number[] }>;

  for (const [name, layers] of [
    ['gru_bidirectional_final', ['Bidirectional', 'Dense']],
    ['stacked_lstm', ['LSTM', 'LSTM', 'Dense']],
  ] as const) {
    it(`loads PyTorch's ${name} export onto the GPU, predicts what PyTorch computed, and trains`, async () => {
      const c = cases[name]!;
      const r = await page.call('onnxImported', readFileSync(new URL(`${name}.onnx`, fixtures)).toString('base64'), c.x, c.xShape);
      expect(r.layers).toEqual(layers);
      const predicted = decodeFloats(r.predicted);
      expect(Math.max(...c.y.map((v, i) => Math.abs(v - predicted[i]!)))).toBeLessThan(ATOL);
      expect(r.loss).toHaveLength(2);
      expect(r.loss.every(Number.isFinite)).toBe(true);
    });
  }
});

describe.skipIf(skipGpu)('loadOnnxModel of a tf2onnx export', () => {
  const page = useHarness();
  it('loads tf2onnx_stacked_lstm onto the GPU and predicts what ONNX Runtime computes from the same file', async () => {
    const bytes = readFileSync(new URL('./fixtures/onnx/tf2onnx_stacked_lstm.onnx', import.meta.url));
    const x = Float32Array.from({ length: 2 * 30 * 17 }, (_, i) => Math.sin(i * 0.37));
    const expected = await runOnnx(bytes.toString('base64'), x, [2, 30, 17]);
    const r = await page.call('onnxImported', bytes.toString('base64'), Array.from(x), [2, 30, 17]);
    expect(r.layers).toEqual(['LSTM', 'LSTM', 'Dense', 'Dense']);
    const predicted = decodeFloats(r.predicted);
    // Both float32, through 2 × 30 LSTM steps, to outputs of a few units: |a − e| ≤ 1e-5 + 1e-5·|e|.
    expected.forEach((e, i) => expect(Math.abs(predicted[i]! - e)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(e)));
  });
});

describe.skipIf(skipGpu)('model.toOnnx', () => {
  const page = useHarness();

  it('exports a model trained on the GPU that ONNX Runtime (wasm in Node, WebGPU build in Chromium) runs to the same predictions, and refuses a masked one', async () => {
    const r = await page.call('onnxOfTrainedModel');
    const x = decodeFloats(r.x);
    const predicted = decodeFloats(r.predicted);
    const out = await runOnnx(r.onnx, x, [8, 7, 3]);
    expect(out.length).toBe(16);
    const worst = Math.max(...Array.from(out, (v, i) => Math.abs(v - predicted[i]!)));
    expect(worst).toBeLessThan(ATOL);
    expect(r.refused?.name).toBe('ModelFormatError');
    expect(r.refused?.message).toMatch(/layer 'embedding.*' \(Embedding\): a masked model has no ONNX equivalent here/);
    // ONNX Runtime Web's WebGPU build in the same Chromium (ops its WebGPU provider lacks run on its CPU provider).
    const web = await page.call('onnxRuntimeWebgpu', r.onnx, Array.from(x), [8, 7, 3]);
    expect(web.failed).toBeNull();
    const onWebgpu = decodeFloats(web.output!);
    expect(Math.max(...Array.from(onWebgpu, (v, i) => Math.abs(v - predicted[i]!)))).toBeLessThan(ATOL);
  });

  it('exports LayerNormalization, TimeDistributed(Dense), Dropout, both global poolings, RepeatVector and an averaged Bidirectional (opset 17)', async () => {
    const r = await page.call('onnxOfLayerZoo');
    const predicted = decodeFloats(r.predicted);
    const out = await runOnnx(r.onnx, decodeFloats(r.x), [4, 5, 3]);
    expect(out.length).toBe(8);
    expect(Math.max(...Array.from(out, (v, i) => Math.abs(v - predicted[i]!)))).toBeLessThan(ATOL);
  });
});
