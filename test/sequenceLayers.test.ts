/**
 * RepeatVector, GlobalAveragePooling1D, GlobalMaxPooling1D and TimeDistributed without a GPU: the float64 twins
 * against values worked out by hand (max pooling's ties share the gradient evenly) and against finite
 * differences, the kernels' reflected interfaces, the layers' shapes and errors, and their Keras configs as
 * TF.js writes them.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, layers } from '../src/index';
import { poolKernels } from '../src/kernels/globalPooling1d';
import { repeatGradKernel, repeatKernel } from '../src/kernels/repeatVector';
import { layersFromTopology, sequentialTopology } from '../src/model/kerasLayers';
import { poolBackward, poolForward } from '../src/reference/globalPooling1d';
import { repeatBackward, repeatForward } from '../src/reference/repeatVector';
import type { JsonObject } from '../src/io/types';
import type { RepeatVector, TimeDistributed } from '../src/layers/index';

describe('reference pooling and repeat', () => {
  // T = 3 steps of a block of 2 (batch 1 · 2 features), after one leading float: [9 | 1 5 | 4 5 | 2 -1]
  const x = [9, 1, 5, 4, 5, 2, -1];

  it('average and max over time, from an offset', () => {
    expect([...poolForward('avg', x, 3, 2, 1)]).toEqual([7 / 3, 3]);
    expect([...poolForward('max', x, 3, 2, 1)]).toEqual([4, 5]);
  });

  it('gradients: 1/T to every step; the max takes it all, or shares it evenly among ties', () => {
    expect([...poolBackward('avg', x, [3, 6], 3, 2, 1)]).toEqual([1, 2, 1, 2, 1, 2]);
    // column 0's max (4) is at t = 1; column 1's max (5) ties at t = 0 and t = 1
    expect([...poolBackward('max', x, [3, 6], 3, 2, 1)]).toEqual([0, 3, 3, 3, 0, 0]);
  });

  it('repeat copies the vector n times; its gradient sums the copies', () => {
    expect([...repeatForward([7, 1, 2], 3, 2, 1)]).toEqual([1, 2, 1, 2, 1, 2]);
    expect([...repeatBackward([1, 2, 3, 4, 5, 6], 3, 2)]).toEqual([9, 12]);
  });

  it('average pooling and repeat against finite differences of a weighted sum', () => {
    const w = [0.3, -1.2];
    const f = (v: number[]) => poolForward('avg', v, 3, 2).reduce((s, y, i) => s + y * w[i]!, 0);
    const v = [0.1, 0.5, -0.2, 0.7, 0.4, -0.9];
    const analytic = poolBackward('avg', v, w, 3, 2);
    v.forEach((_, i) => {
      const h = 1e-6;
      const up = [...v];
      up[i]! += h;
      expect(analytic[i]).toBeCloseTo((f(up) - f(v)) / h, 5);
    });
  });
});

describe('kernel interfaces', () => {
  it('pooling reads x (and max_pool_grad the pooled y), repeat reads x or dy', () => {
    expect(poolKernels.avg.forward.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'y']);
    expect(poolKernels.avg.backward.iface.bindings.map((b) => b.name)).toEqual(['params', 'dy', 'dx']);
    expect(poolKernels.max.backward.iface.bindings.map((b) => `${b.name}:${b.kind}`)).toEqual([
      'params:uniform',
      'x:read-only-storage',
      'y:storage',
      'dy:read-only-storage',
      'dx:storage',
    ]);
    expect(repeatKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'y']);
    expect(repeatGradKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'dy', 'dx']);
  });
});

describe('sequence layers', () => {
  it('shapes: pooling drops time, repeat adds it, timeDistributed maps every step', () => {
    expect(layers.globalAveragePooling1d().build([7, 3])).toEqual([3]);
    expect(layers.globalMaxPooling1d({ inputShape: [7, 3] }).build([7, 3])).toEqual([3]);
    expect(layers.repeatVector({ n: 4 }).build([3])).toEqual([4, 3]);
    const td = layers.timeDistributed({ layer: layers.dense({ units: 2 }) });
    expect(td.build([5, 3])).toEqual([5, 2]);
    expect(td.paramSpecs([5, 3]).map((s) => `${s.name} ${JSON.stringify(s.shape)}`)).toEqual(['kernel [3,2]', 'bias [2]']);
  });

  it('name the layer and what it expects', () => {
    expect(() => layers.globalAveragePooling1d({ name: 'p' }).build([3])).toThrow(ShapeError);
    expect(() => layers.globalMaxPooling1d({ name: 'p' }).build([3])).toThrow(
      /globalMaxPooling1d 'p' expects input \[batch, timesteps, features\]; got \[batch, 3\]/,
    );
    expect(() => layers.repeatVector({ n: 2, name: 'r' }).build([4, 3])).toThrow(/repeatVector 'r' expects input \[batch, features\]; got \[batch, 4, 3\]/);
    expect(() => layers.repeatVector({ n: 0 })).toThrow(ValueError);
    expect(() => (layers.repeatVector as (c?: unknown) => unknown)()).toThrow(/repeatVector '\w+': n must be a positive integer; got undefined/);
    expect(() => (layers.timeDistributed as (c?: unknown) => unknown)()).toThrow(/timeDistributed '\w+': layer must be a Dense/);
    expect(() => layers.timeDistributed({ layer: layers.lstm({ units: 2 }) as never, name: 't' })).toThrow(
      /timeDistributed 't': layer must be a Dense \(layers.dense\(\{ units \}\)\), the layer webrnn applies at every timestep; got LSTM/,
    );
    expect(() => layers.globalAveragePooling1d({ keepdims: true } as never)).toThrow(/unknown option 'keepdims'/);
  });

  it('read the configs TF.js writes, and write them back', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 3, inputShape: [4, 2] }),
        tf.layers.repeatVector({ n: 5 }),
        tf.layers.gru({ units: 3, returnSequences: true }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, kernelRegularizer: tf.regularizers.l2({ l2: 0.1 }) }) }),
        tf.layers.globalMaxPooling1d({}),
        tf.layers.repeatVector({ n: 2 }),
        tf.layers.globalAveragePooling1d({}),
      ],
    });
    const topology = m.toJSON(null, false) as unknown as JsonObject;
    const { layers: read } = layersFromTopology(topology, 'm.json');
    expect(read.map((l) => l.className)).toEqual([
      'LSTM',
      'RepeatVector',
      'GRU',
      'TimeDistributed',
      'GlobalMaxPooling1D',
      'RepeatVector',
      'GlobalAveragePooling1D',
    ]);
    expect((read[1] as RepeatVector).n).toBe(5);
    const td = read[3] as TimeDistributed;
    expect([td.layer.units, td.layer.regularizers.kernel]).toEqual([2, { l1: 0, l2: 0.1 }]);
    const written = sequentialTopology('m', read) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(written.config.layers[3]).toMatchObject({
      class_name: 'TimeDistributed',
      config: { layer: { class_name: 'Dense', config: { units: 2, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.1 } } } } },
    });
    expect(written.config.layers[1]).toMatchObject({ class_name: 'RepeatVector', config: { n: 5 } });
    m.dispose();
  });
});
