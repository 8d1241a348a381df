/**
 * `model.fitRidge` on the wasm backend: the closed-form readout of an echo-state network (src/model/ridge.ts says
 * what is fitted) with the reservoir run on the host (src/cpu/model.ts) batch by batch and the sums in float64: the
 * Gram matrix ZᵀZ by wasm/orthonormalRows.ts's gramRows (f64x2 SIMD; products of float32 states are exact in float64,
 * so only the sums round, at ~1e-16), the other sums in JavaScript. Rows are shifted by the first one the fit sees,
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
): { readout: Dense; kernel: Float32Array; bias: Float32Array | null; result: RidgeResult } {
  const plan = planRidge(m, options);
  const { index, batchSize, steps, washout, d, outputs, readout } = plan;
  const reservoir = new CpuModel(m.layers.slice(0, index + 1), m.arena, null);
  const inputShape = m.layers[0]!.inputShape;
  // Gram by f64x2 tiles: Zᵀ as G [dp, stride] (rows padded to 4, the stride to 2), S = G·Gᵀ's lower triangle.
  const dp = Math.ceil(d / 4) * 4;
  let k: GramModule | null = null;
  const xx = new Float64Array(d * d);
  const [x, xy, y] = [new Float64Array(d), new Float64Array(d * outputs), new Float64Array(outputs)];
  let [yy, shift] = [0, null as Float64Array | null];
  const sampleSize = xs.data.length / xs.count;
  for (let start = 0; start < xs.count; start += batchSize) {
    const n = Math.min(batchSize, xs.count - start);
    const z = reservoir.forward(xs.data.subarray(start * sampleSize, (start + n) * sampleSize), n, inputShape);
    const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
    const targets = gatherBatch(ys, indices, null);
    // Rows after the washout, batch-major: sample b's steps washout…steps−1.
    const rows = n * (steps - washout);
    const rowOf = (r: number) => (Math.floor(r / (steps - washout)) * steps + washout + (r % (steps - washout))) * d;
    const yOf = (r: number) => (Math.floor(r / (steps - washout)) * steps + washout + (r % (steps - washout))) * outputs;
    shift ??= readout.useBias ? Float64Array.from(z.subarray(rowOf(0), rowOf(0) + d)) : new Float64Array(d);
    const stride = rows + (rows % 2);
    const bytes = 8 * (dp * stride + dp * dp);
    if (!k) k = instantiateWasm<GramModule>(orthonormalRowsWasm, bytes);
    else growTo(k.memory, bytes);
    const f64 = new Float64Array(k.memory.buffer);
    f64.fill(0, 0, dp * stride);
    for (let r = 0; r < rows; r++) {
      const [zr, yr] = [rowOf(r), yOf(r)];
      for (let j = 0; j < d; j++) {
        const v = z[zr + j]! - shift[j]!;
        f64[j * stride + r] = v;
        x[j]! += v;
        for (let o = 0; o < outputs; o++) xy[j * outputs + o]! += v * targets[yr + o]!;
      }
      for (let o = 0; o < outputs; o++) {
        y[o]! += targets[yr + o]!;
        yy += targets[yr + o]! ** 2;
      }
    }
    const s = dp * stride;
    for (let i = 0; i < dp; i += 4) k.gramRows(0, 8 * s, i, dp, stride);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) xx[i * d + j]! += f64[s + i * dp + j]!;
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) xx[i * d + j] = xx[j * d + i]!;
  const rows = (steps - washout) * xs.count;
  return { readout, ...solveShifted(plan, { rows, d, outputs, xx, x, xy, y, yy }, shift!) };
}
