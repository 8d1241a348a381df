/**
 * The TF.js side of the port benchmark: the two tfjs-examples models as the examples build them in TF.js 4.22
 * (TF.js's own defaults: hardSigmoid gates, no unit forget bias, GRU without reset_after), so the time is
 * that of the code a user ports from.
 */
import * as tf from '@tensorflow/tfjs';

/** lstm-text-generation's createModel and compileModel, with one LSTM layer. */
export function tfjsTextModel(sampleLen: number, charSetSize: number, lstmLayerSize: number, learningRate: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: lstmLayerSize, inputShape: [sampleLen, charSetSize] }));
  model.add(tf.layers.dense({ units: charSetSize, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.rmsprop(learningRate), loss: 'categoricalCrossentropy' });
  return model;
}

/** jena-weather's buildGRUModel, compiled as its buildModel compiles every model. */
export function tfjsWeatherModel(numTimeSteps: number, numFeatures: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.gru({ units: 32, inputShape: [numTimeSteps, numFeatures] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ loss: 'meanAbsoluteError', optimizer: 'rmsprop' });
  return model;
}
