/**
 * The RepeatVector, GlobalAveragePooling1D, GlobalMaxPooling1D and TimeDistributed layers without a GPU: shapes,
 * errors, and their Keras configs as TF.js writes them. Their kernels' twins: globalPooling1d.test.ts, repeatVector.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, layers } from '../src/index';
import { layersFromTopology, sequentialTopology } from '../src/model/kerasLayers';
import type { JsonObject } from '../src/io/types';
import type { RepeatVector, TimeDistributed } from '../src/layers/index';

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
