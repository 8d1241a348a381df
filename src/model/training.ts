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
  return watchSlot(compiled) + LOSS_WATCH_SLOTS;
}

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
  const rows = acc[1]!;
  const logs: Logs = { [`${prefix}loss`]: acc[0]! / rows };
  // A masked output's metric sums hold real steps only (weight 1, padding 0): Keras divides by their count. An
  // epoch of nothing but padding sums to 0 either way.
  const real = acc[realStepsSlot(compiled)]!;
  const count = real > 0 ? real : rows;
  compiled.metrics.forEach((m, i) => (logs[`${prefix}${m.name}`] = acc[2 + i]! / count));
  return logs;
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
  const regularized: RegularizedSegment[] = arena.segments
    .filter((s) => s.spec.regularizer && ((s.spec.regularizer.l1 ?? 0) > 0 || (s.spec.regularizer.l2 ?? 0) > 0))
    .map((s) => ({ offset: s.offset, length: s.length, l1: s.spec.regularizer!.l1 ?? 0, l2: s.spec.regularizer!.l2 ?? 0 }));
  const regScratch = regularized.length > 0 ? make('regularizer scratch', regularizerScratchLength(regularized)) : null;
  const clipScratch = compiled.clip && compiled.clip.mode !== 'value' ? make('clip scratch', clipScratchLength(arena.total)) : null;

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
  // Keras counts the weight penalties in val_loss and evaluate() too. In the evaluate plan their gradient
  // terms land in the gradient arena, which is scratch there: the next train step overwrites it first.
  const penalties = (plan: Plan, accum: GPUBuffer) => {
    if (regScratch)
      recordRegularizers(plan, { params: arena.params, grads: arena.grads, segments: regularized, accum, slot: 0, scale: out.rows, scratch: regScratch });
  };

  const train = new Plan(rt, `train, batch ${batch}`);
  for (const run of bound.runs) run.recordForward(train, true);
  lossAndMetrics(train, accumulators.train);
  let d: GPUBuffer | null = dPredictions;
  for (let i = bound.runs.length - 1; i >= 0 && d; i--) d = bound.runs[i]!.recordBackward(train, d);
  penalties(train, accumulators.train);
  // After the penalties: the batch's whole loss is in slot 0 now. One tiny dispatch, no readback.
  recordLossWatch(train, { accum: accumulators.train, lossSlot: 0, watchSlot: watchSlot(compiled) });
  if (compiled.clip) {
    recordClip(train, {
      clip: compiled.clip,
      grads: arena.grads,
      length: arena.total,
      segments: arena.segments.map((s) => ({ offset: s.offset, length: s.length })),
      ...(clipScratch ? { scratch: clipScratch } : {}),
    });
  }
  recordOptimizerStep(train, {
    optimizer: compiled.optimizer,
    params: arena.params,
    grads: arena.grads,
    slots: optimizer.slots,
    state: optimizer.state,
    length: arena.total,
  });

  const evaluate = new Plan(rt, `evaluate, batch ${batch}`);
  for (const run of bound.runs) run.recordForward(evaluate);
  lossAndMetrics(evaluate, accumulators.evaluate);
  penalties(evaluate, accumulators.evaluate);

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
