/**
 * TF.js code ported as a TF.js user writes it, without a GPU: what webrnn accepts as TF.js does, and what it refuses
 * with an error that says what to change (README, "Coming from TF.js").
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, layers, loadLayersModel, sequential } from '../src/index';
import { samplesOf } from '../src/model/data';
import { resolveFitArgs } from '../src/model/fitArgs';
import { toTensor } from '../src/tensor';

describe('the runtime argument', () => {
  it('sequential() without a runtime is a ValueError that shows how to make one', () => {
    const call = sequential as unknown as (...a: unknown[]) => unknown;
    expect(() => call()).toThrow(ValueError);
    expect(() => call()).toThrow(/sequential needs a runtime as its first argument: const rt = await createRuntime\(\); sequential\(rt, …\).*got nothing/);
    // TF.js's tf.sequential({ layers }) passes its config first.
    expect(() => call({ layers: [] })).toThrow(/got a plain object$/);
    expect(() => call(null)).toThrow(/got null/);
  });

  it('loadLayersModel(url) without a runtime names the misplaced source', async () => {
    const load = loadLayersModel as unknown as (...a: unknown[]) => Promise<unknown>;
    await expect(load('https://example.com/model.json')).rejects.toThrow(ValueError);
    await expect(load('https://example.com/model.json')).rejects.toThrow(
      /loadLayersModel needs a runtime as its first argument.*got the string "https:\/\/example.com\/model.json" \(the runtime comes first, then the source\)/,
    );
  });
});

describe('tf.Tensor inputs', () => {
  it('are read through shape and dataSync(), copied, in any numeric dtype', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 3, 2]);
    const t = toTensor(x, 'x');
    expect(t.shape).toEqual([1, 3, 2]);
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.data).toBeInstanceOf(Float32Array);
    // What fit, predict and evaluate take their x and y through.
    expect(samplesOf(x, 'x', [3, 2], '[batch, timesteps, features]')).toMatchObject({ count: 1, sampleShape: [3, 2] });
    x.dispose(); // the copy outlives the caller's tensor
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
    const ids = tf.tensor2d([3, 0, 7, 1], [2, 2], 'int32');
    expect([...toTensor(ids, 'x').data]).toEqual([3, 0, 7, 1]);
    ids.dispose();
  });

  it('refuses a string tensor, a tensor-like whose shape and values disagree, and an async-only one, saying why', () => {
    const words = tf.tensor1d(['a', 'b'], 'string');
    expect(() => toTensor(words, 'x')).toThrow(/x: a tensor of numbers was expected; x.dataSync\(\) returned an array of length 2 \(dtype 'string'\)/);
    words.dispose();
    expect(() => toTensor({ shape: [2, 2], dataSync: () => new Float32Array(3) }, 'y')).toThrow(ShapeError);
    const asyncOnly = { shape: [2], data: async () => new Float32Array(2) } as unknown as number[];
    expect(() => toTensor(asyncOnly, 'x')).toThrow(/whose data\(\) is a function: pass \{ data: await x.data\(\), shape: x.shape \}/);
  });
});

describe("fit's TF.js options", () => {
  it("accept TF.js's values for 'off': callbacks null, classWeight null, any yieldEvery", () => {
    const args = resolveFitArgs({ epochs: 2, callbacks: null, classWeight: null, yieldEvery: 'never' }, 32);
    expect(args).toMatchObject({ epochs: 2, callbacks: [], batchSize: 32 });
    for (const yieldEvery of ['auto', 'batch', 'epoch', 'never', 0, 25] as const) expect(() => resolveFitArgs({ yieldEvery }, 32)).not.toThrow();
  });

  it('refuse by name what webrnn would not honour, rather than train differently', () => {
    const fit = resolveFitArgs as (args: unknown, batch: number) => unknown;
    expect(() => fit({ classWeight: { 0: 1, 1: 5 } }, 32)).toThrow(/fit: classWeight is not supported .*got \{"0":1,"1":5\}/);
    expect(() => fit({ yieldEvery: 'sometimes' }, 32)).toThrow(
      /yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds ≥ 0; got "sometimes"/,
    );
    expect(() => fit({ sampleWeights: [1] }, 32)).toThrow(/fit: unknown option 'sampleWeights'/);
  });
});

describe("recurrent layers' dropout options", () => {
  it('accept 0, the value TF.js code often spells out, on every recurrent layer', () => {
    expect(layers.lstm({ units: 4, dropout: 0, recurrentDropout: 0, inputShape: [3, 2] }).units).toBe(4);
    expect(layers.gru({ units: 4, dropout: 0, inputShape: [3, 2] }).units).toBe(4);
    expect(layers.simpleRNN({ units: 4, recurrentDropout: 0, inputShape: [3, 2] }).units).toBe(4);
  });

  it('take an input and a recurrent dropout rate (Keras dropout, recurrent_dropout), each in [0, 1), by name', () => {
    expect(layers.gru({ units: 4, dropout: 0.25 }).dropout).toBe(0.25);
    expect(layers.gru({ units: 4, dropout: 0.25 }).getConfig()).toMatchObject({ dropout: 0.25, recurrent_dropout: 0 });
    expect(layers.simpleRNN({ units: 4, recurrentDropout: 0.5 }).recurrentDropout).toBe(0.5);
    expect(layers.lstm({ units: 4, recurrentDropout: 0.3 }).getConfig()).toMatchObject({ dropout: 0, recurrent_dropout: 0.3 });
    const lstm = layers.lstm as (config: unknown) => unknown;
    expect(() => lstm({ units: 4, dropout: 1, name: 'enc' })).toThrow(/lstm 'enc': dropout must be a number in \[0, 1\); got 1/);
    for (const bad of [1, -0.1, '0.5', Number.NaN]) {
      expect(() => lstm({ units: 4, recurrentDropout: bad, name: 'enc' })).toThrow(/lstm 'enc': recurrentDropout must be a number in \[0, 1\); got /);
    }
  });
});
