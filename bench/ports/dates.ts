/**
 * tfjs-examples' date-conversion-attention as the port benchmark trains it, on both sides from the same weights:
 * the example's model (embeddings 64, an LSTM(64) encoder, its last step as both initial states of an LSTM(64)
 * decoder, dot-product attention, two TimeDistributed Dense layers; categorical cross-entropy, Adam) in TF.js 4.22
 * with the example's own GetLastTimestepLayer, and in webrnn with the encoder's final h (returnState), which is the
 * same number. Data: the translate demo's generated dates (demo/translate/dates.ts), the example's lengths.
 */
import * as tf from '@tensorflow/tfjs';
import { input, layers, model, optimizers, type Functional, type Runtime, type SymbolicTensor, type Tensor } from '../../src/index';
import { INPUT_CHARS, OUTPUT_CHARS } from '../../demo/translate/dates';

export const DATES = { embedding: 64, units: 64, batchSize: 128, examplesPerEpoch: 2048, learningRate: 1e-3 };

/** The example's layer names, on both sides, so weights go across by name. */
const NAMES = ['enc_embedding', 'encoder', 'dec_embedding', 'decoder', 'hidden', 'next_char'] as const;

/** The example's custom layer: the last timestep of a sequence [batch, T, d] → [batch, d]. */
class GetLastTimestepLayer extends tf.layers.Layer {
  static get className(): string {
    return 'GetLastTimestepLayer';
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    return [s[0]!, s[s.length - 1]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const n = x.shape[1]!;
    return x.slice([0, n - 1, 0], [-1, 1, -1]).reshape([x.shape[0]!, x.shape[2]!]);
  }
}
tf.serialization.registerClass(GetLastTimestepLayer);

export function tfjsDateModel(inputLength: number, outputLength: number): tf.LayersModel {
  const encIn = tf.input({ shape: [inputLength] });
  const decIn = tf.input({ shape: [outputLength] });
  const embedded = tf.layers.embedding({ inputDim: INPUT_CHARS.length, outputDim: DATES.embedding, inputLength, name: NAMES[0] }).apply(encIn);
  const encoder = tf.layers
    .lstm({ units: DATES.units, returnSequences: true, recurrentActivation: 'sigmoid', name: NAMES[1] })
    .apply(embedded) as tf.SymbolicTensor;
  const last = new GetLastTimestepLayer({ name: 'encoderLast' }).apply(encoder) as tf.SymbolicTensor;
  const decEmbedded = tf.layers
    .embedding({ inputDim: OUTPUT_CHARS.length, outputDim: DATES.embedding, inputLength: outputLength, name: NAMES[2] })
    .apply(decIn);
  const decoder = tf.layers
    .lstm({ units: DATES.units, returnSequences: true, recurrentActivation: 'sigmoid', name: NAMES[3] })
    .apply(decEmbedded, { initialState: [last, last] }) as tf.SymbolicTensor;
  const weights = tf.layers.activation({ activation: 'softmax' }).apply(tf.layers.dot({ axes: [2, 2] }).apply([decoder, encoder])) as tf.SymbolicTensor;
  const context = tf.layers.dot({ axes: [2, 1] }).apply([weights, encoder]) as tf.SymbolicTensor;
  const combined = tf.layers.concatenate().apply([context, decoder]);
  const hidden = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: DATES.units, activation: 'tanh' }), name: NAMES[4] }).apply(combined);
  const output = tf.layers
    .timeDistributed({ layer: tf.layers.dense({ units: OUTPUT_CHARS.length, activation: 'softmax' }), name: NAMES[5] })
    .apply(hidden) as tf.SymbolicTensor;
  const m = tf.model({ inputs: [encIn, decIn], outputs: output });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.adam(DATES.learningRate) });
  return m;
}

export function webrnnDateModel(rt: Runtime, inputLength: number, outputLength: number): Functional {
  const S = (t: unknown) => t as SymbolicTensor;
  const encIn = input({ shape: [inputLength], dtype: 'int32' });
  const decIn = input({ shape: [outputLength], dtype: 'int32' });
  const embedded = S(layers.embedding({ inputDim: INPUT_CHARS.length, outputDim: DATES.embedding, name: NAMES[0] }).apply(encIn));
  const [encoder, h] = layers.lstm({ units: DATES.units, returnSequences: true, returnState: true, name: NAMES[1] }).apply(embedded) as SymbolicTensor[];
  const decEmbedded = S(layers.embedding({ inputDim: OUTPUT_CHARS.length, outputDim: DATES.embedding, name: NAMES[2] }).apply(decIn));
  const decoder = S(layers.lstm({ units: DATES.units, returnSequences: true, name: NAMES[3] }).apply(decEmbedded, { initialState: [h!, h!] }));
  const weights = S(layers.activation({ activation: 'softmax' }).apply(S(layers.dot({ axes: [2, 2] }).apply([decoder, encoder!]))));
  const context = S(layers.dot({ axes: [2, 1] }).apply([weights, encoder!]));
  const combined = S(layers.concatenate().apply([context, decoder]));
  const hidden = S(layers.timeDistributed({ layer: layers.dense({ units: DATES.units, activation: 'tanh' }), name: NAMES[4] }).apply(combined));
  const output = S(layers.timeDistributed({ layer: layers.dense({ units: OUTPUT_CHARS.length, activation: 'softmax' }), name: NAMES[5] }).apply(hidden));
  const m = model(rt, { inputs: [encIn, decIn], outputs: output });
  m.compile({ optimizer: optimizers.adam({ learningRate: DATES.learningRate }), loss: 'categoricalCrossentropy' });
  return m;
}

/** TF.js's weights into webrnn's model, layer by layer by name (both list a layer's weights in Keras order). */
export function copyWeights(from: tf.LayersModel, to: Functional): void {
  for (const name of NAMES) {
    const weights = from.getLayer(name).getWeights();
    to.layers.find((l) => l.name === name)!.setWeights(weights.map((w): Tensor => ({ data: w.dataSync() as Float32Array, shape: w.shape })));
  }
}
