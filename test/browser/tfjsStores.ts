/**
 * A page where TF.js itself saves a model, to IndexedDB and to localStorage, and webrnn loads both by the same
 * URLs (test/tfjsStores.gpu.test.ts). TF.js runs on its CPU backend here; only webrnn uses WebGPU.
 */
import * as tf from '@tensorflow/tfjs';
import { createRuntime, loadLayersModel } from '../../src/index';

async function savedByTfjs(x: number[], shape: number[]) {
  await tf.setBackend('cpu');
  // An LSTM with TF.js's defaults (hard-sigmoid gates, unit forget bias) and nonzero weights of its own choosing.
  const model = tf.sequential({ layers: [tf.layers.lstm({ units: 5, inputShape: [shape[1]!, shape[2]!] }), tf.layers.dense({ units: 2 })] });
  model.setWeights(model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 10 + i)));
  await model.save('indexeddb://tfjs-saved');
  await model.save('localstorage://tfjs-saved');
  const xs = tf.tensor(x, shape);
  const expected = Array.from((model.predict(xs) as tf.Tensor).dataSync());
  const rt = await createRuntime({ backend: 'webgpu' });
  try {
    const out: Record<string, number[]> = { expected };
    for (const url of ['indexeddb://tfjs-saved', 'localstorage://tfjs-saved']) {
      const loaded = await loadLayersModel(rt, url);
      out[url] = Array.from((await loaded.predict(xs)).data);
      loaded.dispose();
    }
    const missing = await loadLayersModel(rt, 'indexeddb://never-saved').then(
      () => null,
      (e: Error) => ({ name: e.name, message: e.message }),
    );
    return { ...out, missing };
  } finally {
    rt.dispose();
  }
}

(window as unknown as { tfjsStores: unknown }).tfjsStores = { savedByTfjs };
