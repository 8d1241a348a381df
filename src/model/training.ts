/**
 * The training side of a Sequential model on the GPU. `compile` resolves names to configs; an
 * OptimizerState holds the slots and step counter across fit calls (as Keras keeps its optimizer); a
 * TrainProgram is one batch size's recorded plans:
 *
 *   train:    forward → loss (dP, + loss sum) → metrics → backward through every layer → L1/L2 → clipping
 *             → optimizer update          one submit per batch, nothing read back
 *   evaluate: forward → loss → metrics    (validation and model.evaluate)
 *
 * Losses and metrics add into an accumulator [loss sum, row count, metric sums...] that the host reads once
 * per epoch (or per batch when a callback asks).
 */
import { ValueError } from '../errors';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import { clipScratchLength, clipSpecOf, recordClip, type ClipSpec } from '../kernels/clipping';
import { recordAccumulate, recordLoss, type LossConfig } from '../kernels/losses';
import { recordLossWeights } from '../kernels/sequenceMask';
import { LOSS_WATCH_SLOTS, recordLossWatch } from '../kernels/lossWatch';
import { recordMetric, type MetricConfig } from '../kernels/metrics';
import { optimizerSlotNames, packOptimizerState, recordOptimizerStep, type OptimizerSlot } from '../kernels/optimizers';
import { recordRegularizers, regularizerScratchLength, type RegularizedSegment } from '../kernels/regularizers';
import type { Layer } from '../layers/layer';
import { resolveLoss, resolveMetric, type LossOptions } from '../optim/losses';
import { resolveOptimizer, type GradientClipOptions, type OptimizerConfig } from '../optim/optimizers';
import type { ParameterArena } from './arena';
import type { Logs } from './callbacks';
import { bindModel, type BindOptions, type BoundModel } from './program';

export interface CompileArgs extends GradientClipOptions {
  optimizer: string | OptimizerConfig;
  loss: string | ({ kind: string } & LossOptions);
  metrics?: string[];
}

export interface Compiled {
  optimizer: OptimizerConfig;
  loss: LossConfig;
  /** Names as the user wrote them (the keys of the logs) and their configs. */
  metrics: { name: string; config: MetricConfig }[];
  clip: ClipSpec | null;
  /**
   * A functional model's outputs, each with its own loss, weight and metrics (`metrics` above lists them all, with
   * the names they are logged under). Absent for a Sequential.
   */
  outputs?: OutputLoss[];
}

/** One output of a functional model as compiled: its loss, the weight of that loss, its metrics and its slots. */
export interface OutputLoss {
  name: string;
  loss: LossConfig;
  weight: number;
  /** Its metrics, with their accumulator slots. */
  metrics: { name: string; config: MetricConfig; slot: number }[];
  /** Its accumulator slots: slot the weighted loss sum, slot + 1 its row count, slot + 2 its real steps when masked. */
  slot: number;
}

const COMPILE_KEYS = ['optimizer', 'loss', 'metrics', 'clipNorm', 'globalClipNorm', 'clipValue'];

export function resolveCompile(args: CompileArgs, outputCols: number): Compiled {
  if (typeof args !== 'object' || args === null) throw new ValueError(`compile expects { optimizer, loss, metrics? }; got ${JSON.stringify(args)}`);
  const unknown = Object.keys(args).filter((k) => !COMPILE_KEYS.includes(k));
  if (unknown.length > 0) throw new ValueError(`compile: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${COMPILE_KEYS.join(', ')}`);
  if (args.optimizer === undefined) throw new ValueError("compile needs an optimizer, e.g. compile({ optimizer: 'adam', loss: 'mse' })");
  if (args.loss === undefined) throw new ValueError("compile needs a loss, e.g. compile({ optimizer: 'adam', loss: 'mse' })");
  let optimizer = resolveOptimizer(args.optimizer);
  const compileClip = Object.fromEntries((['clipNorm', 'globalClipNorm', 'clipValue'] as const).filter((k) => args[k] !== undefined).map((k) => [k, args[k]]));
  const optimizerClip = clipSpecOf(optimizer);
  if (Object.keys(compileClip).length > 0) {
    if (optimizerClip)
      throw new ValueError(
        `compile: clipping is set both on the optimizer (${optimizerClip.mode}) and in compile (${Object.keys(compileClip).join(', ')}); set one`,
      );
    // Re-validate through the optimizer factory: it owns the rules (finite, > 0, at most one of the three).
    optimizer = resolveOptimizer({ ...optimizer, ...compileClip });
  }
  const loss = resolveLoss(args.loss);
  if (args.metrics !== undefined && !Array.isArray(args.metrics))
    throw new ValueError(`compile: metrics must be an array of names such as ['mae']; got ${JSON.stringify(args.metrics)}`);
  const metrics = (args.metrics ?? []).map((name) => ({ name, config: resolveMetric(name, loss, outputCols) }));
  const names = new Set<string>();
  for (const m of metrics) {
    if (names.has(m.name)) throw new ValueError(`compile: metric '${m.name}' is listed twice`);
    names.add(m.name);
  }
  return { optimizer, loss, metrics, clip: clipSpecOf(optimizer) };
}

/** Optimizer slots and step counter: created at compile, kept across fit calls, freed by a new compile. */
export class OptimizerState {
  readonly state: GPUBuffer;
  readonly slots: Partial<Record<OptimizerSlot, GPUBuffer>> = {};

  constructor(
    private readonly rt: Runtime,
    arena: ParameterArena,
    readonly config: OptimizerConfig,
  ) {
    this.state = rt.upload('optimizer state', packOptimizerState(config));
    for (const slot of optimizerSlotNames(config)) this.slots[slot] = rt.zeros(`optimizer ${slot}`, arena.total);
  }

  destroy(): void {
    this.rt.destroyBuffer(this.state);
    for (const b of Object.values(this.slots)) this.rt.destroyBuffer(b);
  }
}

export interface TrainProgram {
  bound: BoundModel;
  /** Where each batch of targets is written (time-major for sequence outputs). */
  targets: GPUBuffer;
  train: Plan;
  evaluate: Plan;
  destroy(): void;
}

/**
 * Floats of the accumulator: loss sum, row count, one sum per metric, the count of real steps of a masked output
 * (0 without a mask), then the non-finite-loss watch.
 */
export function accumulatorLength(compiled: Compiled): number {
  return watchSlot(compiled) + LOSS_WATCH_SLOTS + OUTPUT_SLOTS * (compiled.outputs?.length ?? 0);
}

/** Accumulator slots per output of a functional model (OutputLoss.slot). */
const OUTPUT_SLOTS = 3;

/** Where a masked output's real steps are counted: its metrics are means over them (Keras 3's Mean with the mask). */
export function realStepsSlot(compiled: Compiled): number {
  return 2 + compiled.metrics.length;
}

/** Where the non-finite-loss watch (shaders/lossWatch.wgsl) keeps its batch count and first bad batch. */
export function watchSlot(compiled: Compiled): number {
  return realStepsSlot(compiled) + 1;
}

/**
 * TF.js logs Keras's 'accuracy' as 'acc' (and 'val_acc'), and its examples read `history.history.acc`: both names
 * read the same values here. The alias is not enumerable, so printed logs, `Object.keys` and saved histories list
 * each metric once, under the name it was compiled with.
 */
export function addTfjsAliases(record: Record<string, unknown>): void {
  for (const prefix of ['', 'val_']) {
    const from = `${prefix}accuracy`;
    const to = `${prefix}acc`;
    if (from in record && !(to in record)) Object.defineProperty(record, to, { get: () => record[from], enumerable: false, configurable: true });
  }
}

export function logsFromAccumulator(acc: Float32Array, compiled: Compiled, prefix = ''): Logs {
  if (compiled.outputs) return outputLogs(acc, compiled.outputs, prefix);
  const rows = acc[1]!;
  const logs: Logs = { [`${prefix}loss`]: acc[0]! / rows };
  // A masked output's metric sums hold real steps only (weight 1, padding 0): Keras divides by their count. An
  // epoch of nothing but padding sums to 0 either way.
  const real = acc[realStepsSlot(compiled)]!;
  const count = real > 0 ? real : rows;
  compiled.metrics.forEach((m, i) => (logs[`${prefix}${m.name}`] = acc[2 + i]! / count));
  return logs;
}

/**
 * A functional model's logs, as Keras names them: `loss` (the weighted sum over outputs, with the penalties), and
 * with several outputs each one's unweighted `${name}_loss`; its metrics are means over its rows (or real steps).
 */
function outputLogs(acc: Float32Array, outputs: OutputLoss[], prefix: string): Logs {
  const logs: Logs = { [`${prefix}loss`]: acc[0]! / acc[1]! };
  for (const o of outputs) {
    const rows = acc[o.slot + 1]!;
    if (outputs.length > 1) logs[`${prefix}${o.name}_loss`] = acc[o.slot]! / rows / o.weight;
    const real = acc[o.slot + 2]!;
    for (const m of o.metrics) logs[`${prefix}${m.name}`] = acc[m.slot]! / (real > 0 ? real : rows);
  }
  return logs;
}

/** What evaluate returns, as Keras: the loss alone, or [loss, ...each output's loss when several, ...metrics]. */
export function evaluationResult(logs: Logs, compiled: Compiled): number | number[] {
  const outputLosses = compiled.outputs && compiled.outputs.length > 1 ? compiled.outputs.map((o) => logs[`${o.name}_loss`]!) : [];
  const metrics = compiled.metrics.map((m) => logs[m.name]!);
  return outputLosses.length + metrics.length === 0 ? logs.loss! : [logs.loss!, ...outputLosses, ...metrics];
}

/**
 * compile for a functional model: `loss` one for every output, a list (one per output) or an object by output
 * name; `lossWeights` likewise (default 1); `metrics` a list for every output, or an object by output name. With
 * several outputs a metric is logged as `${output}_${metric}`, as Keras does.
 */
export function resolveOutputsCompile(args: CompileArgs & { lossWeights?: unknown }, outputs: { name: string; cols: number }[]): Compiled {
  if (typeof args !== 'object' || args === null) throw new ValueError(`compile expects { optimizer, loss, metrics? }; got ${JSON.stringify(args)}`);
  const perOutput = <T>(value: unknown, what: string, fallback: T | undefined): unknown[] => {
    if (Array.isArray(value) && what !== 'metrics') {
      if (value.length !== outputs.length)
        throw new ValueError(
          `compile: ${what} lists ${value.length} entries for ${outputs.length} outputs (${outputs.map((o) => `'${o.name}'`).join(', ')}); give one per output`,
        );
      return value;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && (what !== 'loss' || !('kind' in value))) {
      const entries = value as Record<string, unknown>;
      const unknown = Object.keys(entries).filter((k) => !outputs.some((o) => o.name === k));
      if (unknown.length > 0)
        throw new ValueError(`compile: ${what} names '${unknown[0]}', which is not an output; outputs are ${outputs.map((o) => `'${o.name}'`).join(', ')}`);
      return outputs.map((o) => entries[o.name] ?? fallback);
    }
    return outputs.map(() => value ?? fallback);
  };
  const { lossWeights, ...rest } = args;
  const losses = perOutput(args.loss, 'loss', undefined);
  const weights = perOutput(lossWeights, 'lossWeights', 1);
  const metricLists = Array.isArray(args.metrics) ? outputs.map(() => args.metrics) : perOutput(args.metrics, 'metrics', []);
  const missing = losses.findIndex((l) => l === undefined);
  if (missing >= 0) throw new ValueError(`compile: no loss for output '${outputs[missing]!.name}'; give loss for every output`);
  const resolved = outputs.map((o, k) => resolveCompile({ ...rest, loss: losses[k] as CompileArgs['loss'], metrics: metricLists[k] as string[] }, o.cols));
  const metrics: Compiled['metrics'] = [];
  resolved.forEach((r, k) => {
    for (const m of r.metrics) metrics.push({ name: outputs.length > 1 ? `${outputs[k]!.name}_${m.name}` : m.name, config: m.config });
  });
  const first = resolved[0]!;
  const base = 2 + metrics.length + 1 + LOSS_WATCH_SLOTS; // watchSlot + LOSS_WATCH_SLOTS, with these metrics
  let at = 2;
  const outputLosses: OutputLoss[] = outputs.map((o, k) => {
    const w = weights[k];
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0)
      throw new ValueError(`compile: the loss weight of output '${o.name}' must be a finite number > 0; got ${JSON.stringify(w)}`);
    const ms = resolved[k]!.metrics.map((m, j) => ({ name: metrics[at - 2 + j]!.name, config: m.config, slot: at + j }));
    at += ms.length;
    return { name: o.name, loss: resolved[k]!.loss, weight: w, metrics: ms, slot: base + OUTPUT_SLOTS * k };
  });
  return { optimizer: first.optimizer, loss: first.loss, metrics, clip: first.clip, outputs: outputLosses };
}

/** What a training program records after its backward pass, and the penalties its evaluate plan counts too. */
export interface WeightUpdate {
  /**
   * The L1/L2 penalties (into slot 0, times `scale`, the rows its loss is a mean over, so slot 0 / rows counts them
   * once), then the loss watch, clipping and the optimizer's update: the end of every training step.
   */
  recordStep(plan: Plan, accum: GPUBuffer, scale: number): void;
  /**
   * The penalties alone: Keras counts them in val_loss and evaluate() too. In an evaluate plan their gradient terms
   * land in the gradient arena, which is scratch there: the next train step overwrites it first.
   */
  recordPenalties(plan: Plan, accum: GPUBuffer, scale: number): void;
}

/** The update of a model's weights from its gradient arena, its scratch buffers made with `make` (Sequential and functional). */
export function weightUpdate(
  arena: ParameterArena,
  optimizer: OptimizerState,
  compiled: Compiled,
  make: (label: string, floats: number) => GPUBuffer,
): WeightUpdate {
  const regularized: RegularizedSegment[] = arena.segments
    .filter((s) => s.spec.regularizer && ((s.spec.regularizer.l1 ?? 0) > 0 || (s.spec.regularizer.l2 ?? 0) > 0))
    .map((s) => ({ offset: s.offset, length: s.length, l1: s.spec.regularizer!.l1 ?? 0, l2: s.spec.regularizer!.l2 ?? 0 }));
  const regScratch = regularized.length > 0 ? make('regularizer scratch', regularizerScratchLength(regularized)) : null;
  const clipScratch = compiled.clip && compiled.clip.mode !== 'value' ? make('clip scratch', clipScratchLength(arena.total)) : null;
  const recordPenalties = (plan: Plan, accum: GPUBuffer, scale: number) => {
    if (regScratch) recordRegularizers(plan, { params: arena.params, grads: arena.grads, segments: regularized, accum, slot: 0, scale, scratch: regScratch });
  };
  return {
    recordPenalties,
    recordStep(plan, accum, scale) {
      recordPenalties(plan, accum, scale);
      // After the penalties: the batch's whole loss is in slot 0 now. One tiny dispatch, no readback.
      recordLossWatch(plan, { accum, lossSlot: 0, watchSlot: watchSlot(compiled) });
      if (compiled.clip) {
        recordClip(plan, {
          clip: compiled.clip,
          grads: arena.grads,
          length: arena.total,
          segments: arena.segments.map((s) => ({ offset: s.offset, length: s.length })),
          ...(clipScratch ? { scratch: clipScratch } : {}),
        });
      }
      recordOptimizerStep(plan, {
        optimizer: compiled.optimizer,
        params: arena.params,
        grads: arena.grads,
        slots: optimizer.slots,
        state: optimizer.state,
        length: arena.total,
      });
    },
  };
}

export function buildTrainProgram(
  rt: Runtime,
  layers: Layer[],
  arena: ParameterArena,
  optimizer: OptimizerState,
  compiled: Compiled,
  batch: number,
  idsInput: boolean,
  accumulators: { train: GPUBuffer; evaluate: GPUBuffer },
  bind: BindOptions = {},
): TrainProgram {
  const bound = bindModel(rt, layers, arena, batch, true, idsInput, bind);
  const out = bound.output;
  const sparse = compiled.loss.kind === 'sparseCategoricalCrossentropy';
  const made: GPUBuffer[] = [];
  const make = (label: string, floats: number) => {
    const b = rt.createBuffer(label, Math.max(1, floats) * 4);
    made.push(b);
    return b;
  };
  const targets = make('targets', sparse ? out.rows : out.rows * out.cols);
  const dPredictions = make('dPredictions', out.rows * out.cols);
  const rowScratch = make('row scratch', out.rows);
  const update = weightUpdate(arena, optimizer, compiled, make);

  // A masked sequence output, as Keras 3: the loss weighs each real step rows/valid and each padded one 0
  // (sequenceMask.wgsl loss_weights: each batch's loss is its mean over real steps); metrics weigh real steps 1
  // and padding 0, and the epoch's real steps are counted, so a metric is its mean over every real step.
  const mask = out.mask ?? null;
  const lossWeights = mask ? make('loss weights of the masked output', out.rows) : null;
  const lossAndMetrics = (plan: Plan, accum: GPUBuffer) => {
    const predictions = { predictions: out.buffer, predictionsOffset: out.offset, targets, rows: out.rows, cols: out.cols };
    if (mask && lossWeights) recordLossWeights(plan, { mask, weights: lossWeights }, out.rows);
    recordLoss(plan, { loss: compiled.loss, ...predictions, rowWeights: lossWeights, dPredictions, accum, lossSlot: 0, scratch: rowScratch });
    compiled.metrics.forEach((m, i) => recordMetric(plan, { metric: m.config, ...predictions, rowWeights: mask, accum, slot: 2 + i, scratch: rowScratch }));
    if (mask && compiled.metrics.length > 0) recordAccumulate(plan, { values: mask, count: out.rows, accum, slot: realStepsSlot(compiled) });
  };

  const train = new Plan(rt, `train, batch ${batch}`);
  for (const run of bound.runs) run.recordForward(train, true);
  lossAndMetrics(train, accumulators.train);
  let d: GPUBuffer | null = dPredictions;
  for (let i = bound.runs.length - 1; i >= 0 && d; i--) d = bound.runs[i]!.recordBackward(train, d);
  update.recordStep(train, accumulators.train, out.rows);

  const evaluate = new Plan(rt, `evaluate, batch ${batch}`);
  for (const run of bound.runs) run.recordForward(evaluate);
  lossAndMetrics(evaluate, accumulators.evaluate);
  update.recordPenalties(evaluate, accumulators.evaluate, out.rows);

  return {
    bound,
    targets,
    train,
    evaluate,
    destroy() {
      train.destroy();
      evaluate.destroy();
      bound.destroy();
      for (const b of made) rt.destroyBuffer(b);
    },
  };
}
