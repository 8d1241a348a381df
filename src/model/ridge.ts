/**
 * `model.fitRidge(x, y, { alpha, washout })`: the closed-form readout of an echo-state network. The model ends in
 * an EchoState reservoir and a linear Dense; the reservoir runs on the GPU batch by batch, then the batch's sums are
 * added to GPU accumulators (ZᵀZ, Σz, ZᵀY and Σy; the plain sums as products with a ones vector); one readback at
 * the end, the float64 solve on the host (./ridgeSolve.ts), and the Dense's weights are set. Rows are the
 * reservoir's outputs: every timestep after the first `washout` with returnSequences (the targets are then per
 * step), else one per sample.
 *
 * The sums keep ~48 bits: reservoir states are so collinear that the small α a free-running forecast wants needs
 * more than float32's 24. The states' ZᵀZ, the bulk of the work (n² per row), is summed in integers over the
 * states rounded to multiples of 2⁻²⁴ (shaders/quantizedGram.wgsl: exact within blocks of rows, the blocks added in
 * double-float; tanh states lie in [−1, 1]); the other sums are double-float (shaders/crossProducts.wgsl) over the
 * same rounded states, so the solve is the ridge of those rows. With an intercept the rows are summed shifted by the
 * first one (the states by `quantize`, an input beside them by shaders/shiftRows.wgsl), so their products stay small
 * (and the states within [−2, 2]).
 */
import { ValueError } from '../errors';
import type { Runtime } from '../gpu/runtime';
import { recordCrossProducts } from '../kernels/crossProducts';
import { quantizedGramColumns, recordQuantize, recordQuantizedGram } from '../kernels/quantizedGram';
import { recordShiftRows } from '../kernels/shiftRows';
import { Plan } from '../gpu/plan';
import { Dense } from '../layers/dense';
import { EchoState } from '../layers/echoState';
import type { Layer } from '../layers/layer';
import { solveRidge, type RidgeSums } from './ridgeSolve';
import type { ParameterArena } from './arena';
import { batchSizesOf, gatherBatch, type Samples } from './data';
import { bindModel } from './program';

export interface RidgeOptions {
  /** The ridge penalty α ≥ 0 on the readout's kernel (not its bias). Default 1e-6. */
  alpha?: number;
  /** Leading timesteps of each sequence left out of the fit while the reservoir forgets its zero start. Default 0. */
  washout?: number;
  /**
   * Samples per GPU batch. Default: as many as keep a batch's reservoir output within RIDGE_BATCH_FLOATS (at most
   * 1024): a closed-form fit has no use for small batches, and each batch costs a pass of its own.
   */
  batchSize?: number;
}

/**
 * 2²² floats (16 MiB) per batch when batchSize is not given, counted as the reservoir's width at every input step
 * (what a returned sequence holds; a last output holds less, so the count errs on the small side).
 */
export const RIDGE_BATCH_FLOATS = 2 ** 22;

export interface RidgeResult {
  /** Rows the readout was fitted on, and its mean squared error on them. */
  rows: number;
  loss: number;
}

export interface RidgeModel {
  rt: Runtime;
  layers: Layer[];
  arena: ParameterArena;
  idsInput: boolean;
  inputTimesteps: number | null;
  outputTimesteps: number | null;
}

/** The reservoir and the readout: the model's last two layers, or a named error. */
function ridgeLayers(layers: Layer[]): { reservoir: EchoState; readout: Dense; index: number } {
  const index = layers.length - 2;
  const [reservoir, readout] = [layers[index], layers[index + 1]];
  if (!(reservoir instanceof EchoState) || !(readout instanceof Dense)) {
    const got = layers.map((l) => l.className).join(' → ');
    throw new ValueError(`fitRidge fits the Dense readout right after an EchoState reservoir, the model's last two layers; got ${got}`);
  }
  if (readout.activation !== 'linear') {
    throw new ValueError(`fitRidge fits a linear readout; Dense '${readout.name}' has activation '${readout.activation}' (train it with fit instead)`);
  }
  if (reservoir.stateful) throw new ValueError(`fitRidge runs every sample from a zero state; echoState '${reservoir.name}' is stateful`);
  return { reservoir, readout, index };
}

/** What a fit is, checked: the reservoir and readout, the penalty, the batches, the rows each sample gives. */
export interface RidgePlan {
  reservoir: EchoState;
  readout: Dense;
  /** The reservoir's index among the model's layers. */
  index: number;
  alpha: number;
  batchSize: number;
  /** Rows per sample before the washout (timesteps with returnSequences, else 1), and those left out. */
  steps: number;
  washout: number;
  /** Row width (the reservoir's output: [u_t; x_t] with includeInput, input columns first) and targets per row. */
  d: number;
  outputs: number;
}

/** The options checked against the model (typed errors naming what is wrong), for either backend's fit. */
export function planRidge(m: Pick<RidgeModel, 'layers' | 'inputTimesteps' | 'outputTimesteps'>, options: RidgeOptions): RidgePlan {
  const { reservoir, readout, index } = ridgeLayers(m.layers);
  const alpha = options.alpha ?? 1e-6;
  if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha))
    throw new ValueError(`fitRidge: alpha must be a number ≥ 0; got ${JSON.stringify(alpha)}`);
  const perSample = (m.inputTimesteps ?? 1) * reservoir.outputShape.at(-1)!;
  const batchSize = options.batchSize ?? Math.max(1, Math.min(1024, Math.floor(RIDGE_BATCH_FLOATS / perSample)));
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(`fitRidge: batchSize must be a positive integer; got ${JSON.stringify(batchSize)}`);
  const steps = reservoir.returnSequences ? m.outputTimesteps! : 1;
  const washout = options.washout ?? 0;
  if (!Number.isInteger(washout) || washout < 0 || washout >= steps) {
    const why = reservoir.returnSequences
      ? `an integer in [0, ${steps}) (timesteps left out of each sequence)`
      : '0: the reservoir returns one output per sample';
    throw new ValueError(`fitRidge: washout must be ${why}; got ${JSON.stringify(washout)}`);
  }
  return { reservoir, readout, index, alpha, batchSize, steps, washout, d: reservoir.outputShape.at(-1)!, outputs: readout.units };
}

/**
 * The readout from the sums of the rows shifted by `shift` (the first row the fit saw, or zeros): the float64 solve,
 * then the bias moved by −shift·kernel, since the fit was of z − shift and the predictions come from z.
 */
export function solveShifted(
  plan: RidgePlan,
  sums: RidgeSums,
  shift: ArrayLike<number>,
): { kernel: Float32Array; bias: Float32Array | null; result: RidgeResult } {
  const { readout, d, outputs, alpha } = plan;
  const solved = solveRidge(sums, alpha, readout.useBias);
  const bias = Float64Array.from(solved.bias);
  for (let k = 0; k < outputs; k++) for (let j = 0; j < d; j++) bias[k]! -= shift[j]! * solved.kernel[j * outputs + k]!;
  return { kernel: Float32Array.from(solved.kernel), bias: readout.useBias ? Float32Array.from(bias) : null, result: { rows: sums.rows, loss: solved.loss } };
}

export async function ridgeReadout(
  m: RidgeModel,
  xs: Samples,
  ys: Samples,
  options: RidgeOptions,
): Promise<{ readout: Dense; kernel: Float32Array; bias: Float32Array | null; result: RidgeResult }> {
  const plan = planRidge(m, options);
  const { reservoir, readout, index, batchSize, steps, washout, d, outputs } = plan;
  const blocks = columnBlocks(d, reservoir.units);
  const rt = m.rt;
  // With an intercept, features are summed shifted by the first row the fit sees (shaders/shiftRows.wgsl).
  const shifted = readout.useBias;
  // Each sum as a double-float pair: Σ zzᵀ by blocks (each pair once), Σ z and Σ zyᵀ by block, Σ y.
  const pair = (name: string, floats: number) => ({ floats, hi: rt.zeros(`ridge ${name} (hi)`, floats), lo: rt.zeros(`ridge ${name} (lo)`, floats) });
  const acc = {
    gram: blockPairs(blocks).map(([a, b]) => pair(`Σ${a.name}ᵀ${b.name}`, a.cols * b.cols)),
    z: blocks.map((b) => pair(`Σ${b.name}`, b.cols)),
    zy: blocks.map((b) => pair(`Σ${b.name}ᵀy`, b.cols * outputs)),
    y: pair('Σy', outputs),
  };
  const accumulators = [...acc.gram, ...acc.z, ...acc.zy, acc.y];
  const shift = rt.zeros('ridge shift', d);
  const owned: { destroy(): void }[] = [];
  let yy = 0;
  try {
    const used = (steps - washout) * batchSize;
    const scratch = {
      ones: rt.upload('ridge ones', new Float32Array(used).fill(1)),
      // The states rounded to 2⁻²⁴ (integers), as every sum of them reads them.
      q: rt.createBuffer('ridge rounded states', used * quantizedGramColumns(reservoir.units) * 4),
    };
    // The input block's shifted rows, compact.
    const blockRows = new Map(blocks.filter((b) => !b.states).map((b) => [b, rt.createBuffer(`ridge ${b.name} rows`, used * b.cols * 4)]));
    owned.push({ destroy: () => [...Object.values(scratch), ...blockRows.values()].forEach((b) => rt.destroyBuffer(b)) });
    /** Per batch size: the reservoir's plan, then the sums' (the first batch sets the shift in between). */
    const programs = new Map<number, { input: GPUBuffer; targets: GPUBuffer; reservoir: Plan; firstShift: Plan; sums: Plan }>();
    for (const n of batchSizesOf(xs.count, batchSize)) {
      const bound = bindModel(rt, m.layers.slice(0, index + 1), m.arena, n, false, m.idsInput);
      owned.push(bound);
      const targets = rt.createBuffer('ridge targets', steps * n * outputs * 4);
      owned.push({ destroy: () => rt.destroyBuffer(targets) });
      const [sums, firstShift] = [new Plan(rt, `ridge sums, batch ${n}`), new Plan(rt, 'ridge shift')];
      owned.push(sums, firstShift);
      // Rows after the washout: time-major, so one contiguous block from row washout·n.
      const rows = (steps - washout) * n;
      const zOffset = bound.output.offset + washout * n * d;
      if (shifted) firstShift.copy(bound.output.buffer, shift, d, zOffset, 0);
      // Each block's columns into compact rows, shifted (by zeros without an intercept); the states' rounded too.
      for (const b of blocks) {
        const window = { rows, stride: d, col0: b.col0 };
        if (b.states) recordQuantize(sums, { z: bound.output.buffer, zOffset, shift, q: scratch.q }, { ...window, n: b.cols });
        else recordShiftRows(sums, { x: bound.output.buffer, xOffset: zOffset, shift, y: blockRows.get(b)! }, { ...window, cols: b.cols });
      }
      const y = { buffer: targets, offset: washout * n * outputs };
      const ones = { buffer: scratch.ones, offset: 0 };
      /** A block's rows as the left side of a product: the states as q (integers, rows padded to vec4s). */
      const left = (b: Block) =>
        b.states ? { buffer: scratch.q, offset: 0, aFixed: true, aStride: quantizedGramColumns(b.cols) } : { buffer: blockRows.get(b)!, offset: 0 };
      type Rows = { buffer: GPUBuffer; offset: number; aFixed?: boolean; aStride?: number };
      const cross =
        (l: Rows, lCols: number, r: Rows, rCols: number, symmetric = false) =>
        (into: { hi: GPUBuffer; lo: GPUBuffer }) =>
          recordCrossProducts(
            sums,
            { a: l.buffer, aOffset: l.offset, b: r.buffer, bOffset: r.offset, hi: into.hi, lo: into.lo },
            { rows, aCols: lCols, bCols: rCols, symmetric, ...(l.aFixed ? { aFixed: true, aStride: l.aStride! } : {}) },
          );
      blockPairs(blocks).forEach(([a, b], k) => {
        // States against states, the bulk of the work, exactly in integers: tanh states and their shifts lie in
        // [−2, 2]. The input's sums in double-float (the states, on the left, as their rounded q).
        if (a.states && b.states) recordQuantizedGram(sums, { q: scratch.q, ...acc.gram[k]! }, { rows, n: a.cols });
        else cross(left(a), a.cols, left(b), b.cols, a === b)(acc.gram[k]!);
      });
      blocks.forEach((b, k) => {
        cross(left(b), b.cols, ones, 1)(acc.z[k]!);
        cross(left(b), b.cols, y, outputs)(acc.zy[k]!);
      });
      cross(y, outputs, ones, 1)(acc.y);
      await Promise.all([bound.forward.prepare(), sums.prepare(), firstShift.prepare()]);
      programs.set(n, { input: bound.input, targets, reservoir: bound.forward, firstShift, sums });
    }
    for (let start = 0; start < xs.count; start += batchSize) {
      const n = Math.min(batchSize, xs.count - start);
      const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
      const p = programs.get(n)!;
      rt.write(p.input, gatherBatch(xs, indices, m.inputTimesteps));
      const y = gatherBatch(ys, indices, reservoir.returnSequences ? steps : null);
      rt.write(p.targets, y);
      for (let i = washout * n * outputs; i < y.length; i++) yy += y[i]! ** 2;
      p.reservoir.run();
      if (start === 0 && shifted) p.firstShift.run();
      p.sums.run();
    }
    const read = await rt.readMany([...accumulators.flatMap((p) => [p.hi, p.lo].map((ref) => ({ ref, length: p.floats }))), { ref: shift, length: d }]);
    // hi + lo in float64: the sums to their double-float precision.
    const sum = (k: number) => Float64Array.from(read[2 * k]!, (v, i) => v + read[2 * k + 1]![i]!);
    const pairs = blockPairs(blocks);
    const xx = new Float64Array(d * d);
    pairs.forEach(([a, b], k) => {
      const c = sum(k);
      // [a.cols, b.cols] at (a.col0, b.col0), mirrored; a block of a pair with itself came as its upper triangle.
      for (let i = 0; i < a.cols; i++) {
        for (let j = a === b ? i : 0; j < b.cols; j++) {
          const v = c[i * b.cols + j]!;
          xx[(a.col0 + i) * d + b.col0 + j] = v;
          xx[(b.col0 + j) * d + a.col0 + i] = v;
        }
      }
    });
    const x = new Float64Array(d);
    const xy = new Float64Array(d * outputs);
    blocks.forEach((b, k) => {
      x.set(sum(pairs.length + k), b.col0);
      xy.set(sum(pairs.length + blocks.length + k), b.col0 * outputs);
    });
    const y = sum(pairs.length + 2 * blocks.length);
    const offsets = read[read.length - 1]!;
    const rows = (steps - washout) * xs.count;
    return { readout, ...solveShifted(plan, { rows, d, outputs, xx, x, xy, y, yy }, offsets) };
  } finally {
    for (const o of owned) o.destroy();
    for (const b of [...accumulators.flatMap((p) => [p.hi, p.lo]), shift]) rt.destroyBuffer(b);
  }
}

/** A run of a reservoir's output columns summed alike: the input's (with includeInput) or the states'. */
interface Block {
  name: 'input' | 'states';
  col0: number;
  cols: number;
  /** Tanh states: their Gram block exact in integers over rows rounded to 2⁻²⁴ (shaders/quantizedGram.wgsl). */
  states: boolean;
}

function columnBlocks(width: number, units: number): Block[] {
  const inputs = width - units;
  const states: Block = { name: 'states', col0: inputs, cols: units, states: true };
  return inputs > 0 ? [states, { name: 'input', col0: 0, cols: inputs, states: false }] : [states];
}

/** Each block with itself and with every later one: the states first, so a mixed pair sums states against input. */
function blockPairs(blocks: Block[]): [Block, Block][] {
  return blocks.flatMap((a, i) => blocks.slice(i).map((b): [Block, Block] => [a, b]));
}
