/**
 * A Keras 2 `.h5` file (`model.save('m.h5')`: the architecture as the root's `model_config` attribute, the
 * weights under `model_weights/<layer>/<weight>`) as layers-model artifacts, through jsfive (a pure-JS HDF5
 * reader, loaded on first use). Layer and weight names are Keras's own, so loadLayersModel matches them as it
 * matches the tensorflowjs converter's (`lstm_1/kernel:0`, `bidirectional_1/forward_lstm_1/kernel:0`).
 * The training config is not carried over: compile the loaded model yourself.
 */
import { ModelFormatError, WebRnnError } from '../errors';
import type { ModelArtifacts, NamedWeight } from './types';
import { encodeWeights } from './weights';

/** The first 8 bytes of every HDF5 file. */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

interface H5Group {
  attrs: Record<string, unknown>;
  keys: string[];
  get(path: string): H5Group & { shape?: number[]; dtype?: string; value?: ArrayLike<number> };
}

/** HDF5 fixed-length strings come NUL-padded; attributes may be bytes or strings. */
function text(v: unknown): string {
  const s = typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
  return s.replace(/\0+$/, '');
}

function names(v: unknown): string[] {
  return v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(text);
}

export async function kerasH5Artifacts(bytes: Uint8Array, file: string): Promise<ModelArtifacts> {
  if (!isHdf5(bytes)) throw new ModelFormatError(`${file}: HDF5 check failed: the file does not start with the HDF5 signature; expected a Keras .h5 file`);
  const hdf5 = await import('jsfive');
  try {
    return read(hdf5, bytes, file);
  } catch (e) {
    // jsfive reads lazily: a damaged file fails wherever its bytes are first used, with jsfive's or the engine's error.
    if (e instanceof WebRnnError) throw e;
    throw new ModelFormatError(`${file}: HDF5 check failed: the file is damaged or not one HDF5 layout webrnn reads (${(e as Error)?.message ?? e})`);
  }
}

function read(hdf5: typeof import('jsfive'), bytes: Uint8Array, file: string): ModelArtifacts {
  const root = new hdf5.File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, file) as unknown as H5Group;
  const rawConfig = root.attrs.model_config;
  if (rawConfig === undefined) {
    throw new ModelFormatError(
      `${file}: architecture check failed: no model_config attribute; this is a weights-only file (save_weights). Build the model, then load its weights, or save the whole model with model.save('m.h5')`,
    );
  }
  let config: unknown;
  try {
    config = JSON.parse(text(rawConfig));
  } catch (e) {
    throw new ModelFormatError(`${file}: architecture check failed: model_config is not JSON (${(e as Error).message})`);
  }
  const weightsRoot = root.keys.includes('model_weights') ? root.get('model_weights') : root;
  const weights: NamedWeight[] = [];
  for (const layer of names(weightsRoot.attrs.layer_names)) {
    const group = weightsRoot.get(layer);
    for (const name of names(group?.attrs.weight_names)) {
      let dataset;
      try {
        dataset = group.get(name);
      } catch {
        dataset = undefined;
      }
      if (!dataset?.shape || !dataset.value)
        throw new ModelFormatError(`${file}: weights check failed: layer '${layer}' lists weight '${name}', which the file does not hold`);
      if (dataset.dtype !== '<f4' && dataset.dtype !== '<f8')
        throw new ModelFormatError(`${file}: weights check failed: '${name}' is ${dataset.dtype}; webrnn reads float32 and float64 weights`);
      const data = Float32Array.from(dataset.value);
      const count = dataset.shape.reduce((a, b) => a * b, 1);
      if (data.length !== count)
        throw new ModelFormatError(`${file}: weights check failed: '${name}' holds ${data.length} values for shape [${dataset.shape.join(', ')}]`);
      weights.push({ name, tensor: { data, shape: [...dataset.shape] } });
    }
  }
  return {
    modelTopology: {
      model_config: config,
      keras_version: text(root.attrs.keras_version ?? ''),
      backend: text(root.attrs.backend ?? ''),
    } as ModelArtifacts['modelTopology'],
    format: 'layers-model',
    generatedBy: `keras ${text(root.attrs.keras_version ?? '')} (.h5)`,
    convertedBy: null,
    ...encodeWeights(weights),
  };
}
