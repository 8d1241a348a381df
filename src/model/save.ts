/**
 * `model.save(destination, { includeOptimizer })`: a Sequential as TF.js layers-model artifacts (topology from
 * src/model/kerasLayers.ts, weights named `layer/weight` as TF.js names them, and optionally the training config
 * and optimizer state as TF.js writes them: src/model/trainingConfig.ts, src/model/optimizerWeights.ts), handed
 * to saveArtifacts (src/io/artifacts.ts) for the destination and the integrity record.
 */
import { ValueError } from '../errors';
import type { Runtime } from '../gpu/runtime';
import { saveArtifacts } from '../io/artifacts';
import type { ArtifactsSink, JsonObject, ModelArtifacts, NamedWeight, SaveResult } from '../io/types';
import { encodeWeights } from '../io/weights';
import { optimizerStateLength, unpackOptimizerState, type OptimizerSlot } from '../kernels/optimizers';
import type { Layer } from '../layers/layer';
import type { ParameterArena } from './arena';
import { sequentialTopology } from './kerasLayers';
import { optimizerWeightList, slotKinds } from './optimizerWeights';
import { trainingConfigJson } from './trainingConfig';
import { HostOptimizer } from '../cpu/optimizers';
import type { Compiled, OptimizerState } from './training';

export interface SaveOptions {
  /**
   * Also save the training config (loss, metrics, optimizer) and the optimizer state (step count and slots), so
   * a loaded model continues training where this one stopped. Default false, as in TF.js. Needs a compiled model.
   */
  includeOptimizer?: boolean;
}

/** What save and load need of a Sequential's internals (Sequential.persistenceView). */
export interface PersistenceView {
  rt: Runtime;
  name: string;
  layers: readonly Layer[];
  arena: ParameterArena;
  compiled: Compiled | null;
  /** The GPU's optimizer buffers, or a wasm runtime's host state. */
  optimizer: OptimizerState | HostOptimizer | null;
  /** A functional model's topology (src/model/functionalTopology.ts); absent: the layers form a Sequential. */
  topology?: JsonObject;
}

export const GENERATED_BY = 'webrnn 0.1.0';

export async function modelArtifacts(view: PersistenceView, options: SaveOptions = {}): Promise<ModelArtifacts> {
  if (typeof options !== 'object' || options === null) throw new ValueError(`save options must be { includeOptimizer? }; got ${JSON.stringify(options)}`);
  const unknown = Object.keys(options).filter((k) => k !== 'includeOptimizer');
  if (unknown.length > 0) throw new ValueError(`save: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; the option is includeOptimizer`);
  const include = options.includeOptimizer ?? false;
  if (typeof include !== 'boolean') throw new ValueError(`save: includeOptimizer must be true or false; got ${JSON.stringify(include)}`);
  const { arena, compiled, optimizer } = view;
  if (include && (!compiled || !optimizer)) {
    throw new ValueError(
      'save({ includeOptimizer: true }) needs a compiled model: there is no optimizer state to save. Compile it first, or save without includeOptimizer',
    );
  }
  const params = await arena.read();
  const weights: NamedWeight[] = arena.segments.map((seg, i) => ({ name: seg.path, tensor: { data: params[i]!, shape: [...seg.spec.shape] } }));
  const artifacts: Omit<ModelArtifacts, 'weightSpecs' | 'weightData'> = {
    modelTopology: view.topology ?? sequentialTopology(view.name, view.layers),
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
  };
  if (include) {
    const config = compiled!.optimizer;
    const used = [
      ...new Set(
        slotKinds(config)
          .map((k) => k.slot)
          .filter((s): s is OptimizerSlot => s !== null),
      ),
    ];
    const { iterations, learningRate, slots } = await readOptimizer(view, used);
    weights.push(...optimizerWeightList(config, arena.segments, slots, iterations, learningRate));
    artifacts.trainingConfig = trainingConfigJson(compiled!, learningRate);
  }
  return { ...artifacts, ...encodeWeights(weights) };
}

/** The step count, learning rate and each used slot per segment: a wasm runtime's from the host, else one readback. */
async function readOptimizer(
  view: PersistenceView,
  used: OptimizerSlot[],
): Promise<{ iterations: number; learningRate: number; slots: Partial<Record<OptimizerSlot, Float32Array[]>> }> {
  const { optimizer, arena } = view;
  const config = view.compiled!.optimizer;
  const slots: Partial<Record<OptimizerSlot, Float32Array[]>> = {};
  if (optimizer instanceof HostOptimizer) {
    for (const slot of used) slots[slot] = arena.segments.map((seg) => optimizer.slots[slot]!.slice(seg.offset, seg.offset + seg.length));
    return { iterations: optimizer.iterations, learningRate: config.learningRate, slots };
  }
  // One readback: the state (step count, current learning rate) and every slot of every segment.
  const ranges = [
    { ref: optimizer!.state, length: optimizerStateLength() },
    ...used.flatMap((slot) => arena.segments.map((seg) => ({ ref: optimizer!.slots[slot]!, offsetFloats: seg.offset, length: seg.length }))),
  ];
  const [state, ...slotData] = await view.rt.readMany(ranges);
  const fields = unpackOptimizerState(state!);
  // A callback may have changed the rate on the GPU; keep the configured number unless it did.
  const learningRate = Math.fround(config.learningRate) === fields.learning_rate ? config.learningRate : fields.learning_rate;
  used.forEach((slot, k) => (slots[slot] = slotData.slice(k * arena.segments.length, (k + 1) * arena.segments.length)));
  return { iterations: fields.iterations, learningRate, slots };
}

export async function saveModel(view: PersistenceView, destination: string | ArtifactsSink, options: SaveOptions = {}): Promise<SaveResult> {
  return saveArtifacts(destination, await modelArtifacts(view, options));
}
