/**
 * model.toOnnx in the browser, end to end: a Bidirectional GRU → LSTM(relu) → Dense model trained two epochs on
 * WebGPU is exported, and ONNX Runtime (onnxruntime-web's WebAssembly build, here in Node) must predict what
 * the GPU model predicted. test/onnxExport.test.ts checks every layer mapping against the float64 reference.
 */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { decodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';

/** The GPU's float32 kernels against ONNX Runtime's, through several layers. */
const ATOL = 1e-4;

async function runOnnx(base64: string, x: Float32Array, shape: number[]): Promise<Float32Array> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(new Uint8Array(Buffer.from(base64, 'base64')));
  try {
    return (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, shape) }))[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe.skipIf(skipGpu)('model.toOnnx', () => {
  const page = useHarness();

  it('exports a model trained on the GPU that ONNX Runtime runs to the same predictions, and refuses a masked one', async () => {
    const r = await page.call('onnxOfTrainedModel');
    const x = decodeFloats(r.x);
    const predicted = decodeFloats(r.predicted);
    const out = await runOnnx(r.onnx, x, [8, 7, 3]);
    expect(out.length).toBe(16);
    const worst = Math.max(...Array.from(out, (v, i) => Math.abs(v - predicted[i]!)));
    expect(worst).toBeLessThan(ATOL);
    expect(r.refused?.name).toBe('ModelFormatError');
    expect(r.refused?.message).toMatch(/layer 'embedding.*' \(Embedding\): a masked model has no ONNX equivalent here/);
  });

  it('exports LayerNormalization, TimeDistributed(Dense), Dropout, both global poolings, RepeatVector and an averaged Bidirectional (opset 17)', async () => {
    const r = await page.call('onnxOfLayerZoo');
    const predicted = decodeFloats(r.predicted);
    const out = await runOnnx(r.onnx, decodeFloats(r.x), [4, 5, 3]);
    expect(out.length).toBe(8);
    expect(Math.max(...Array.from(out, (v, i) => Math.abs(v - predicted[i]!)))).toBeLessThan(ATOL);
  });
});
