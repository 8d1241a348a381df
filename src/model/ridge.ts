/**
 * `model.fitRidge(x, y, { alpha, washout })`: the closed-form readout of an echo-state network. The model ends in
 * an EchoState reservoir and a linear Dense; the reservoir runs on the GPU batch by batch, and the same submit adds
 * the batch's sums to GPU accumulators (ZᵀZ, Σz, ZᵀY and Σy, each a GEMM, the sums as products with a ones
 * vector); one readback at the end, then the float64 solve on the host (src/reference/ridge.ts), and the Dense's
 * weights are set. Rows are the reservoir's outputs: every timestep after the first `washout` with
 * returnSequences (the targets are then per step), else one per sample.
 */
import { ValueError } from '../errors';
import type { BufferRef } from '../gpu/kernel';
import type { Runtime } from '../gpu/runtime';
import { recordGemm } from '../kernels/gemm';
import { recordAddInto } from '../kernels/sequenceMask';
import { Dense } from '../layers/dense';
import { EchoState } from '../layers/echoState';
import type { Layer } from '../layers/layer';
import { solveRidge } from '../reference/ridge';
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
export function ridgeLayers(layers: Layer[]): { reservoir: EchoState; readout: Dense; index: number } {
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
): Promise<{ kernel: Float32Array; bias: Float32Array | null; result: RidgeResult }> {
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
  const acc = { xx: rt.zeros('ridge Σxᵀx', d * d), x: rt.zeros('ridge Σx', d), xy: rt.zeros('ridge Σxᵀy', d * outputs), y: rt.zeros('ridge Σy', outputs) };
  const owned: { destroy(): void }[] = [];
  let yy = 0;
  try {
    const used = (steps - washout) * batchSize;
    const scratch = {
      ones: rt.upload('ridge ones', new Float32Array(used).fill(1)),
      xx: rt.createBuffer('ridge batch xᵀx', d * d * 4),
      x: rt.createBuffer('ridge batch Σx', d * 4),
      xy: rt.createBuffer('ridge batch xᵀy', d * outputs * 4),
      y: rt.createBuffer('ridge batch Σy', outputs * 4),
    };
    owned.push({ destroy: () => Object.values(scratch).forEach((b) => rt.destroyBuffer(b)) });
    const programs = new Map<number, { input: GPUBuffer; targets: GPUBuffer; run(): void }>();
    for (const n of batchSizesOf(xs.count, batchSize)) {
      const bound = bindModel(rt, m.layers.slice(0, index + 1), m.arena, n, false, m.idsInput);
      owned.push(bound);
      const targets = rt.createBuffer('ridge targets', steps * n * outputs * 4);
      owned.push({ destroy: () => rt.destroyBuffer(targets) });
      // Rows after the washout: time-major, so one contiguous block from row washout·n.
      const rows = (steps - washout) * n;
      const z = { buffer: bound.output.buffer, offset: bound.output.offset + washout * n * d };
      const t = washout * n * outputs;
      // Each batch's sum into scratch, then added to its accumulator: Σ zzᵀ, Σ z (Zᵀ·1), Σ zyᵀ, Σ y (Yᵀ·1).
      const add = (c: GPUBuffer, total: GPUBuffer, floats: number) => recordAddInto(bound.forward, { x: c, xOffset: 0, y: total }, floats);
      const gemm = (a: BufferRef, aOffset: number, b: BufferRef, bOffset: number, c: GPUBuffer, rowsOfC: number, cols: number) =>
        recordGemm(bound.forward, { a, aOffset, b, bOffset, c, m: rowsOfC, n: cols, k: rows, transA: true });
      gemm(z.buffer, z.offset, z.buffer, z.offset, scratch.xx, d, d);
      add(scratch.xx, acc.xx, d * d);
      gemm(z.buffer, z.offset, scratch.ones, 0, scratch.x, d, 1);
      add(scratch.x, acc.x, d);
      gemm(z.buffer, z.offset, targets, t, scratch.xy, d, outputs);
      add(scratch.xy, acc.xy, d * outputs);
      gemm(targets, t, scratch.ones, 0, scratch.y, outputs, 1);
      add(scratch.y, acc.y, outputs);
      await bound.forward.prepare();
      programs.set(n, { input: bound.input, targets, run: () => bound.forward.run() });
    }
    for (let start = 0; start < xs.count; start += batchSize) {
      const n = Math.min(batchSize, xs.count - start);
      const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
      const p = programs.get(n)!;
      rt.write(p.input, gatherBatch(xs, indices, m.inputTimesteps));
      const y = gatherBatch(ys, indices, reservoir.returnSequences ? steps : null);
      rt.write(p.targets, y);
      for (let i = washout * n * outputs; i < y.length; i++) yy += y[i]! ** 2;
      p.run();
    }
    const [xx, x, xy, y] = await rt.readMany([
      { ref: acc.xx, length: d * d },
      { ref: acc.x, length: d },
      { ref: acc.xy, length: d * outputs },
      { ref: acc.y, length: outputs },
    ]);
    const rows = (steps - washout) * xs.count;
    const solved = solveRidge({ rows, d, outputs, xx: xx!, x: x!, xy: xy!, y: y!, yy }, alpha, readout.useBias);
    return { kernel: Float32Array.from(solved.kernel), bias: readout.useBias ? Float32Array.from(solved.bias) : null, result: { rows, loss: solved.loss } };
  } finally {
    for (const o of owned) o.destroy();
    for (const b of Object.values(acc)) rt.destroyBuffer(b);
  }
}
