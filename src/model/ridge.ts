/**
 * `model.fitRidge(x, y, { alpha, washout })`: the closed-form readout of an echo-state network. The model ends in
 * an EchoState reservoir and a linear Dense; the reservoir runs on the GPU batch by batch, then the batch's sums are
 * added to GPU accumulators (ZᵀZ, Σz, ZᵀY and Σy; the plain sums as products with a ones vector); one readback at
 * the end, the float64 solve on the host (./ridgeSolve.ts), and the Dense's weights are set. Rows are the
 * reservoir's outputs: every timestep after the first `washout` with returnSequences (the targets are then per
 * step), else one per sample.
 *
 * The sums keep ~48 bits: reservoir states are so collinear that the small α a free-running forecast wants needs
 * more than float32's 24. ZᵀZ, the bulk of the work (n² per row), is summed exactly in integers over the rows
 * rounded to multiples of 2⁻²⁴ (shaders/quantizedGram.wgsl: tanh states lie in [−1, 1]); the other sums are
 * double-float (shaders/crossProducts.wgsl) over the same rounded rows, so the solve is the exact ridge of those
 * rows. With an intercept the rows are summed shifted by the first one (shaders/shiftRows.wgsl), so their products
 * stay small (and within [−2, 2]).
 */
import { ValueError } from '../errors';
import type { Runtime } from '../gpu/runtime';
import { recordCrossProducts } from '../kernels/crossProducts';
import { quantizedGramColumns, recordQuantizedGram } from '../kernels/quantizedGram';
import { recordShiftRows } from '../kernels/shiftRows';
import { Plan } from '../gpu/plan';
import { Dense } from '../layers/dense';
import { EchoState } from '../layers/echoState';
import type { Layer } from '../layers/layer';
import { solveRidge } from './ridgeSolve';
import type { ParameterArena } from './arena';
import { batchSizesOf, gatherBatch, type Samples } from './data';
import { bindModel } from './program';

export interface RidgeOptions {
  /** The ridge penalty α ≥ 0 on the readout's kernel (not its bias). Default 1e-6. */
  alpha?: number;
  /** Leading timesteps of each sequence left out of the fit while the reservoir forgets its zero start. Default 0. */
  washout?: number;
  /** Samples per GPU batch. Default 32. */
  batchSize?: number;
}

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

export async function ridgeReadout(
  m: RidgeModel,
  xs: Samples,
  ys: Samples,
  options: RidgeOptions,
): Promise<{ readout: Dense; kernel: Float32Array; bias: Float32Array | null; result: RidgeResult }> {
  const { reservoir, readout, index } = ridgeLayers(m.layers);
  const alpha = options.alpha ?? 1e-6;
  if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha))
    throw new ValueError(`fitRidge: alpha must be a number ≥ 0; got ${JSON.stringify(alpha)}`);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(`fitRidge: batchSize must be a positive integer; got ${JSON.stringify(batchSize)}`);
  const steps = reservoir.returnSequences ? m.outputTimesteps! : 1;
  const washout = options.washout ?? 0;
  if (!Number.isInteger(washout) || washout < 0 || washout >= steps) {
    const why = reservoir.returnSequences
      ? `an integer in [0, ${steps}) (timesteps left out of each sequence)`
      : '0: the reservoir returns one output per sample';
    throw new ValueError(`fitRidge: washout must be ${why}; got ${JSON.stringify(washout)}`);
  }
  const [d, outputs] = [reservoir.units, readout.units];
  const rt = m.rt;
  // With an intercept, features are summed shifted by the first row the fit sees (shaders/shiftRows.wgsl).
  const shifted = readout.useBias;
  // Each sum as a double-float pair (shaders/crossProducts.wgsl): Σ zzᵀ, Σ z, Σ zyᵀ, Σ y.
  const pair = (name: string, floats: number) => ({ hi: rt.zeros(`ridge ${name} (hi)`, floats), lo: rt.zeros(`ridge ${name} (lo)`, floats) });
  const acc = { xx: pair('Σxᵀx', d * d), x: pair('Σx', d), xy: pair('Σxᵀy', d * outputs), y: pair('Σy', outputs) };
  const shift = rt.zeros('ridge shift', d);
  const owned: { destroy(): void }[] = [];
  let yy = 0;
  try {
    const used = (steps - washout) * batchSize;
    const scratch = {
      ones: rt.upload('ridge ones', new Float32Array(used).fill(1)),
      z: rt.createBuffer('ridge shifted rows', (shifted ? used * d : 1) * 4),
      q: rt.createBuffer('ridge rounded rows', used * quantizedGramColumns(d) * 4),
    };
    owned.push({ destroy: () => Object.values(scratch).forEach((b) => rt.destroyBuffer(b)) });
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
      if (shifted) recordShiftRows(sums, { x: bound.output.buffer, xOffset: zOffset, shift, y: scratch.z }, { rows, cols: d });
      const z = shifted ? { buffer: scratch.z, offset: 0 } : { buffer: bound.output.buffer, offset: zOffset };
      const y = { buffer: targets, offset: washout * n * outputs };
      const ones = { buffer: scratch.ones, offset: 0 };
      const cross = (
        l: { buffer: GPUBuffer; offset: number },
        lCols: number,
        r: { buffer: GPUBuffer; offset: number },
        rCols: number,
        into: { hi: GPUBuffer; lo: GPUBuffer },
      ) =>
        recordCrossProducts(
          sums,
          { a: l.buffer, aOffset: l.offset, b: r.buffer, bOffset: r.offset, ...into },
          { rows, aCols: lCols, bCols: rCols, quantizeA: l === z },
        );
      // ZᵀZ, the bulk of the work, exactly in integers: tanh states and their shifts lie in [−2, 2].
      recordQuantizedGram(sums, { z: z.buffer, zOffset: z.offset, q: scratch.q, ...acc.xx }, { rows, n: d });
      cross(z, d, ones, 1, acc.x);
      cross(z, d, y, outputs, acc.xy);
      cross(y, outputs, ones, 1, acc.y);
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
    const lengths = [d * d, d, d * outputs, outputs];
    const read = await rt.readMany([
      ...Object.values(acc).flatMap((p, k) => [p.hi, p.lo].map((ref) => ({ ref, length: lengths[k]! }))),
      { ref: shift, length: d },
    ]);
    // hi + lo in float64: the sums to their double-float precision.
    const [xx, x, xy, y] = [0, 1, 2, 3].map((k) => Float64Array.from(read[2 * k]!, (v, i) => v + read[2 * k + 1]![i]!));
    // ZᵀZ came as its upper triangle.
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) xx![i * d + j] = xx![j * d + i]!;
    const offsets = read[8]!;
    const rows = (steps - washout) * xs.count;
    const solved = solveRidge({ rows, d, outputs, xx: xx!, x: x!, xy: xy!, y: y!, yy }, alpha, readout.useBias);
    // The fit is of z − shift: the same predictions come from z with the bias moved by −shift·kernel.
    const bias = Float64Array.from(solved.bias);
    if (shifted) for (let k = 0; k < outputs; k++) for (let j = 0; j < d; j++) bias[k]! -= offsets[j]! * solved.kernel[j * outputs + k]!;
    return { readout, kernel: Float32Array.from(solved.kernel), bias: readout.useBias ? Float32Array.from(bias) : null, result: { rows, loss: solved.loss } };
  } finally {
    for (const o of owned) o.destroy();
    for (const b of [...Object.values(acc).flatMap((p) => [p.hi, p.lo]), shift]) rt.destroyBuffer(b);
  }
}
