/**
 * `layer.apply(x, { initialState, mask })` on the wasm backend: one layer of a model run alone on concrete data, as
 * src/model/applyLayer.ts does on the GPU, through the layer's host runner (src/cpu/model.ts) on the model's
 * weights. A stateful layer runs on (and updates) the states the model keeps for it; otherwise the states start
 * from `initialState` (zeros without) and only the returned ones change.
 */
import { ValueError } from '../errors';
import type { Layer } from '../layers/layer';
import type { ParameterArena } from '../model/arena';
import { samplesOf } from '../model/data';
import { checkStates } from '../model/states';
import { checkMask } from '../ops/recurrentArgs';
import type { Tensor, TensorLike } from '../tensor';
import { layerWeights, runnerFor } from './model';

export interface HostApplyArgs {
  layer: Layer;
  /** The layer's place in the model, which picks its weights. */
  index: number;
  arena: ParameterArena;
  x: TensorLike;
  initialState: TensorLike[] | null;
  /** The model's kept states for a stateful layer (updated in place), and the fixed batch size they have. */
  kept: { states: Float32Array[]; batch: number } | null;
  mask: TensorLike | null;
}

export function applyOnHost({ layer, index, arena, x, initialState, kept, mask }: HostApplyArgs): { output: Tensor; states: Tensor[] } {
  const sample = layer.inputShape;
  const samples = samplesOf(x, 'x', sample, `the input of layer '${layer.name}'`);
  const batch = samples.count;
  const widths = layer.stateSizes();
  // Every check before the kept states change: a refused call leaves them as they were.
  const timesteps = sample.length >= 2 ? sample[0]! : null;
  let m: Float32Array | null = null;
  if (mask !== null) {
    if (timesteps === null) throw new ValueError(`layer '${layer.name}' takes no sequence, so a timestep mask means nothing to it; drop mask`);
    const cols = sample.slice(1).reduce((a, b) => a * b, 1);
    m = checkMask(mask, { batch, timesteps, features: cols, units: 1 })!.data;
  }
  let states: Float32Array[];
  if (kept) {
    if (batch !== kept.batch) throw new ValueError(`layer '${layer.name}' is stateful with a fixed batch size of ${kept.batch}; x holds ${batch} samples`);
    if (initialState) checkStates(layer, initialState, batch).forEach((d, k) => kept.states[k]!.set(d));
    states = kept.states;
  } else {
    // Copies: the run updates its states in place, and the caller's arrays stay theirs.
    states = initialState ? checkStates(layer, initialState, batch).map((d) => d.slice()) : widths.map((w) => new Float32Array(batch * w));
  }
  const run = runnerFor(layer, layerWeights(arena, index));
  const out = run({ data: samples.data, shape: [batch, ...sample], mask: m }, states);
  return { output: { data: out.data, shape: [batch, ...layer.outputShape] }, states: states.map((d, k) => ({ data: d.slice(), shape: [batch, widths[k]!] })) };
}
