/**
 * Keras files that Keras wrote (test/fixtures/keras: DL4J's Apache-2.0 test resources, and MIT-licensed projects'
 * GRU models, Keras 2.0.6 to 3.9.2, `.h5` and `.keras`) load with loadLayersModel as a picked File and predict,
 * on WebGPU, what Keras or an independent NumPy implementation of its layers computed
 * (scripts/make_keras_expected.py, reading the weights with h5py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFloats } from './support/base64';
import { skipGpu, useHarness } from './support/page';

/** WebGPU float32 against float32 Keras predictions or float64 NumPy. */
const ATOL = 1e-5;

const dir = new URL('./fixtures/keras/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')).cases as Record<
  string,
  { x: number[]; xShape: number[]; y: number[]; yShape: number[]; source: string }
>;
const LAYERS: Record<string, string[]> = {
  'simple_lstm_tf_keras_2_model.h5': ['LSTM', 'Dense'],
  'simple_rnn_tf_keras_2_model.h5': ['SimpleRNN', 'Dense'],
  'rnn_13.h5': ['Bidirectional'],
  'rnn_104.h5': ['SimpleRNN'],
  'masking_zero_lstm.h5': ['Masking', 'LSTM'],
  'trafficflow_gru_keras214.h5': ['GRU', 'GRU', 'Dropout', 'Dense'],
  'trafficflow_gru_keras210.h5': ['GRU', 'GRU', 'Dropout', 'Dense'],
  'emg_gru_keras392.keras': ['GRU', 'GRU', 'Dense'],
};

describe.skipIf(skipGpu)('Keras .h5 and .keras files', () => {
  const page = useHarness();
  it('refuses a file whose weight does not fit the layer its config builds, naming it, and leaves no buffer behind', async () => {
    const r = await page.call('kerasH5Refused', readFileSync(new URL('damaged_wrong_shape.h5', dir)).toString('base64'), 'wrong.h5');
    expect(r.error?.name).toBe('ModelFormatError');
    expect(r.error?.message).toMatch(/^wrong\.h5: weights check failed: "simple_rnn_52\/bias:0" is \[7\] but simple_rnn_52\/bias must be \[6\]/);
    expect(r.after).toBe(r.before);
  });

  for (const [file, c] of Object.entries(expected)) {
    it(`${file} (${LAYERS[file]!.join(' + ')}) predicts ${c.source.startsWith('Keras') ? "Keras's own predictions" : 'what NumPy computed'}`, async () => {
      const r = await page.call('kerasH5', readFileSync(new URL(file, dir)).toString('base64'), file, c.x, c.xShape);
      expect(r.layers).toEqual(LAYERS[file]);
      expect(r.shape).toEqual(c.yShape);
      const predicted = decodeFloats(r.predicted);
      expect(Math.max(...c.y.map((v, i) => Math.abs(v - predicted[i]!)))).toBeLessThan(ATOL);
    });
  }
});
