/**
 * One layer of a model run alone on concrete data, from given initial states: what Keras's
 * `layer(x, initial_state=[...])` does eagerly, and what `layer.apply` (src/layers/recurrent.ts) calls. The
 * weights are the model's (its arena); the input, the states and the plan live for this call only, except
 * that a stateful layer runs on (and updates) the states the model keeps for it.
 */
import { ValueError } from '../errors';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import type { Layer } from '../layers/layer';
import { swapLeadingAxes, type Tensor, type TensorLike } from '../tensor';
import { checkMask } from '../ops/recurrentArgs';
import type { ParameterArena } from './arena';
import { gatherBatch, samplesOf, scatterBatch } from './data';
import { checkStates } from './states';

export interface ApplyArgs {
  rt: Runtime;
  layer: Layer;
  /** The layer's place in the model, which picks its weights in the arena. */
  index: number;
  arena: ParameterArena;
  x: TensorLike;
  initialState: TensorLike[] | null;
  /** The model's kept states for a stateful layer, and the fixed batch size they have. */
  kept: { buffers: GPUBuffer[]; batch: number } | null;
  /** Keras's timestep mask [batch, timesteps] (0: padding), for a layer that supports masking. */
  mask?: TensorLike | null;
}

export async function applyLayer({ rt, layer, index, arena, x, initialState, kept, mask }: ApplyArgs): Promise<{ output: Tensor; states: Tensor[] }> {
  const sample = layer.inputShape;
  const samples = samplesOf(x, 'x', sample, `the input of layer '${layer.name}'`);
  const batch = samples.count;
  const widths = layer.stateSizes();
  const timesteps = sample.length >= 2 ? sample[0]! : null;
  const cols = sample.slice(timesteps === null ? 0 : 1).reduce((a, b) => a * b, 1);
  // Every check before the kept states change or a buffer is made: a refused call leaves both as they were.
  let m: Tensor | null = null;
  if (mask !== undefined && mask !== null) {
    if (timesteps === null) throw new ValueError(`layer '${layer.name}' takes no sequence, so a timestep mask means nothing to it; drop mask`);
    m = checkMask(mask, { batch, timesteps, features: cols, units: 1 })!;
  }
  const made: GPUBuffer[] = [];
  let states: GPUBuffer[];
  if (kept) {
    if (batch !== kept.batch) {
      throw new ValueError(`layer '${layer.name}' is stateful with a fixed batch size of ${kept.batch}; x holds ${batch} samples`);
    }
    if (initialState) checkStates(layer, initialState, batch).forEach((d, k) => rt.write(kept.buffers[k]!, d));
    states = kept.buffers;
  } else {
    const data = initialState ? checkStates(layer, initialState, batch) : widths.map((w) => new Float32Array(batch * w));
    states = data.map((d, k) => {
      const b = rt.upload(`${layer.name} initial state ${k}`, d);
      made.push(b);
      return b;
    });
  }
  const input = rt.upload(
    `${layer.name} apply input`,
    gatherBatch(
      samples,
      Uint32Array.from({ length: batch }, (_, i) => i),
      timesteps,
    ),
  );
  made.push(input);
  let maskBuffer: GPUBuffer | null = null;
  if (m) {
    // m is only set for a sequence input (checked above), so timesteps is a number here.
    layer.outputMasked(true);
    maskBuffer = rt.upload(`${layer.name} apply mask`, swapLeadingAxes(m.data, batch, timesteps!, 1));
    made.push(maskBuffer);
  }
  const plan = new Plan(rt, `apply '${layer.name}'`);
  let run = null;
  try {
    run = layer.bind(
      { rt, batch, params: arena.views(arena.params, index), grads: null, needsInputGrad: false, ...(widths.length > 0 ? { states } : {}) },
      { buffer: input, offset: 0, rows: (timesteps ?? 1) * batch, cols, timesteps, mask: maskBuffer },
    );
    run.recordForward(plan);
    await plan.prepare();
    plan.run();
    const out = run.output;
    const [raw, ...finals] = await rt.readMany([
      { ref: out.buffer, offsetFloats: out.offset, length: out.rows * out.cols },
      ...states.map((ref, k) => ({ ref, length: batch * widths[k]! })),
    ]);
    const data = new Float32Array(raw!.length);
    scatterBatch(raw!, batch, out.timesteps, data, 0);
    return {
      output: { data, shape: [batch, ...layer.outputShape] },
      states: finals.map((d, k) => ({ data: d, shape: [batch, widths[k]!] })),
    };
  } finally {
    plan.destroy();
    run?.destroy();
    for (const b of made) rt.destroyBuffer(b);
  }
}
