/**
 * ONNX export without a GPU, from layers-model artifacts (model.json and its weights, as webrnn's save,
 * TF.js's model.save or Keras's tensorflowjs converter write them). The converter (./toOnnx.ts, with protobufjs)
 * loads on first use, so an app that never exports does not carry it.
 */
import type { ModelArtifacts } from '../types';
import type { OnnxExportOptions } from './toOnnx';

export type { OnnxExportOptions } from './toOnnx';

export async function artifactsToOnnx(artifacts: ModelArtifacts, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  const { layersModelToOnnx } = await import('./toOnnx');
  return layersModelToOnnx(artifacts, options, 'the artifacts');
}
