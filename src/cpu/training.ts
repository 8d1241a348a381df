/**
 * Training a Sequential model on the wasm backend: fit's batch step and evaluate's, on the host, the counterpart
 * of src/model/training.ts's GPU programs with the same accumulator (loss sum, rows, metric sums, the non-finite
 * watch), so fit's loop, logs, callbacks and NonFiniteLossError work alike on both backends.
 *
 *   train:    forward (keeping what backward needs) → loss, dP → metrics → backward through every layer
 *             (WebAssembly BPTT, src/cpu/{lstm,gru,simpleRnn,dense}.ts) → L1/L2 → clipping → optimizer
 *             (./optimizers.ts) → the layers lay the new weights out
 *   evaluate: forward → loss → metrics → penalties
 *
 * Which layers train here: TRAINABLE_ON_WASM, checked before the first batch (checkWasmTraining). The optimizer's
 * slots and step count are the model's HostOptimizer (./optimizers.ts), made at compile and kept across fit calls.
 */
import { WebGPUUnavailableError } from '../errors';
import type { RegularizedSegment } from '../kernels/regularizers';
import { Bidirectional } from '../layers/bidirectional';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { EchoState } from '../layers/echoState';
import { Embedding } from '../layers/embedding';
import { GRU } from '../layers/gru';
import type { Layer } from '../layers/layer';
import { LSTM } from '../layers/lstm';
import { LayerNormalization } from '../layers/layerNormalization';
import { GlobalAveragePooling1D, GlobalMaxPooling1D } from '../layers/pooling';
import { Masking } from '../layers/masking';
import { RepeatVector } from '../layers/repeatVector';
import { SimpleRNN } from '../layers/simpleRnn';
import { SRU } from '../layers/sru';
import { TimeDistributed } from '../layers/timeDistributed';
import { seededRandom } from '../layers/initializers';
import type { ParameterArena, Segment } from '../model/arena';
import { realStepsSlot, watchSlot, type Compiled } from '../model/training';
import type { Tensor } from '../tensor';
import { WasmDense } from './dense';
import { lossRows, metricSum } from './losses';
import type { WasmGru } from './gru';
import type { WasmLstm } from './lstm';
import { cellFor, flipTime, layerNorm, layerWeights, mergeDirections, pool, recurrentOutput, runnerFor, type Act, type Weights } from './model';
import { addPenalties, clipGradients, optimizerStep, type HostOptimizer } from './optimizers';
import type { WasmSimpleRnn } from './simpleRnn';
import { WasmSru } from './sru';
import type { HostStates } from './states';

/** The layer classes fit trains on the wasm backend, as error messages name them. */
export const TRAINABLE_ON_WASM =
  'LSTM, GRU, SimpleRNN, SRU, Bidirectional (around those), Dense, TimeDistributed(Dense), Embedding, Masking, RepeatVector, global pooling, LayerNormalization and Dropout layers, and an EchoState reservoir (fixed) with no trainable layer below it';

/**
 * Throws a WebGPUUnavailableError naming the first layer fit cannot train on the wasm backend yet, before anything
 * runs or changes.
 */
export function checkWasmTraining(layers: readonly Layer[], segments: readonly Segment[], what: string): void {
  for (const [i, layer] of layers.entries()) {
    // A reservoir is not trained; what is below it would be, through BPTT with its leak, not built here yet.
    const trained = segments.find((s) => s.layer < i && s.spec.trainable !== false);
    const below = trained ? layers[trained.layer] : undefined;
    const why = layer instanceof EchoState && below ? `after a layer with trainable weights ('${below.name}') does not train` : untrainable(layer);
    if (why) {
      throw new WebGPUUnavailableError(
        `${what}: layer '${layer.name}' (${layer.className}) ${why} on the wasm backend yet, which trains ${TRAINABLE_ON_WASM} ` +
          `(and predicts with every layer); train this model on a runtime from createRuntime({ backend: 'webgpu' })`,
      );
    }
  }
}

function untrainable(layer: Layer): string | null {
  if (layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN || layer instanceof SRU || layer instanceof EchoState) return null;
  if (layer instanceof TimeDistributed) return layer.layer instanceof Dense ? null : 'does not train';
  if (layer instanceof Bidirectional) {
    const inner = layer.forwardLayer;
    const cell = inner instanceof LSTM || inner instanceof GRU || inner instanceof SimpleRNN || inner instanceof SRU;
    return cell && !untrainable(inner) ? null : `around ${inner.className} does not train`;
  }
  const plain = [Dense, Dropout, Embedding, Masking, RepeatVector, GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization];
  return plain.some((kind) => layer instanceof kind) ? null : 'does not train';
}

/** A layer's forward pass in training; `backward` takes the gradient of its output and returns its input's (null: ids). */
interface TrainStep {
  out: Act;
  backward(dOut: Float32Array): Float32Array | null;
}

/** One layer on the host: its forward pass (training or not) and how it takes new weights after an update. */
interface TrainRunner {
  forward(x: Act, kept: Float32Array[], training: boolean): TrainStep;
  layOut(w: Weights): void;
}

/** What the trainer reads and writes of a model's parameters: its ParameterArena, or a wasm thread's copy. */
export type TrainerParameters = Pick<ParameterArena, 'host' | 'segments' | 'total' | 'version' | 'layerVersion' | 'touch'>;

/** The rows a batch's loss was a mean over, and its real steps (as many as rows without a mask): see gradients. */
export interface LossRows {
  rows: number;
  valid: number;
}

/**
 * Whether a training step of these layers draws random numbers (dropout of any kind): such a step runs on one
 * thread, where the draws meet the rows in order.
 */
export function drawsInTraining(layers: readonly Layer[]): boolean {
  const draws = (layer: Layer): boolean => {
    if (layer instanceof Dropout) return layer.rate > 0;
    if (layer instanceof Bidirectional) return draws(layer.forwardLayer) || draws(layer.backwardLayer);
    const cell = layer as { dropout?: number; recurrentDropout?: number };
    return (cell.dropout ?? 0) > 0 || (cell.recurrentDropout ?? 0) > 0;
  };
  return layers.some(draws);
}

export class CpuTrainer {
  /** The gradients of the last batch (or share of one), by the arena's layout. */
  readonly grads: Float32Array;
  private readonly regularized: RegularizedSegment[];
  /** The layers whose parameters the optimizer step changes. */
  private readonly trained: Set<number>;
  private readonly runners: TrainRunner[];
  private laidOut: number;
  private readonly random: () => number;

  constructor(
    private readonly layers: readonly Layer[],
    private readonly arena: TrainerParameters,
    private readonly compiled: Compiled,
    private readonly kept: HostStates | null,
    /** The slots and step count, the model's from compile on (save and load read and write them); null in a thread. */
    private readonly optimizer: HostOptimizer | null,
    seed: number,
  ) {
    this.grads = new Float32Array(arena.total);
    this.regularized = arena.segments
      .filter((s) => s.spec.regularizer && ((s.spec.regularizer.l1 ?? 0) > 0 || (s.spec.regularizer.l2 ?? 0) > 0))
      .map((s) => ({ offset: s.offset, length: s.length, l1: s.spec.regularizer!.l1 ?? 0, l2: s.spec.regularizer!.l2 ?? 0 }));
    this.trained = new Set(arena.segments.filter((s) => s.spec.trainable !== false).map((s) => s.layer));
    this.random = seededRandom(seed);
    this.runners = layers.map((layer, i) => trainRunnerFor(layer, layerWeights(arena, i), this.gradsOf(i), this.random));
    this.laidOut = arena.version;
  }

  /**
   * One training step on a batch: x [n, ...inputShape] and y (the output's shape, or class ids), both batch-major.
   * Adds the batch's loss, rows and metrics into `acc`; then updates the parameters.
   */
  trainBatch(x: Float32Array, y: Float32Array, n: number, inputShape: number[], acc: Float32Array): void {
    this.update(acc, this.gradients(x, y, n, inputShape, acc).rows);
  }

  /**
   * The first half of a training step: forward, loss and metrics (added into `acc`), backward into `grads`. The loss
   * is a mean over the rows given (over their real steps under a mask), which a batch split between threads
   * (./threads.ts) rescales to the whole batch's: the returned counts say by what.
   */
  gradients(x: Float32Array, y: Float32Array, n: number, inputShape: number[], acc: Float32Array): LossRows {
    this.refresh();
    const steps: TrainStep[] = [];
    let act: Act = { data: x, shape: [n, ...inputShape], mask: null };
    this.runners.forEach((r, i) => {
      const step = r.forward(act, this.kept?.states[i] ?? [], true);
      steps.push(step);
      act = step.out;
    });
    const dP = this.lossAndMetrics(act, y, acc);
    this.grads.fill(0);
    let d: Float32Array | null = dP;
    for (let i = steps.length - 1; i >= 0 && d; i--) d = steps[i]!.backward(d);
    const rows = dP.length / act.shape.at(-1)!;
    return { rows, valid: act.mask ? act.mask.reduce((a, m) => a + (m !== 0 ? 1 : 0), 0) : rows };
  }

  /**
   * The second half, once `grads` holds the whole batch's gradients (of `rows` output rows): L1/L2 penalties into
   * the loss and the gradients, the non-finite watch, clipping, the optimizer step.
   */
  update(acc: Float32Array, rows: number): void {
    const params = this.arena.host!;
    const optimizer = this.optimizer!;
    acc[0]! += addPenalties(params, this.grads, this.regularized) * rows;
    this.watch(acc);
    if (this.compiled.clip) clipGradients(this.grads, this.compiled.clip, this.arena.segments);
    optimizer.iterations++;
    optimizerStep(this.compiled.optimizer, params, this.grads, optimizer.slots, optimizer.iterations);
    this.arena.touch(this.trained);
  }

  /** The loss and metrics of a batch without training (validation and evaluate), added into `acc`. */
  evaluateBatch(x: Float32Array, y: Float32Array, n: number, inputShape: number[], acc: Float32Array): void {
    this.refresh();
    let act: Act = { data: x, shape: [n, ...inputShape], mask: null };
    this.runners.forEach((r, i) => (act = r.forward(act, this.kept?.states[i] ?? [], false).out));
    const rows = this.lossAndMetrics(act, y, acc).length / act.shape.at(-1)!;
    acc[0]! += addPenalties(this.arena.host!, new Float32Array(this.arena.total), this.regularized) * rows;
  }

  /**
   * Loss and metrics of the output against y into acc; returns dP. A masked sequence output, as Keras 3 and the GPU
   * path: the loss weighs each real step rows/valid and each padded one 0, metrics weigh real steps 1, and the
   * epoch's real steps are counted (metrics are means over them).
   */
  private lossAndMetrics(out: Act, y: Float32Array, acc: Float32Array): Float32Array {
    const cols = out.shape.at(-1)!;
    const rows = out.data.length / cols;
    const mask = out.mask;
    let weights: Float32Array | null = null;
    if (mask) {
      const valid = mask.reduce((a, m) => a + (m !== 0 ? 1 : 0), 0);
      weights = mask.map((m) => (m !== 0 && valid > 0 ? rows / valid : 0));
    }
    const dP = new Float32Array(out.data.length);
    acc[0]! += lossRows(this.compiled.loss, out.data, y, rows, cols, dP, weights);
    acc[1]! += rows;
    this.compiled.metrics.forEach((m, i) => (acc[2 + i]! += metricSum(m.config, out.data, y, rows, cols, mask)));
    if (mask && this.compiled.metrics.length > 0) acc[realStepsSlot(this.compiled)]! += mask.reduce((a, m) => a + m, 0);
    return dP;
  }

  /** shaders/lossWatch.wgsl's count: batches so far, and the first whose running loss sum was not finite. */
  private watch(acc: Float32Array): void {
    const slot = watchSlot(this.compiled);
    acc[slot]! += 1;
    if (acc[slot + 1] === 0 && !Number.isFinite(acc[0]!)) acc[slot + 1] = acc[slot]!;
  }

  /** Lays the weights out again when they changed since (an update, setWeights, a load). */
  private refresh(): void {
    if (this.laidOut === this.arena.version) return;
    this.runners.forEach((r, i) => r.layOut(layerWeights(this.arena, i)));
    this.laidOut = this.arena.version;
  }

  /** Where layer i's weight gradients go, by Keras name: views of the gradient arena. */
  private gradsOf(index: number): (name: string) => Float32Array | null {
    return (name) => {
      const seg = this.arena.segments.find((s) => s.layer === index && s.spec.name === name);
      return seg ? this.grads.subarray(seg.offset, seg.offset + seg.length) : null;
    };
  }
}

type GradsOf = (name: string) => Float32Array | null;

function trainRunnerFor(layer: Layer, w: Weights, grad: GradsOf, random: () => number): TrainRunner {
  if (layer instanceof Dense || layer instanceof TimeDistributed) {
    const dense = layer instanceof Dense ? layer : (layer.layer as Dense);
    const run = new WasmDense(w.kernel!.shape[0]!, dense.units, w.kernel!.data, w.bias?.data ?? null, dense.activation);
    return {
      layOut: (nw) => run.layOut(nw.kernel!.data, nw.bias?.data ?? null),
      forward(x) {
        const y = run.forward(x.data, x.data.length / x.shape.at(-1)!);
        return {
          out: { data: y, shape: [...x.shape.slice(0, -1), dense.units], mask: x.mask },
          backward(dOut) {
            const g = run.backward(dOut, y);
            grad('kernel')!.set(g.dKernel);
            grad('bias')?.set(g.dBias);
            return g.dX;
          },
        };
      },
    };
  }
  if (layer instanceof Embedding) {
    let table = w.embeddings!.data;
    const width = layer.outputDim;
    return {
      layOut: (nw) => (table = nw.embeddings!.data),
      forward(x) {
        const out = new Float32Array(x.data.length * width);
        x.data.forEach((id, k) => out.set(table.subarray(id * width, (id + 1) * width), k * width));
        const mask = layer.maskZero ? x.data.map((id) => (id === 0 ? 0 : 1)) : null;
        return {
          out: { data: out, shape: [...x.shape, width], mask },
          backward(dOut) {
            // Each looked-up row's gradient adds into its id's row: ids repeat.
            const g = grad('embeddings')!;
            x.data.forEach((id, k) => {
              for (let j = 0; j < width; j++) g[id * width + j]! += dOut[k * width + j]!;
            });
            return null;
          },
        };
      },
    };
  }
  if (layer instanceof Masking) {
    const isReal = layer.realStepTest();
    return {
      layOut: () => {},
      forward(x) {
        const width = x.shape[2]!;
        const mask = new Float32Array(x.data.length / width);
        const data = x.data.slice();
        mask.forEach((_, r) => {
          mask[r] = isReal(x.data, r * width, width) ? 1 : 0;
          if (!mask[r]) data.fill(0, r * width, (r + 1) * width);
        });
        // A padded step's output is a constant zero: no gradient reaches its input.
        return { out: { data, shape: x.shape, mask }, backward: (dOut) => dOut.map((v, i) => (mask[Math.floor(i / width)] ? v : 0)) };
      },
    };
  }
  if (layer instanceof RepeatVector) {
    return {
      layOut: () => {},
      forward(x) {
        const [B, C] = x.shape as [number, number];
        const n = layer.n;
        const out = new Float32Array(B * n * C);
        for (let b = 0; b < B; b++) for (let t = 0; t < n; t++) out.set(x.data.subarray(b * C, (b + 1) * C), (b * n + t) * C);
        return {
          out: { data: out, shape: [B, n, C], mask: null },
          backward(dOut) {
            const dX = new Float32Array(B * C);
            for (let b = 0; b < B; b++) for (let t = 0; t < n; t++) for (let c = 0; c < C; c++) dX[b * C + c]! += dOut[(b * n + t) * C + c]!;
            return dX;
          },
        };
      },
    };
  }
  if (layer instanceof Dropout) return dropoutRunner(layer, random);
  if (layer instanceof GlobalAveragePooling1D || layer instanceof GlobalMaxPooling1D) return poolingRunner(layer instanceof GlobalMaxPooling1D);
  if (layer instanceof LayerNormalization) return layerNormRunner(layer, w, grad);
  if (layer instanceof Bidirectional) return bidirectionalRunner(layer, w, grad, random);
  if (layer instanceof EchoState) return echoStateRunner(layer, w);
  const rnn = layer as LSTM | GRU | SimpleRNN | SRU;
  const cell = trainingCell(rnn, w, grad, random);
  return {
    layOut: cell.layOut,
    forward(x, kept, training) {
      const run = cell.run(x, kept, training);
      return { out: recurrentOutput(rnn, x, run.output, rnn.units), backward: run.backward };
    },
  };
}

/**
 * A recurrent cell in training: its forward pass (states carried on) and its backward pass into the weights'
 * gradients. Keras's dropouts, as the GPU path draws them, once per batch: input dropout one mask per batch row and
 * feature over every timestep (x ⊙ keep into the cell, dX ⊙ keep back), recurrent dropout one per row and unit on
 * h_{t−1} in the recurrent products (the cells' `keep`).
 */
function trainingCell(rnn: LSTM | GRU | SimpleRNN | SRU, w: Weights, grad: GradsOf, random: () => number) {
  const draw = (n: number, rate: number) => Float32Array.from({ length: n }, () => (random() < rate ? 0 : 1 / (1 - rate)));
  const core = rnn instanceof SRU ? sruCore(rnn, w, grad) : gatedCore(rnn, w, grad);
  return {
    layOut: core.layOut,
    run(x: Act, kept: Float32Array[], training: boolean): { output: Float32Array; backward(dOut: Float32Array): Float32Array } {
      const [B, T, F] = x.shape as [number, number, number];
      const inputKeep = training && rnn.dropout > 0 ? draw(B * F, rnn.dropout) : null;
      const dropIn = (v: Float32Array) => v.map((value, i) => value * inputKeep![Math.floor(i / (T * F)) * F + (i % F)]!);
      const recurrentKeep = training && rnn.recurrentDropout > 0 ? draw(B * rnn.units, rnn.recurrentDropout) : null;
      const run = core.run({ ...x, data: inputKeep ? dropIn(x.data) : x.data }, kept, training ? { keep: recurrentKeep } : null);
      return {
        output: run.output,
        backward: (dOut) => {
          const dX = run.backward(dOut);
          return inputKeep ? dropIn(dX) : dX;
        },
      };
    },
  };
}

/**
 * An echo-state reservoir in training: its fixed weights (not trainable, so the optimizer leaves them as they are)
 * run forward as in predict; nothing below it trains (checkWasmTraining), so no gradient goes back through it. Laid
 * out again only when its own weights change (setWeights), not at every update.
 */
function echoStateRunner(layer: EchoState, w: Weights): TrainRunner {
  const copy = (nw: Weights) => Object.values(nw).map((t) => t.data.slice());
  let [kept, run] = [copy(w), runnerFor(layer, w)];
  return {
    layOut(nw) {
      const now = Object.values(nw).map((t) => t.data);
      if (now.every((d, i) => d.length === kept[i]!.length && d.every((v, j) => v === kept[i]![j]))) return;
      [kept, run] = [copy(nw), runnerFor(layer, nw)];
    },
    forward: (x, states) => ({ out: run(x, states), backward: () => null }),
  };
}

/** What a cell's training core does: one pass (training: `keep` for recurrent dropout), kept states carried on. */
interface CellCore {
  layOut(w: Weights): void;
  run(x: Act, kept: Float32Array[], train: { keep: Float32Array | null } | null): { output: Float32Array; backward(dOut: Float32Array): Float32Array };
}

/** An LSTM, GRU or SimpleRNN (src/cpu/lstm.ts, gru.ts, simpleRnn.ts). */
function gatedCore(rnn: LSTM | GRU | SimpleRNN, w: Weights, grad: GradsOf): CellCore {
  const cell = cellFor(rnn, w) as WasmLstm | WasmGru | WasmSimpleRnn;
  /** The bias rows as the cell lays them out: a GRU with resetAfter has two (input, recurrent). */
  const biasRows = (nw: Weights) => {
    const G = nw.kernel!.shape[1]!;
    const rows = rnn instanceof GRU && rnn.resetAfter ? 2 : 1;
    const bias = nw.bias?.data ?? new Float32Array(rows * G);
    return Array.from({ length: rows }, (_, i) => bias.subarray(i * G, (i + 1) * G));
  };
  return {
    layOut: (nw) => cell.layOut(nw.kernel!.data, nw.recurrent_kernel!.data, biasRows(nw)),
    run(x, kept, train) {
      const [B, T] = x.shape as [number, number];
      const xIn = { data: x.data, shape: x.shape };
      const initial = kept.length ? kept.map((v) => ({ data: v, shape: [B, v.length / B] })) : undefined;
      const mask = x.mask ? { data: x.mask, shape: [B, T] } : undefined;
      type Run = (x: Tensor, s?: Tensor[], m?: Tensor, keep?: Float32Array) => { output: Float32Array; h: Float32Array; c?: Float32Array };
      const out = train
        ? (cell.trainingForward.bind(cell) as Run)(xIn, initial, mask, train.keep ?? undefined)
        : (cell.forward.bind(cell) as Run)(xIn, initial, mask);
      // A stateful layer carries its final states on (the kept states are inputs here: no gradient reaches them).
      if (kept.length) {
        kept[0]!.set(out.h);
        if (out.c) kept[1]!.set(out.c);
      }
      return {
        output: out.output,
        backward(dOut) {
          const g = cell.backward(dOut);
          grad('kernel')!.set(g.dKernel);
          grad('recurrent_kernel')!.set(g.dRecurrent);
          grad('bias')?.set(g.dBias);
          return g.dX;
        },
      };
    },
  };
}

/** An SRU (src/cpu/sru.ts): the projection in WebAssembly, the element-wise recurrence and its BPTT on the host. */
function sruCore(layer: SRU, w: Weights, grad: GradsOf): CellCore {
  const [F, U] = [w.kernel!.shape[0]!, layer.units];
  const biasOf = (nw: Weights) => nw.bias?.data ?? new Float32Array(2 * U);
  const options = { activation: layer.activation, returnSequences: layer.returnSequences, goBackwards: layer.goBackwards };
  const sru = new WasmSru(F, U, w.kernel!.data, w.recurrent_weights!.data, biasOf(w), options);
  return {
    layOut: (nw) => sru.layOut(nw.kernel!.data, nw.recurrent_weights!.data, biasOf(nw)),
    run(x, kept, train) {
      const B = x.shape[0]!;
      const states = (kept.length ? kept : [new Float32Array(B * U), new Float32Array(B * U)]) as [Float32Array, Float32Array];
      const output = sru.forward(x.data, B, x.shape[1]!, states, x.mask, train);
      return {
        output,
        backward(dOut) {
          const g = sru.backward(dOut);
          grad('kernel')!.set(g.dKernel);
          grad('recurrent_weights')!.set(g.dRecurrentWeights);
          grad('bias')?.set(g.dBias);
          return g.dX;
        },
      };
    },
  };
}

/**
 * Keras's Bidirectional in training: the two copies' passes (the backward copy's sequence flipped to input time),
 * merged; a returned sequence is 0 at masked steps. Back: the merge's gradient split between the copies, each
 * copy's BPTT, the two dX summed. Weights and gradients under the copies' names (`forward_lstm/kernel`, ...).
 */
function bidirectionalRunner(layer: Bidirectional, w: Weights, grad: GradsOf, random: () => number): TrainRunner {
  const own = (copy: Layer, nw: Weights) =>
    Object.fromEntries(Object.entries(nw).flatMap(([name, t]) => (name.startsWith(`${copy.name}/`) ? [[name.slice(copy.name.length + 1), t]] : [])));
  const copies = [layer.forwardLayer, layer.backwardLayer] as (LSTM | GRU | SimpleRNN | SRU)[];
  const cells = copies.map((copy) => trainingCell(copy, own(copy, w), (name) => grad(`${copy.name}/${name}`), random));
  const half = layer.forwardLayer.stateSizes().length;
  return {
    layOut: (nw) => cells.forEach((c, i) => c.layOut(own(copies[i]!, nw))),
    forward(x, kept, training) {
      const [B, T] = x.shape as [number, number];
      const [U, seq, mode] = [layer.units, layer.returnSequences, layer.mergeMode];
      const a = cells[0]!.run(x, kept.slice(0, half), training);
      const b = cells[1]!.run(x, kept.slice(half), training);
      const bOut = seq ? flipTime(b.output, B, T, U) : b.output;
      const rows = seq ? B * T : B;
      const merged = mergeDirections(a.output, bOut, rows, U, mode);
      const width = merged.length / rows;
      const real = (r: number) => !seq || !x.mask || x.mask[r] !== 0;
      for (let r = 0; r < rows; r++) if (!real(r)) merged.fill(0, r * width, (r + 1) * width);
      return {
        out: recurrentOutput(layer, x, merged, width),
        backward(dOut) {
          const [da, db] = [new Float32Array(rows * U), new Float32Array(rows * U)];
          for (let r = 0; r < rows; r++) {
            if (!real(r)) continue;
            for (let j = 0; j < U; j++) {
              const k = r * U + j;
              if (mode === 'concat') [da[k], db[k]] = [dOut[r * 2 * U + j]!, dOut[r * 2 * U + U + j]!];
              else if (mode === 'sum') da[k] = db[k] = dOut[k]!;
              else if (mode === 'ave') da[k] = db[k] = dOut[k]! / 2;
              else [da[k], db[k]] = [dOut[k]! * bOut[k]!, dOut[k]! * a.output[k]!];
            }
          }
          const dx = a.backward(da);
          const dxb = b.backward(seq ? flipTime(db, B, T, U) : db);
          for (let i = 0; i < dx.length; i++) dx[i]! += dxb[i]!;
          return dx;
        },
      };
    },
  };
}

/**
 * Global pooling over time in training. Average: the mean of the real steps, each getting dOut/count (none: 0).
 * Max: every step (the mask ignored, as Keras's GlobalMaxPooling1D does); the maximum's steps share dOut evenly
 * when tied, as shaders/globalPooling1d.wgsl's gradient does.
 */
function poolingRunner(max: boolean): TrainRunner {
  return {
    layOut: () => {},
    forward(x) {
      const [B, T, C] = x.shape as [number, number, number];
      const y = pool(x, max);
      return {
        out: { data: y, shape: [B, C], mask: null },
        backward(dOut) {
          const dX = new Float32Array(B * T * C);
          for (let b = 0; b < B; b++) {
            for (let c = 0; c < C; c++) {
              const at = (t: number) => (b * T + t) * C + c;
              const counts = (t: number) => (max ? x.data[at(t)] === y[b * C + c] : !x.mask || x.mask[b * T + t] !== 0);
              let n = 0;
              for (let t = 0; t < T; t++) if (counts(t)) n++;
              for (let t = 0; t < T; t++) if (counts(t)) dX[at(t)] = dOut[b * C + c]! / n;
            }
          }
          return dX;
        },
      };
    },
  };
}

/** LayerNormalization in training: x̂ = (x − mean)·r per row, y = γ·x̂ + β; dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ. */
function layerNormRunner(layer: LayerNormalization, w: Weights, grad: GradsOf): TrainRunner {
  let p = { gamma: w.gamma?.data ?? null, beta: w.beta?.data ?? null, epsilon: layer.epsilon };
  return {
    layOut: (nw) => (p = { gamma: nw.gamma?.data ?? null, beta: nw.beta?.data ?? null, epsilon: layer.epsilon }),
    forward(x) {
      const y = layerNorm(x, p);
      return {
        out: { data: y, shape: x.shape, mask: x.mask },
        backward(dOut) {
          const C = x.shape.at(-1)!;
          const dX = new Float32Array(x.data.length);
          const [dGamma, dBeta] = [grad('gamma'), grad('beta')];
          const xhat = new Float64Array(C);
          const g = new Float64Array(C);
          for (let r = 0; r < x.data.length / C; r++) {
            const row = x.data.subarray(r * C, (r + 1) * C);
            const mean = row.reduce((a, v) => a + v, 0) / C;
            const inv = 1 / Math.sqrt(row.reduce((a, v) => a + (v - mean) ** 2, 0) / C + p.epsilon);
            let [gMean, gxMean] = [0, 0];
            for (let j = 0; j < C; j++) {
              xhat[j] = (row[j]! - mean) * inv;
              g[j] = dOut[r * C + j]! * (p.gamma?.[j] ?? 1);
              gMean += g[j]! / C;
              gxMean += (g[j]! * xhat[j]!) / C;
            }
            for (let j = 0; j < C; j++) {
              dX[r * C + j] = inv * (g[j]! - gMean - xhat[j]! * gxMean);
              if (dGamma) dGamma[j]! += dOut[r * C + j]! * xhat[j]!;
              if (dBeta) dBeta[j]! += dOut[r * C + j]!;
            }
          }
          return dX;
        },
      };
    },
  };
}

/**
 * Inverted dropout in training (kept values scaled by 1/(1 − rate)), the identity otherwise; one mask value per
 * group the layer's noise axes share (SpatialDropout1D: per sequence and feature), from the trainer's seeded draws.
 */
function dropoutRunner(layer: Dropout, random: () => number): TrainRunner {
  return {
    layOut: () => {},
    forward(x, _kept, training) {
      if (!training || layer.rate === 0) return { out: x, backward: (dOut) => dOut };
      const sequence = x.shape.length === 3;
      const [B, T, C] = sequence ? (x.shape as [number, number, number]) : [x.shape[0]!, 1, x.shape[1]!];
      const axes = layer.noiseAxes(sequence);
      const [nb, nt, nc] = [axes.batch ? B : 1, axes.timesteps ? T : 1, axes.features ? C : 1];
      const noise = Float32Array.from({ length: nb * nt * nc }, () => (random() < layer.rate ? 0 : 1 / (1 - layer.rate)));
      const scale = new Float32Array(B * T * C);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++)
          for (let c = 0; c < C; c++)
            scale[(b * T + t) * C + c] = noise[((axes.batch ? b : 0) * nt + (axes.timesteps ? t : 0)) * nc + (axes.features ? c : 0)]!;
      return { out: { data: x.data.map((v, i) => v * scale[i]!), shape: x.shape, mask: x.mask }, backward: (dOut) => dOut.map((v, i) => v * scale[i]!) };
    },
  };
}
