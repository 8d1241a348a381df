/**
 * `loadLayersModel(rt, source)`: a Sequential from TF.js layers-model artifacts, whether webrnn, TF.js's
 * `model.save` or the Keras converter wrote them. Layers come from the topology (src/model/kerasLayers.ts);
 * weights are matched by name (`layer/weight`, also Keras 2.2+'s `layer/cell/weight`); a training config
 * compiles the model, and saved optimizer state is restored into it, so training continues where it stopped.
 */
import { ModelFormatError, ShapeError, ValueError } from '../errors';
import { checkRuntime, type Runtime } from '../gpu/runtime';
import { loadArtifacts } from '../io/artifacts';
import type { ModelArtifacts, NamedWeight } from '../io/types';
import { readModelBytes } from '../io/modelBytes';
import { isHdf5, isZip, kerasArchiveArtifacts, kerasH5Artifacts } from '../io/kerasH5';
import { decodeWeights } from '../io/weights';
import { packOptimizerState } from '../kernels/optimizers';
import type { Tensor } from '../tensor';
import type { Segment } from './arena';
import { isGraphTopology, layersFromTopology } from './kerasLayers';
import { Functional } from './functional';
import { functionalFromTopology } from './functionalTopology';
import { HostOptimizer } from '../cpu/optimizers';
import { readOptimizerWeights } from './optimizerWeights';
import { sequential, type Sequential } from './sequential';
import { compileArgsFromTrainingConfig } from './trainingConfig';

export interface LoadOptions {
  /** Compile from the saved training config and restore the optimizer state (default true, as TF.js). */
  compile?: boolean;
  /** Every weight in the file must belong to a layer of the model (default true, as TF.js). */
  strict?: boolean;
}

const LOAD_KEYS = ['compile', 'strict'];

function sourceName(source: unknown): string {
  if (typeof source === 'string') return `${source} (model.json)`;
  return Array.isArray(source) ? 'the picked model.json' : 'in-memory artifacts';
}

/** The names a saved weight may match: itself, without TF's ':0', and without a Keras 2.2+ cell scope. */
function aliases(name: string): string[] {
  const plain = name.replace(/:0$/, '');
  const tokens = plain.split('/');
  const out = [plain];
  if (tokens.length >= 3) out.push([...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/'));
  return out;
}

/** The saved weight for each segment (by name and alias), shape-checked; toOnnx reads weights the same way. */
export function matchWeights(segments: readonly Pick<Segment, 'path' | 'spec'>[], weights: readonly NamedWeight[], file: string, strict: boolean): Tensor[] {
  const byName = new Map<string, NamedWeight>();
  for (const w of weights) for (const a of aliases(w.name)) if (!byName.has(a)) byName.set(a, w);
  const used = new Set<NamedWeight>();
  const tensors = segments.map((seg) => {
    const w = byName.get(seg.path);
    if (!w) {
      throw new ModelFormatError(
        `${file}: weights check failed: the model needs "${seg.path}" [${seg.spec.shape.join(', ')}], which the weights manifest does not have; ` +
          `it has ${weights.map((x) => `"${x.name}"`).join(', ') || 'none'}. Layer names in the topology and the weights must agree.`,
      );
    }
    const shape = w.tensor.shape;
    if (shape.length !== seg.spec.shape.length || shape.some((d, i) => d !== seg.spec.shape[i])) {
      throw new ModelFormatError(
        `${file}: weights check failed: "${w.name}" is [${shape.join(', ')}] but ${seg.path} must be [${seg.spec.shape.join(', ')}] for this layer config`,
      );
    }
    used.add(w);
    return w.tensor;
  });
  const extra = weights.filter((w) => !used.has(w));
  if (strict && extra.length > 0) {
    throw new ModelFormatError(
      `${file}: weights check failed: ${extra.map((w) => `"${w.name}"`).join(', ')} belong to no layer of the model; pass { strict: false } to ignore them`,
    );
  }
  return tensors;
}

/** Builds, fills and (when the artifacts carry a training config) compiles a model. Frees it on failure. */
export async function modelFromArtifacts<M extends AnyModel = Sequential>(
  rt: Runtime,
  artifacts: ModelArtifacts,
  file: string,
  options: LoadOptions = {},
): Promise<M> {
  const model = isGraphTopology(artifacts.modelTopology) ? functionalFrom(rt, artifacts, file) : sequentialFrom(rt, artifacts, file);
  try {
    const view = model.persistenceView();
    const all = decodeWeights(artifacts.weightSpecs, artifacts.weightData, file);
    model.setWeights(
      matchWeights(
        view.arena.segments,
        all.filter((w) => w.group !== 'optimizer'),
        file,
        options.strict ?? true,
      ),
    );
    if ((options.compile ?? true) && artifacts.trainingConfig) {
      model.compile(compileArgsFromTrainingConfig(artifacts.trainingConfig, file));
      const saved = all.filter((w) => w.group === 'optimizer');
      if (saved.length > 0) {
        const { compiled, optimizer, arena } = model.persistenceView();
        const config = compiled!.optimizer;
        const { iterations, slots } = readOptimizerWeights(config, arena.segments, saved, config.learningRate, file);
        if (optimizer instanceof HostOptimizer) {
          // A wasm runtime's optimizer lives on the host.
          for (const [slot, values] of Object.entries(slots))
            arena.segments.forEach((seg, i) => optimizer.slots[slot as keyof typeof slots]!.set(values[i]!, seg.offset));
          optimizer.iterations = iterations;
        } else {
          for (const [slot, values] of Object.entries(slots)) {
            arena.segments.forEach((seg, i) => rt.write(optimizer!.slots[slot as keyof typeof slots]!, values[i]!, seg.offset));
          }
          rt.write(optimizer!.state, packOptimizerState(config, iterations));
        }
      }
    }
    return model as M;
  } catch (e) {
    model.dispose();
    // Config checks of the layers and of compile speak of options; say which file they came from.
    if (e instanceof ValueError || e instanceof ShapeError) throw new ModelFormatError(`${file}: ${e.message}`);
    throw e;
  }
}

/** A Sequential or a functional model (whose predict may return a list). */
type AnyModel = Sequential<Tensor | Tensor[]>;

function sequentialFrom(rt: Runtime, artifacts: ModelArtifacts, file: string): AnyModel {
  const { name, layers } = layersFromTopology(artifacts.modelTopology, file);
  const model = sequential(rt, { name });
  try {
    for (const layer of layers) model.add(layer);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** A functional model: its layers made and wired as the topology says (src/model/functionalTopology.ts). */
function functionalFrom(rt: Runtime, artifacts: ModelArtifacts, file: string): AnyModel {
  try {
    return new Functional(rt, functionalFromTopology(artifacts.modelTopology, file));
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) throw new ModelFormatError(`${file}: ${e.message}`);
    throw e;
  }
}

/**
 * Loads a Sequential saved by webrnn, TF.js or the Keras converter: from 'indexeddb://name', 'file://dir' (Node),
 * the two files a user picked (model.json and its weights), or in-memory artifacts.
 */
/** A Keras .h5 or .keras file given as bytes, a File/Blob, one picked file, or a path or URL ending so: its bytes and name; else null. */
async function kerasFile(source: unknown): Promise<{ bytes: Uint8Array; file: string } | null> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return readModelBytes(source, 'Keras');
  const one = Array.isArray(source) && source.length === 1 ? source[0] : source;
  if (typeof Blob !== 'undefined' && one instanceof Blob) {
    const read = await readModelBytes(one, 'Keras');
    return isHdf5(read.bytes) || isZip(read.bytes) || /\.(h5|hdf5|keras)$/i.test(read.file) ? read : null;
  }
  // A path or URL ending in .h5/.keras; other strings are layers-model sources (indexeddb://, model.json, …).
  if (typeof source === 'string' && /\.(h5|hdf5|keras)$/i.test(source) && (/^(https?|file):\/\//i.test(source) || !source.includes('://'))) {
    return readModelBytes(source, 'Keras');
  }
  return null;
}

export async function loadLayersModel<M extends AnyModel = Sequential>(
  rt: Runtime,
  source: string | ModelArtifacts | readonly File[] | Uint8Array | ArrayBuffer | Blob,
  options: LoadOptions = {},
): Promise<M> {
  checkRuntime(rt, 'loadLayersModel');
  if (typeof options !== 'object' || options === null)
    throw new ValueError(`loadLayersModel options must be { compile?, strict? }; got ${JSON.stringify(options)}`);
  const unknown = Object.keys(options).filter((k) => !LOAD_KEYS.includes(k));
  if (unknown.length > 0)
    throw new ValueError(`loadLayersModel: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${LOAD_KEYS.join(', ')}`);
  const keras = await kerasFile(source);
  if (keras) {
    const artifacts = isZip(keras.bytes) ? await kerasArchiveArtifacts(keras.bytes, keras.file) : await kerasH5Artifacts(keras.bytes, keras.file);
    return modelFromArtifacts<M>(rt, artifacts, keras.file, options);
  }
  const artifacts = await loadArtifacts(source as string | ModelArtifacts | readonly File[]);
  return modelFromArtifacts<M>(rt, artifacts, sourceName(source), options);
}
