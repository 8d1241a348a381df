/**
 * The GPU side of a model for one batch size: the input buffer, every layer bound to its activations, and the
 * plans recorded over them. Built once per (batch size, training or not) and replayed for every batch, so the
 * hot loop creates no pipeline, bind group or buffer.
 */
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import type { Act, Layer, LayerRun } from '../layers/layer';
import type { ParameterArena } from './arena';

export interface BoundModel {
  batch: number;
  /** Where each batch of x is written (time-major for sequences). */
  input: GPUBuffer;
  runs: LayerRun[];
  output: Act;
  forward: Plan;
  destroy(): void;
}

/** Rows of one batch of x as the first layer reads them, and their width. */
export function inputLayout(sampleShape: number[], batch: number): { rows: number; cols: number; timesteps: number | null } {
  if (sampleShape.length >= 2) return { rows: sampleShape[0]! * batch, cols: sampleShape.slice(1).reduce((a, b) => a * b, 1), timesteps: sampleShape[0]! };
  if (sampleShape.length === 1) return { rows: batch, cols: sampleShape[0]!, timesteps: null };
  return { rows: batch, cols: 1, timesteps: null };
}

export interface BindOptions {
  /** Per layer, the buffers of its kept states (stateful layers; see BindContext.states). */
  states?: readonly (GPUBuffer[] | undefined)[];
  /** Bind sequences for this many timesteps instead of the declared ones (streaming inference binds 1). */
  timesteps?: number;
  /** The model's seed, from which each layer's random draws (dropout) get theirs. */
  seed?: number;
  /** The model's random step counters (BindContext.randomCounter), by layer index and stream. */
  randomCounter?: (layer: number, stream: string) => GPUBuffer;
}

export function bindModel(
  rt: Runtime,
  layers: Layer[],
  arena: ParameterArena,
  batch: number,
  training: boolean,
  idsInput: boolean,
  options: BindOptions = {},
): BoundModel {
  const declared = layers[0]!.inputShape;
  const sequence = idsInput || declared.length >= 2;
  const sample = options.timesteps !== undefined && sequence ? [options.timesteps, ...declared.slice(1)] : declared;
  // Token ids [timesteps] are a sequence of width 1, laid out time-major like any sequence.
  const layout = idsInput ? { rows: sample[0]! * batch, cols: 1, timesteps: sample[0]! } : inputLayout(sample, batch);
  const input = rt.createBuffer('model input', layout.rows * layout.cols * 4);
  const runs: LayerRun[] = [];
  let act: Act = { buffer: input, offset: 0, ...layout };
  try {
    layers.forEach((layer, i) => {
      const states = options.states?.[i];
      const run = layer.bind(
        {
          rt,
          batch,
          params: arena.views(arena.params, i),
          grads: training ? arena.views(arena.grads, i) : null,
          needsInputGrad: training && i > 0,
          seed: ((options.seed ?? 0) + Math.imul(i + 1, 0x9e3779b9)) >>> 0,
          ...(options.randomCounter ? { randomCounter: (stream: string) => options.randomCounter!(i, stream) } : {}),
          ...(states ? { states } : {}),
        },
        act,
      );
      runs.push(run);
      act = run.output;
    });
  } catch (e) {
    for (const r of runs) r.destroy();
    rt.destroyBuffer(input);
    throw e;
  }
  const forward = new Plan(rt, `forward, batch ${batch}`);
  for (const run of runs) run.recordForward(forward);
  return {
    batch,
    input,
    runs,
    output: act,
    forward,
    destroy() {
      forward.destroy();
      for (const r of runs) r.destroy();
      rt.destroyBuffer(input);
    },
  };
}
