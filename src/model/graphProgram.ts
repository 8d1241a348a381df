/**
 * The GPU side of a functional model for one batch size (./graph.ts gives the nodes in order): one input buffer per
 * model input, every node bound to the activations of the tensors it reads, and the plans recorded over them. As
 * program.ts is for a Sequential, built once per batch size and replayed.
 *
 * Training: forward through every node → a loss per output (into its own accumulator slots, and its weighted share
 * into slot 0, the loss Keras reports) → backward through the nodes in reverse order. A tensor read by several
 * layers (or read by a layer and scored by a loss) gets the sum of their gradients (shaders/merge.wgsl scaled_add);
 * a recurrent layer's initial states get gradients from the layers that produced them (dh0, dc0), and its final
 * states from the layers that read them. Then penalties, the loss watch, clipping and the optimizer, as a
 * Sequential's, in the same one submit per batch.
 */
import { ValueError } from '../errors';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import { recordAccumulate, recordLoss } from '../kernels/losses';
import { recordScaledAdd } from '../kernels/merge';
import { recordMetric } from '../kernels/metrics';
import { recordLossWeights } from '../kernels/sequenceMask';
import type { Act, NodeRun } from '../layers/layer';
import type { ParameterArena } from './arena';
import type { Graph } from './graph';
import { inputLayout, type BindOptions, type BoundModel } from './program';
import type { SymbolicTensor } from './symbolic';
import { weightUpdate, type Compiled, type OptimizerState, type TrainProgram } from './training';

export interface BoundGraph extends BoundModel {
  /** One buffer per model input, in the model's input order. */
  inputs: GPUBuffer[];
  /** One activation per model output. */
  outputs: Act[];
  /** The nodes' runs, in the graph's order. */
  nodeRuns: NodeRun[];
  /** Records the backward pass from one compact gradient per model output. */
  recordBackward(plan: Plan, dOutputs: readonly GPUBuffer[]): void;
}

/** Where one batch of input `i` is laid out: time-major for sequences, token ids as a sequence of width 1. */
export function graphInputLayout(graph: Graph, i: number, batch: number): { rows: number; cols: number; timesteps: number | null } {
  const shape = graph.inputs[i]!.sampleShape;
  return graph.idsInputs[i] ? { rows: shape[0]! * batch, cols: 1, timesteps: shape[0]! } : inputLayout(shape, batch);
}

export function bindGraph(
  rt: Runtime,
  graph: Graph,
  arena: ParameterArena,
  batch: number,
  training: boolean,
  options: Pick<BindOptions, 'seed' | 'randomCounter'> = {},
): BoundGraph {
  const made: GPUBuffer[] = [];
  const runs: NodeRun[] = [];
  const acts = new Map<SymbolicTensor, Act>();
  const destroyAll = () => {
    for (const r of runs) r.destroy();
    for (const b of made) rt.destroyBuffer(b);
  };
  const actOf = (t: SymbolicTensor) => acts.get(t)!;
  const inputs: GPUBuffer[] = [];
  const forward = new Plan(rt, `forward, batch ${batch}`);
  try {
    graph.inputs.forEach((t, i) => {
      const layout = graphInputLayout(graph, i, batch);
      const buffer = rt.createBuffer(`model input '${t.name}'`, layout.rows * layout.cols * 4);
      made.push(buffer);
      acts.set(t, { buffer, offset: 0, ...layout });
      inputs.push(buffer);
    });
    graph.nodes.forEach((node, i) => {
      const run = node.layer.bindNode(
        {
          rt,
          batch,
          params: arena.views(arena.params, i),
          grads: training ? arena.views(arena.grads, i) : null,
          needsInputGrad: training && node.inputs.some((t) => t.node !== null),
          needsStateGrads: training && node.initialState.some((t) => t.node !== null),
          seed: ((options.seed ?? 0) + Math.imul(i + 1, 0x9e3779b9)) >>> 0,
          ...(options.randomCounter ? { randomCounter: (stream: string) => options.randomCounter!(i, stream) } : {}),
        },
        node.inputs.map(actOf),
        node.initialState.map(actOf),
      );
      runs.push(run);
      if (run.outputs.length !== node.outputs.length)
        throw new Error(`layer '${node.layer.name}' bound ${run.outputs.length} outputs for a node of ${node.outputs.length}`);
      run.outputs.forEach((act, k) => acts.set(node.outputs[k]!, act));
    });
    for (const run of runs) run.recordForward(forward);
  } catch (e) {
    forward.destroy();
    destroyAll();
    throw e;
  }
  const outputs = graph.outputs.map(actOf);

  const recordBackward = (plan: Plan, dOutputs: readonly GPUBuffer[]) => {
    const reaching = new Map<SymbolicTensor, GPUBuffer[]>();
    const add = (t: SymbolicTensor, d: GPUBuffer | null) => {
      if (d) reaching.set(t, [...(reaching.get(t) ?? []), d]);
    };
    /** The gradient of t: the one that reaches it, or the sum of several; null when none does. */
    const gradientOf = (t: SymbolicTensor): GPUBuffer | null => {
      const parts = reaching.get(t) ?? [];
      if (parts.length <= 1) return parts[0] ?? null;
      const act = actOf(t);
      const length = act.rows * act.cols;
      const sum = rt.createBuffer(`gradient sum of '${t.name}'`, length * 4);
      made.push(sum);
      plan.copy(parts[0]!, sum, length);
      for (const part of parts.slice(1)) recordScaledAdd(plan, { x: part, y: sum }, length);
      return sum;
    };
    graph.outputs.forEach((t, k) => add(t, dOutputs[k]!));
    for (let i = graph.nodes.length - 1; i >= 0; i--) {
      const node = graph.nodes[i]!;
      const d = runs[i]!.recordBackward(plan, node.outputs.map(gradientOf));
      [...node.inputs, ...node.initialState].forEach((t, j) => t.node !== null && add(t, d[j] ?? null));
    }
  };

  return {
    batch,
    input: inputs[0]!,
    inputs,
    runs: [],
    nodeRuns: runs,
    output: outputs[0]!,
    outputs,
    forward,
    recordBackward,
    destroy() {
      forward.destroy();
      destroyAll();
    },
  };
}

/** A functional model's training program: the graph's, with one targets buffer per output. */
export interface GraphTrainProgram extends TrainProgram {
  bound: BoundGraph;
  /** Per output, where each batch of its targets is written (time-major for sequence outputs). */
  targetsPerOutput: GPUBuffer[];
}

export function buildGraphTrainProgram(
  rt: Runtime,
  graph: Graph,
  arena: ParameterArena,
  optimizer: OptimizerState,
  compiled: Compiled,
  batch: number,
  accumulators: { train: GPUBuffer; evaluate: GPUBuffer },
  bind: Pick<BindOptions, 'seed' | 'randomCounter'>,
): GraphTrainProgram {
  const outputsCompiled = compiled.outputs;
  if (!outputsCompiled) throw new Error('a functional model compiles one loss per output');
  const bound = bindGraph(rt, graph, arena, batch, true, bind);
  const made: GPUBuffer[] = [];
  const make = (label: string, floats: number) => {
    const b = rt.createBuffer(label, Math.max(1, floats) * 4);
    made.push(b);
    return b;
  };
  try {
    const perOutput = bound.outputs.map((out, k) => {
      const spec = outputsCompiled[k]!;
      const sparse = spec.loss.kind === 'sparseCategoricalCrossentropy';
      const mask = out.mask ?? null;
      if (mask && spec.weight !== 1)
        throw new ValueError(`compile: output '${spec.name}' is masked, and a loss weight other than 1 on a masked output is not supported yet`);
      let rowWeights: GPUBuffer | null = null;
      if (mask) rowWeights = make(`loss weights of masked output '${spec.name}'`, out.rows);
      else if (spec.weight !== 1) {
        rowWeights = make(`loss weight of output '${spec.name}'`, out.rows);
        rt.write(rowWeights, new Float32Array(out.rows).fill(spec.weight));
      }
      return {
        out,
        spec,
        mask,
        rowWeights,
        targets: make(`targets of '${spec.name}'`, sparse ? out.rows : out.rows * out.cols),
        dPredictions: make(`dPredictions of '${spec.name}'`, out.rows * out.cols),
        scratch: make(`row scratch of '${spec.name}'`, out.rows),
      };
    });
    const ones = make('one per sample', batch);
    rt.write(ones, new Float32Array(batch).fill(1));
    const update = weightUpdate(arena, optimizer, compiled, make);

    // Per output: its loss (weighted) into its own slots, its share of the reported loss into slot 0 as a mean per
    // sample (a sequence output's rows are timesteps·batch), its metrics; slot 1 counts samples.
    const lossAndMetrics = (plan: Plan, accum: GPUBuffer) => {
      for (const o of perOutput) {
        const { out, spec } = o;
        const predictions = { predictions: out.buffer, predictionsOffset: out.offset, targets: o.targets, rows: out.rows, cols: out.cols };
        if (o.mask) recordLossWeights(plan, { mask: o.mask, weights: o.rowWeights! }, out.rows);
        recordLoss(plan, {
          loss: spec.loss,
          ...predictions,
          rowWeights: o.rowWeights,
          dPredictions: o.dPredictions,
          accum,
          lossSlot: spec.slot,
          scratch: o.scratch,
        });
        recordAccumulate(plan, { values: o.scratch, count: out.rows, accum, slot: 0, scale: batch / out.rows });
        spec.metrics.forEach((m) => recordMetric(plan, { metric: m.config, ...predictions, rowWeights: o.mask, accum, slot: m.slot, scratch: o.scratch }));
        if (o.mask && spec.metrics.length > 0) recordAccumulate(plan, { values: o.mask, count: out.rows, accum, slot: spec.slot + 2 });
      }
      recordAccumulate(plan, { values: ones, count: batch, accum, slot: 1 });
    };

    const train = new Plan(rt, `train, batch ${batch}`);
    for (const run of bound.nodeRuns) run.recordForward(train, true);
    lossAndMetrics(train, accumulators.train);
    bound.recordBackward(
      train,
      perOutput.map((o) => o.dPredictions),
    );
    // Slot 0 is a sum per sample: the penalties count once per sample too.
    update.recordStep(train, accumulators.train, batch);

    const evaluate = new Plan(rt, `evaluate, batch ${batch}`);
    for (const run of bound.nodeRuns) run.recordForward(evaluate);
    lossAndMetrics(evaluate, accumulators.evaluate);
    update.recordPenalties(evaluate, accumulators.evaluate, batch);

    const targetsPerOutput = perOutput.map((o) => o.targets);
    return {
      bound,
      targets: targetsPerOutput[0]!,
      targetsPerOutput,
      train,
      evaluate,
      destroy() {
        train.destroy();
        evaluate.destroy();
        bound.destroy();
        for (const b of made) rt.destroyBuffer(b);
      },
    };
  } catch (e) {
    bound.destroy();
    for (const b of made) rt.destroyBuffer(b);
    throw e;
  }
}
