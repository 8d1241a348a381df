/**
 * `model.fitRidge` on the wasm backend: the closed-form readout of an echo-state network (src/model/ridge.ts says
 * what is fitted) with the reservoir run on the host (src/cpu/model.ts) batch by batch and the sums in float64: all
 * of them one Gram matrix by wasm/orthonormalRows.ts's gramRows (f64x2 SIMD; products of float32 values are exact
 * in float64, so only the sums round, at ~1e-16). Rows are shifted by the first one the fit sees,
 * as on the GPU, so their products stay small; the float64 solve is the same (src/model/ridgeSolve.ts).
 */
import type { ParameterArena } from '../model/arena';
import { gatherBatch, type Samples } from '../model/data';
import { planRidge, solveShifted, type RidgeModel, type RidgeOptions, type RidgeResult } from '../model/ridge';
import type { Dense } from '../layers/dense';
import { orthonormalRowsWasm } from '../wasm/orthonormalRows';
import { CpuModel } from './model';
import { growTo, instantiateWasm } from './wasmInstance';

interface GramModule {
  memory: WebAssembly.Memory;
  gramRows(g: number, s: number, i: number, rows: number, stride: number): void;
}

export function ridgeOnHost(
  m: Pick<RidgeModel, 'layers' | 'inputTimesteps' | 'outputTimesteps'> & { arena: ParameterArena },
  xs: Samples,
  ys: Samples,
  options: RidgeOptions,
  /** The model's predict pass, if it keeps no states: its runners' memories are warm (a predict usually came first). */
  predictModel: CpuModel | null = null,
): { readout: Dense; kernel: Float32Array; bias: Float32Array | null; result: RidgeResult } {
  const plan = planRidge(m, options);
  const { index, batchSize, steps, washout, d, outputs, readout } = plan;
  const reservoir = predictModel ?? new CpuModel(m.layers, m.arena, null);
  const inputShape = m.layers[0]!.inputShape;
  // Every sum is one Gram matrix, by f64x2 tiles: G [ap, stride] holds the rows' transpose, [Zᵀ − shift; Yᵀ; 1ᵀ]
  // (a = d + outputs + 1 rows, padded to 4; the stride padded to 2), and S = G·Gᵀ's lower triangle holds ZᵀZ, YᵀZ,
  // YᵀY and, against the ones, ΣZ and ΣY. Products of float32 values are exact in float64; only the sums round.
  const a = d + outputs + 1;
  const ap = Math.ceil(a / 4) * 4;
  let k: GramModule | null = null;
  const xx = new Float64Array(d * d);
  const [x, xy, y] = [new Float64Array(d), new Float64Array(d * outputs), new Float64Array(outputs)];
  let [yy, shift] = [0, null as Float64Array | null];
  const sampleSize = xs.data.length / xs.count;
  for (let start = 0; start < xs.count; start += batchSize) {
    const n = Math.min(batchSize, xs.count - start);
    const z = reservoir.forward(xs.data.subarray(start * sampleSize, (start + n) * sampleSize), n, inputShape, index);
    const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
    const targets = gatherBatch(ys, indices, null);
    // Rows after the washout, batch-major: sample b's steps washout…steps−1.
    const rows = n * (steps - washout);
    const stepOf = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / (steps - washout)) * steps + washout + (r % (steps - washout)));
    shift ??= readout.useBias ? Float64Array.from(z.subarray(stepOf[0]! * d, stepOf[0]! * d + d)) : new Float64Array(d);
    const stride = rows + (rows % 2);
    const bytes = 8 * (ap * stride + ap * ap);
    if (!k) k = instantiateWasm<GramModule>(orthonormalRowsWasm, bytes);
    else growTo(k.memory, bytes);
    const f64 = new Float64Array(k.memory.buffer);
    // Zᵀ in tiles of 64 rows, column by column within a tile: the writes run along G's rows and the reads stay in
    // the tile's rows of z (row by row, every write would land on another cache line).
    for (let r0 = 0; r0 < rows; r0 += 64) {
      const r1 = Math.min(rows, r0 + 64);
      for (let j = 0; j < d; j++) {
        const [sj, at] = [shift[j]!, j * stride];
        for (let r = r0; r < r1; r++) f64[at + r] = z[stepOf[r]! * d + j]! - sj;
      }
    }
    for (let o = 0; o < outputs; o++) for (let r = 0; r < rows; r++) f64[(d + o) * stride + r] = targets[stepOf[r]! * outputs + o]!;
    f64.fill(1, (a - 1) * stride, (a - 1) * stride + rows);
    for (let i = 0; i < a; i++) f64.fill(0, i * stride + rows, (i + 1) * stride); // the stride's padding column
    f64.fill(0, a * stride, ap * stride); // the padded rows
    const s = ap * stride;
    for (let i = 0; i < ap; i += 4) k.gramRows(0, 8 * s, i, ap, stride);
    const S = (i: number, j: number) => f64[s + i * ap + j]!;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) xx[i * d + j]! += S(i, j);
    for (let j = 0; j < d; j++) {
      x[j]! += S(a - 1, j);
      for (let o = 0; o < outputs; o++) xy[j * outputs + o]! += S(d + o, j);
    }
    for (let o = 0; o < outputs; o++) {
      y[o]! += S(a - 1, d + o);
      yy += S(d + o, d + o);
    }
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) xx[i * d + j] = xx[j * d + i]!;
  const rows = (steps - washout) * xs.count;
  return { readout, ...solveShifted(plan, { rows, d, outputs, xx, x, xy, y, yy }, shift!) };
}
