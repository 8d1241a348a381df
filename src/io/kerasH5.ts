/**
 * Keras files as layers-model artifacts, through jsfive (a pure-JS HDF5 reader) and fflate (zip), both loaded
 * on first use:
 *
 * - Keras 2 `.h5` (`model.save('m.h5')`): the architecture as the root's `model_config` attribute, the weights
 *   under `model_weights/<layer>/<weight>` with Keras's own names, which loadLayersModel matches as it matches the
 *   tensorflowjs converter's (`lstm_1/kernel:0`, `bidirectional_1/forward_lstm_1/kernel:0`).
 * - Keras 3 `.keras` (a zip of config.json, metadata.json and model.weights.h5): the weights by position,
 *   `layers/<layer>/[cell/]vars/<i>` (a Bidirectional's under forward_layer and backward_layer), in the order of
 *   the layer's own weights, which is webrnn's: they are named here after the layers the config builds.
 *
 * The training config is not carried over: compile the loaded model yourself.
 */
import { ModelFormatError, WebRnnError } from '../errors';
import { Bidirectional } from '../layers/bidirectional';
import { layersFromTopology } from '../model/kerasLayers';
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

/** A zip archive: the local file header's signature. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export async function kerasArchiveArtifacts(bytes: Uint8Array, file: string): Promise<ModelArtifacts> {
  if (!isZip(bytes)) throw new ModelFormatError(`${file}: archive check failed: a .keras file is a zip archive; this one does not start like one`);
  const [{ unzipSync }, hdf5] = await Promise.all([import('fflate'), import('jsfive')]);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new ModelFormatError(`${file}: archive check failed: the zip cannot be read (${(e as Error)?.message ?? e})`);
  }
  for (const name of ['config.json', 'model.weights.h5']) {
    if (!files[name]) {
      throw new ModelFormatError(
        `${file}: archive check failed: no ${name} in the archive (it holds ${Object.keys(files).join(', ') || 'nothing'}); expected a Keras 3 model.save('m.keras') archive`,
      );
    }
  }
  let config: unknown;
  let metadata: Record<string, unknown> = {};
  try {
    config = JSON.parse(new TextDecoder().decode(files['config.json']));
    if (files['metadata.json']) metadata = JSON.parse(new TextDecoder().decode(files['metadata.json']));
  } catch (e) {
    throw new ModelFormatError(`${file}: architecture check failed: config.json or metadata.json is not JSON (${(e as Error).message})`);
  }
  const version = typeof metadata.keras_version === 'string' ? metadata.keras_version : '';
  const modelTopology = { model_config: config, keras_version: version } as ModelArtifacts['modelTopology'];
  const { layers } = layersFromTopology(modelTopology, file);
  try {
    const weightsFile = files['model.weights.h5']!;
    const root = new hdf5.File(
      weightsFile.buffer.slice(weightsFile.byteOffset, weightsFile.byteOffset + weightsFile.byteLength) as ArrayBuffer,
      `${file} (model.weights.h5)`,
    ) as unknown as H5Group;
    const weights: NamedWeight[] = [];
    let shape = layers[0]?.declaredInputShape ?? [];
    for (const layer of layers) {
      const specs = layer.paramSpecs(shape);
      shape = layer.build(shape);
      if (specs.length === 0) continue;
      const group = child(root, `layers/${layer.name}`);
      const datasets = group
        ? layer instanceof Bidirectional
          ? [...vars(child(group, 'forward_layer')), ...vars(child(group, 'backward_layer'))]
          : vars(group)
        : [];
      if (datasets.length !== specs.length) {
        throw new ModelFormatError(
          `${file}: weights check failed: layer '${layer.name}' (${layer.className}) has ${specs.length} weights; model.weights.h5 holds ${datasets.length} under layers/${layer.name}`,
        );
      }
      specs.forEach((spec, i) => {
        const d = datasets[i]!;
        weights.push({ name: `${layer.name}/${spec.name}`, tensor: { data: Float32Array.from(d.value!), shape: [...d.shape!] } });
      });
    }
    return { modelTopology, format: 'layers-model', generatedBy: `keras ${version} (.keras)`, convertedBy: null, ...encodeWeights(weights) };
  } catch (e) {
    if (e instanceof WebRnnError) throw e;
    throw new ModelFormatError(`${file}: HDF5 check failed: model.weights.h5 is damaged or not one layout webrnn reads (${(e as Error)?.message ?? e})`);
  }
}

function child(group: H5Group | null, path: string): H5Group | null {
  if (!group) return null;
  const [head, ...rest] = path.split('/');
  if (!group.keys.includes(head!)) return null;
  const next = group.get(head!);
  return rest.length ? child(next, rest.join('/')) : next;
}

/** A layer group's variables in order: `vars/0`, `vars/1`, … of the group, or of its `cell` (recurrent layers). */
function vars(group: H5Group | null): (H5Group & { shape?: number[]; value?: ArrayLike<number> })[] {
  if (!group) return [];
  if (group.keys.includes('cell')) return vars(group.get('cell'));
  const v = child(group, 'vars');
  if (!v) return [];
  return v.keys
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => v.get(String(i)));
}
