/**
 * The wasm backend in headless Chromium: the same model predicts and streams the same numbers on WebAssembly as on
 * WebGPU (from the WebGPU model's weights), masked models included (the GPU's masks are checked against TF.js in
 * test/masking.gpu.test.ts), and a page without WebGPU gets a wasm runtime from createRuntime() whose
 * training call says what to enable.
 */
import { describe, expect, it } from 'vitest';
import { decodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { SEQUENCE } from './support/tolerances';

describe.skipIf(skipGpu)('the wasm backend in the page', () => {
  const page = useHarness();

  it('predict and predictStep equal the WebGPU backend’s on the same model and weights', async () => {
    const r = await page.call('wasmAgainstWebGpu');
    expect(r.backend).toBe('wasm');
    const o = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, decodeFloats(v)]));
    expect(o.gpu!.length).toBe(5 * 4);
    expectClose(o.wasm!, o.gpu!, SEQUENCE, 'predict');
    for (let t = 0; t < 5; t++) expectClose(o[`wasmStep${t}`]!, o[`gpuStep${t}`]!, SEQUENCE, `predictStep ${t}`);
  });

  it('masked models (Embedding maskZero, Bidirectional, Masking, goBackwards), an encoder–decoder, pooled models, SRU and EchoState predict on wasm what WebGPU predicts', async () => {
    const r = await page.call('maskedOnBothBackends');
    const o = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, decodeFloats(v)]));
    expect(o.textGpu!.length).toBe(6 * 8 * 2);
    expectClose(o.textWasm!, o.textGpu!, SEQUENCE, 'text model');
    expectClose(o.featuresWasm!, o.featuresGpu!, SEQUENCE, 'feature model');
    expectClose(o.bidirectionalWasm!, o.bidirectionalGpu!, SEQUENCE, 'a Bidirectional sequence');
    expect(o.bidirectionalWasm!.slice(3 * 8 * 3, 4 * 8 * 3).every((v) => v === 0)).toBe(true); // row 3: all padding
    expect(o.encoderDecoderWasm!.length).toBe(6 * 4 * 3);
    expectClose(o.encoderDecoderWasm!, o.encoderDecoderGpu!, SEQUENCE, 'RepeatVector + TimeDistributed(Dense)');
    expectClose(o.pooledWasm!, o.pooledGpu!, SEQUENCE, 'LayerNormalization + masked GlobalAveragePooling1D');
    expectClose(o.maxPooledWasm!, o.maxPooledGpu!, SEQUENCE, 'GlobalMaxPooling1D');
    expect(o.newCellsWasm!.length).toBe(6 * 8 * 2);
    expectClose(o.newCellsWasm!, o.newCellsGpu!, SEQUENCE, 'SRU and EchoState(includeInput, goBackwards)');
  });

  it('training from the same weights gives the same losses and weights on both backends: masks, masked outputs, Bidirectional, RepeatVector, TimeDistributed, LayerNormalization, pooling', async () => {
    const r = await page.call('trainedOnBothBackends');
    const o = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, decodeFloats(v)]));
    const names = ['text', 'bidirectional', 'encoderDecoder', 'pooled', 'maxPooled', 'features'];
    for (const name of names) {
      expect(o[`${name}LossesWasm`]!.length).toBe(3);
      expectClose(o[`${name}LossesWasm`]!, o[`${name}LossesGpu`]!, SEQUENCE, `${name}: loss of each epoch`);
      expectClose(o[`${name}WeightsWasm`]!, o[`${name}WeightsGpu`]!, SEQUENCE, `${name}: weights after 3 steps`);
      // the steps moved the weights: the losses fell
      expect(o[`${name}LossesWasm`]![2]).toBeLessThan(o[`${name}LossesWasm`]![0]!);
    }
  });

  it('two threads predict what one thread does, every layer kind the wasm backend runs, and see setWeights', async () => {
    const r = await page.call('threadsMatchOneThread');
    expect(r.threads).toEqual([1, 2]);
    const o = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, decodeFloats(v)]));
    const names = ['text', 'bidirectional', 'encoderDecoder', 'pooled', 'maxPooled', 'features', 'newCells', 'afterSetWeights'];
    for (const name of names) {
      expect(o[`${name}Two`]!.length).toBeGreaterThan(0);
      expectClose(o[`${name}Two`]!, o[`${name}One`]!, SEQUENCE, name);
    }
    expect(o.afterSetWeightsOne).not.toEqual(o.textOne); // the new weights changed the outputs
    expect(r.worth).toBe(names.length); // every predict here is worth splitting,
    expect(r.split).toBe(r.worth); // and split its rows,
    // the worker computing its share, unless the page's dropped WebAssembly memories had left it none to allocate
    // (then the calling thread computed it: the same rows, the same outputs)
    expect(r.redone).toBeLessThan(r.split);
    expect(r.unsplit).toBe(0);
  });

  it('two threads train what one thread does: each share’s loss rescaled to the batch’s, under a mask too', async () => {
    const r = await page.call('threadsTrainLikeOneThread');
    const o = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, decodeFloats(v)]));
    for (const name of ['maskedText', 'classifier']) {
      expect(o[`${name}LossTwo`]!.length).toBe(4); // 2 epochs: losses, then the metric
      expectClose(o[`${name}LossTwo`]!, o[`${name}LossOne`]!, SEQUENCE, `${name}: losses and metric`);
      expectClose(o[`${name}WeightsTwo`]!, o[`${name}WeightsOne`]!, SEQUENCE, `${name}: weights after 2 steps`);
      expect(o[`${name}WeightsTwo`]).not.toEqual(o[`${name}WeightsOne`]!.map(() => 0));
    }
    expect(r.worth).toBe(4); // both models' steps are worth splitting,
    expect(r.split).toBe(r.worth); // and each one split,
    expect(r.redone).toBeLessThan(r.split); // the worker computing its share at least once
  });

  it('createRuntime() takes WebAssembly over a CPU-emulated adapter (SwiftShader here) and WebGPU on a hardware one', async () => {
    const r = await page.call('autoChoice');
    expect(r.auto).toBe(r.isFallback ? 'wasm' : 'webgpu');
  });

  it('without navigator.gpu, createRuntime() gives a wasm runtime that predicts and trains; asking for WebGPU says how to enable it', async () => {
    const r = await page.call('withoutWebGpu');
    expect(r.backend).toBe('wasm');
    expect(r.finite).toBe(true);
    expect(r.losses.length).toBe(3);
    expect(r.losses[2]).toBeLessThan(r.losses[0]);
    expect(r.webgpu?.name).toBe('WebGPUUnavailableError');
    expect(r.webgpu?.message).toMatch(/navigator.gpu is undefined.*--enable-unsafe-webgpu/);
  });
});
