/**
 * Masking without a GPU: the configs of layers.masking and embedding maskZero (bad values are typed errors), how
 * a mask travels through a Sequential when it builds (test/masking.gpu.test.ts runs it), the Keras/TF.js format
 * of Masking and mask_zero both ways. The mask kernels' twins are tested in test/sequenceMask.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, layers } from '../src/index';
import type { Embedding, Masking } from '../src/layers/index';
import { layersFromTopology, sequentialTopology } from '../src/model/kerasLayers';
import type { JsonObject } from '../src/io/types';

describe('masking', () => {
  it('layers.masking and embedding maskZero check their options', () => {
    expect(layers.masking({ inputShape: [5, 2] }).maskValue).toBe(0);
    expect(layers.masking({ maskValue: -1 }).maskValue).toBe(-1);
    expect(() => layers.masking({ maskValue: 'zero' as never })).toThrow(ValueError);
    expect(() => layers.masking({ maskValue: Number.NaN })).toThrow(/maskValue must be a finite number; got null/);
    // Compared in float32, as Keras and TF.js compare: 0.1 is the float32 nearest it, which float32 inputs hold.
    expect(layers.masking({ maskValue: 0.1 }).maskValue).toBe(Math.fround(0.1));
    expect(() => layers.masking({ maskValue: 0, mask_value: 1 } as never)).toThrow(/mask_value/);
    expect(() => layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3, maskZero: 1 as never })).toThrow(/maskZero must be true or false; got 1/);
    expect(layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3, maskZero: true }).maskZero).toBe(true);
  });

  it('a mask travels through the layers that keep time and stops at those that consume it', () => {
    const lstm = layers.lstm({ units: 2 });
    const seq = layers.gru({ units: 2, returnSequences: true });
    expect([lstm.outputMasked(true), seq.outputMasked(true), seq.outputMasked(false)]).toEqual([false, true, false]);
    expect(layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }) }).outputMasked(true)).toBe(true);
    expect(layers.dense({ units: 2 }).outputMasked(true)).toBe(true);
    expect(layers.timeDistributed({ layer: layers.dense({ units: 2 }) }).outputMasked(true)).toBe(true);
    expect(layers.dropout({ rate: 0.5 }).outputMasked(true)).toBe(true);
    expect(layers.layerNormalization({}).outputMasked(true)).toBe(true);
    expect([layers.globalAveragePooling1d().outputMasked(true), layers.globalMaxPooling1d().outputMasked(true)]).toEqual([false, false]);
    expect(layers.masking().outputMasked(false)).toBe(true);
    expect(layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }).outputMasked(false)).toBe(false);
    // RepeatVector never meets a mask in a Sequential (its input is no sequence); told one, it says what to do.
    expect(() => layers.repeatVector({ n: 2 }).outputMasked(true)).toThrow(/cannot take the timestep mask.*consumes the mask/);
  });

  it('Masking and mask_zero in the format TF.js writes, read and written back', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 9, outputDim: 3, maskZero: true, inputLength: 6 }),
        tf.layers.lstm({ units: 3, returnSequences: true }),
        tf.layers.masking({ maskValue: -1 }),
        tf.layers.gru({ units: 2 }),
      ],
    });
    const { layers: read } = layersFromTopology(m.toJSON(null, false) as unknown as JsonObject, 'm.json');
    expect(read.map((l) => l.className)).toEqual(['Embedding', 'LSTM', 'Masking', 'GRU']);
    expect((read[0] as Embedding).maskZero).toBe(true);
    expect((read[2] as Masking).maskValue).toBe(-1);
    read.reduce((shape, layer) => layer.build(shape), [6]);
    const written = sequentialTopology('m', read) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(written.config.layers[0]).toMatchObject({ class_name: 'Embedding', config: { mask_zero: true } });
    expect(written.config.layers[2]).toMatchObject({ class_name: 'Masking', config: { mask_value: -1 } });
    // TF.js reads what webrnn writes.
    const back = tf.models.modelFromJSON({ modelTopology: written as never });
    return back.then((model) => {
      expect(model.layers.map((l) => l.getClassName())).toEqual(['Embedding', 'LSTM', 'Masking', 'GRU']);
      expect((model.layers[0]!.getConfig() as { maskZero: boolean }).maskZero).toBe(true);
      model.dispose();
      m.dispose();
    });
  });

  it('layers.masking takes sequences only', () => {
    expect(() => layers.masking({ inputShape: [4] }).build([4])).toThrow(ShapeError);
    expect(() => layers.masking().build([4])).toThrow(/masking 'masking_\d+' expects input \[batch, timesteps, features\]; got \[batch, 4\]/);
  });
});
