/**
 * ONNX in and out. Export without a GPU, from layers-model artifacts (model.json and its weights, as webrnn's save,
 * TF.js's model.save or Keras's tensorflowjs converter write them). The converter (./toOnnx.ts, with protobufjs)
 * loads on first use, so an app that never exports does not carry it.
 */
import type { Runtime } from '../../gpu/runtime';
import {
  bidirectional,
  dense,
  embedding,
  globalAveragePooling1d,
  globalMaxPooling1d,
  gru,
  layerNormalization,
  lstm,
  repeatVector,
  simpleRNN,
} from '../../layers/factories';
import type { Layer } from '../../layers/layer';
import { sequential, type Sequential } from '../../model/sequential';
import { readModelBytes, type ModelBytesSource } from '../modelBytes';
import type { ModelArtifacts } from '../types';
import type { ImportedLayer } from './fromOnnx';
import type { OnnxExportOptions } from './toOnnx';

export type { OnnxExportOptions } from './toOnnx';

export async function artifactsToOnnx(artifacts: ModelArtifacts, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  const { layersModelToOnnx } = await import('./toOnnx');
  return layersModelToOnnx(artifacts, options, 'the artifacts');
}

/**
 * A Sequential from an ONNX model (bytes, a File/Blob, or a URL: http(s) with fetch, file:// in Node), for the
 * chain-shaped recurrent graphs torch.onnx.export and toOnnx write (src/io/onnx/fromOnnx.ts says which). The
 * model predicts as loaded; compile it to train it.
 */
export async function loadOnnxModel(rt: Runtime, source: ModelBytesSource): Promise<Sequential> {
  const { bytes, file } = await readModelBytes(source, 'ONNX');
  const { onnxToLayers } = await import('./fromOnnx');
  const imported = onnxToLayers(bytes, file);
  const model = sequential(rt, { name: imported.name });
  try {
    for (const spec of imported.layers) model.add(build(spec));
    model.setWeights(imported.weights);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The layer factories fromOnnx.ts names (named imports: a namespace object would make the bundle carry a helper). */
const FACTORIES = { bidirectional, dense, embedding, globalAveragePooling1d, globalMaxPooling1d, gru, layerNormalization, lstm, repeatVector, simpleRNN };

function build(spec: ImportedLayer): Layer {
  const make = (FACTORIES as Record<string, (config: unknown) => Layer>)[spec.type]!;
  if (spec.type === 'bidirectional') return make({ ...spec.config, layer: build(spec.config.layer as ImportedLayer) });
  return make(spec.config);
}
