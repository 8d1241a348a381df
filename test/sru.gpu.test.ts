/**
 * The SRU layer in models on WebGPU, beyond the kernel tests (sruSeq.gpu.test.ts) and the Sequential parity cases
 * (recurrentLayers.gpu.test.ts, statefulStreaming.gpu.test.ts, masking.gpu.test.ts): a saved SRU model loads
 * back under class SRU and predicts the same, and a save with the optimizer continues training as if never saved.
 * (The ONNX export's refusal is in onnxExport.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { InteropLayerSpec } from './browser/interopCases';
import { decodeFloats, encodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';

const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const numbered = (outputs: Record<string, string | Float32Array>, prefix: string) =>
  Object.keys(outputs)
    .filter((k) => new RegExp(`^${prefix}\\d+$`).test(k))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((k) => {
      const v = outputs[k]!;
      return typeof v === 'string' ? decodeFloats(v) : v;
    });

const MODEL: InteropLayerSpec[] = [
  { kind: 'bidirectional', config: { inputShape: [5, 2] }, inner: { kind: 'sru', config: { units: 3, activation: 'tanh', returnSequences: true } } },
  { kind: 'sru', config: { units: 6 } },
  { kind: 'dense', config: { units: 1 } },
];

describe.skipIf(skipGpu)('the SRU layer in models on WebGPU', () => {
  const page = useHarness();
  const random = rng(31);
  const n = 6;
  const x = uniform(random, n * 5 * 2, 1);
  const y = uniform(random, n, 0.5);

  it('saves under class SRU with recurrent_weights, loads back and predicts the same', async () => {
    const { result, artifacts } = await page.call('buildSaveLoad', { layers: MODEL, seed: 3, x: enc(x, [n, 5, 2]) });
    expect(result.validationError).toBeNull();
    expect(decodeFloats(result.outputs.yLoaded as unknown as string)).toEqual(decodeFloats(result.outputs.y as unknown as string));
    const topology = JSON.stringify(artifacts.modelTopology);
    expect(topology).toContain('"class_name":"SRU"');
    // Per layer as TF.js names weights (layer/[inner/]weight): the Bidirectional's two SRUs, the SRU, the Dense.
    expect(artifacts.weightSpecs.map((s) => [s.name.replace(/_\d+/g, ''), s.shape])).toEqual([
      ['bidirectional/forward_sru/kernel', [2, 12]],
      ['bidirectional/forward_sru/recurrent_weights', [2, 3]],
      ['bidirectional/forward_sru/bias', [2, 3]],
      ['bidirectional/backward_sru/kernel', [2, 12]],
      ['bidirectional/backward_sru/recurrent_weights', [2, 3]],
      ['bidirectional/backward_sru/bias', [2, 3]],
      ['sru/kernel', [6, 18]],
      ['sru/recurrent_weights', [2, 6]],
      ['sru/bias', [2, 6]],
      ['dense/kernel', [6, 1]],
      ['dense/bias', [1]],
    ]);
  });

  it('a save with Adam state continues training as if never saved', async () => {
    const compile = { optimizer: { kind: 'adam', learningRate: 0.02 }, loss: 'mse' };
    const { result } = await page.call('continueTraining', { layers: MODEL, seed: 4, x: enc(x, [n, 5, 2]), y: enc(y, [n, 1]), compile, epochs: 2 });
    expect(result.validationError).toBeNull();
    const [saved, a, b] = [numbered(result.outputs, 's'), numbered(result.outputs, 'a'), numbered(result.outputs, 'b')];
    expect(a.length).toBe(11);
    a.forEach((w, i) => {
      expect(Math.max(...w.map((v, j) => Math.abs(v - saved[i]![j]!))), `the step after the save moved weight ${i}`).toBeGreaterThan(1e-5);
      expect(b[i], `weight ${i}`).toEqual(w);
    });
  });
});
