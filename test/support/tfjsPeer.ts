/**
 * TF.js itself (@tensorflow/tfjs 4.22 on its CPU backend, in Node) as the peer of the interop tests: models with
 * seeded random weights, saved to memory as `model.save` writes them, and artifacts loaded with
 * `tf.loadLayersModel`. Artifacts cross to the browser page with weightData as base64.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelArtifacts } from '../../src/io/types';
import type { EncodedArtifacts } from '../browser/interopCases';
import { rng, uniform } from './random';

export { tf };

export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
}

/** Replaces every weight with seeded uniform values in [-scale, scale), biases included. */
export function randomizeWeights(model: tf.LayersModel, seed: number, scale = 0.5): void {
  const random = rng(seed);
  model.setWeights(model.getWeights().map((w) => tf.tensor(uniform(random, w.size, scale), w.shape)));
}

export async function saveToMemory(model: tf.LayersModel, includeOptimizer = false): Promise<ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  return saved! as unknown as ModelArtifacts;
}

export function loadFromMemory(artifacts: ModelArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
}

export function encodeArtifacts(a: ModelArtifacts): EncodedArtifacts {
  return { ...a, weightData: Buffer.from(a.weightData).toString('base64') };
}

export function decodeArtifacts(e: EncodedArtifacts): ModelArtifacts {
  const bytes = Buffer.from(e.weightData, 'base64');
  return { ...e, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

export function predict(model: tf.LayersModel, x: Float32Array, shape: number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array);
}

export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}
