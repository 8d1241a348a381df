/**
 * ONNX in and out. Export without a GPU, from layers-model artifacts (model.json and its weights, as webrnn's save,
 * TF.js's model.save or Keras's tensorflowjs converter write them). The converter (./toOnnx.ts, with protobufjs)
 * loads on first use, so an app that never exports does not carry it.
 */
import { ValueError } from '../../errors';
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
import { loadFileBytes } from '../fileSystem';
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
export async function loadOnnxModel(rt: Runtime, source: Uint8Array | ArrayBuffer | Blob | string): Promise<Sequential> {
  const [bytes, file] = await readSource(source);
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

async function readSource(source: unknown): Promise<[Uint8Array, string]> {
  if (source instanceof Uint8Array) return [source, 'the ONNX bytes'];
  if (source instanceof ArrayBuffer) return [new Uint8Array(source), 'the ONNX bytes'];
  if (typeof Blob !== 'undefined' && source instanceof Blob) return [new Uint8Array(await source.arrayBuffer()), (source as File).name ?? 'the ONNX file'];
  if (typeof source === 'string') {
    if (source.startsWith('file://')) return [await loadFileBytes(source), source];
    const response = await fetch(source);
    if (!response.ok) throw new ValueError(`loadOnnxModel: fetching ${source} failed with HTTP ${response.status}`);
    return [new Uint8Array(await response.arrayBuffer()), source];
  }
  throw new ValueError(
    `loadOnnxModel expects the model's bytes (Uint8Array, ArrayBuffer), a File/Blob or a URL; got ${source === null ? 'null' : typeof source}`,
  );
}
