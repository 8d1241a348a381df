/**
 * A Dense layer on the CPU path (wasm/dense.ts, wasm/denseBackward.ts): Y = act(X·W + b) over any number of rows,
 * the weights laid out once with the output columns padded to a multiple of 4, and its backward pass. Softmax runs
 * here, row by row, as the float64 twin writes it (src/reference/dense.ts).
 */
import { ACTIVATION_IDS } from '../kernels/activations';
import type { DenseActivation } from '../kernels/dense';
import { denseWasm } from '../wasm/dense';
import { denseBackwardWasm } from '../wasm/denseBackward';
import type { CellModule } from './recurrence';
import { growTo, instantiateWasm } from './wasmInstance';

interface DenseModule extends CellModule {
  activateAll(y: number, count: number, act: number): void;
}

/** wasm/denseBackward.ts: dz = dy ⊙ act′(y), what the Dense and the SimpleRNN backward passes share. */
export interface ActivationBackwardModule {
  activationBackward(y: number, dy: number, dz: number, count: number, act: number): void;
}

/** The gradients of one batch through a Dense layer. */
export interface DenseGradients {
  dX: Float32Array;
  dKernel: Float32Array;
  dBias: Float32Array;
}

const region = (floats: number) => Math.ceil(floats / 4) * 4;

export class WasmDense {
  private readonly k: DenseModule;
  private back: ActivationBackwardModule | null = null;
  private readonly padded: number;
  /** Float offsets: W [inputs, padded], then the bias [padded] (zeros without one). */
  private readonly weightsEnd: number;
  /** The rows of the last forward pass, whose X and Y stay in memory for backward. */
  private rows = 0;

  constructor(
    private readonly inputs: number,
    private readonly units: number,
    kernel: ArrayLike<number>,
    bias: ArrayLike<number> | null,
    private readonly activation: DenseActivation,
  ) {
    const Up = (this.padded = Math.ceil(units / 4) * 4);
    this.weightsEnd = inputs * Up + Up;
    this.k = instantiateWasm<DenseModule>(denseWasm, 4 * this.weightsEnd);
    this.layOut(kernel, bias);
  }

  /** New weights of the same sizes (training changes them every batch); padded columns stay zero. */
  layOut(kernel: ArrayLike<number>, bias: ArrayLike<number> | null): void {
    const { inputs, units, padded: Up } = this;
    const f32 = new Float32Array(this.k.memory.buffer);
    for (let r = 0; r < inputs; r++) for (let j = 0; j < units; j++) f32[r * Up + j] = kernel[r * units + j]!;
    if (bias) for (let j = 0; j < units; j++) f32[inputs * Up + j] = bias[j]!;
  }

  /** Y [rows, units] from X [rows, inputs]. X and Y stay in memory for backward until the next call. */
  forward(x: Float32Array, rows: number): Float32Array {
    const { inputs, units, padded: Up } = this;
    const { x: xAt, y: yAt } = this.regions(rows);
    const f32 = this.memoryFor(yAt + rows * Up);
    f32.set(x.subarray(0, rows * inputs), xAt);
    this.k.gemm(4 * xAt, 0, 4 * inputs * Up, 4 * yAt, rows, inputs, Up, 0);
    if (this.activation !== 'linear' && this.activation !== 'softmax') this.k.activateAll(4 * yAt, rows * Up, ACTIVATION_IDS[this.activation]);
    const y = new Float32Array(rows * units);
    for (let r = 0; r < rows; r++) y.set(f32.subarray(yAt + r * Up, yAt + r * Up + units), r * units);
    if (this.activation === 'softmax') softmaxRows(y, rows, units);
    this.rows = rows;
    return y;
  }

  /**
   * The gradients of the last forward pass from dY, the gradient of its output y (softmax needs y: its Jacobian
   * is applied here, dz = y ⊙ (dy − Σ dy·y) per row; the other activations' slope comes from the kept Y).
   */
  backward(dY: Float32Array, y: Float32Array): DenseGradients {
    const { inputs: I, units: U, padded: Up, rows: R } = this;
    const Ip = region(I);
    const { x: xAt, y: yAt, end } = this.regions(R);
    const at = { dz: end, xt: 0, wt: 0, ones: 0, dw: 0, db: 0, dx: 0, end: 0 };
    at.xt = at.dz + R * Up;
    at.wt = at.xt + region(I * R);
    at.ones = at.wt + Up * Ip;
    at.dw = at.ones + region(R);
    at.db = at.dw + I * Up;
    at.dx = at.db + Up;
    at.end = at.dx + R * Ip;
    const f32 = this.memoryFor(at.end);
    f32.fill(0, at.dz, at.end);
    for (let r = 0; r < R; r++) {
      const dz = at.dz + r * Up;
      if (this.activation === 'softmax') {
        let dot = 0;
        for (let j = 0; j < U; j++) dot += dY[r * U + j]! * y[r * U + j]!;
        for (let j = 0; j < U; j++) f32[dz + j] = y[r * U + j]! * (dY[r * U + j]! - dot);
      } else f32.set(dY.subarray(r * U, (r + 1) * U), dz);
    }
    if (this.activation !== 'linear' && this.activation !== 'softmax') {
      this.back ??= instantiateWasm<ActivationBackwardModule>(denseBackwardWasm, this.k.memory);
      this.back.activationBackward(4 * yAt, 4 * at.dz, 4 * at.dz, R * Up, ACTIVATION_IDS[this.activation]);
    }
    for (let r = 0; r < R; r++) for (let c = 0; c < I; c++) f32[at.xt + c * R + r] = f32[xAt + r * I + c]!;
    for (let r = 0; r < I; r++) for (let j = 0; j < Up; j++) f32[at.wt + j * Ip + r] = f32[r * Up + j]!;
    f32.fill(1, at.ones, at.ones + R);
    this.k.gemm(4 * at.xt, 4 * at.dz, 0, 4 * at.dw, I, R, Up, 0);
    this.k.gemm(4 * at.ones, 4 * at.dz, 0, 4 * at.db, 1, R, Up, 0);
    this.k.gemm(4 * at.dz, 4 * at.wt, 0, 4 * at.dx, R, Up, Ip, 0);
    const dKernel = new Float32Array(I * U);
    for (let r = 0; r < I; r++) dKernel.set(f32.subarray(at.dw + r * Up, at.dw + r * Up + U), r * U);
    const dX = new Float32Array(R * I);
    for (let r = 0; r < R; r++) dX.set(f32.subarray(at.dx + r * Ip, at.dx + r * Ip + I), r * I);
    return { dX, dKernel, dBias: f32.slice(at.db, at.db + U) };
  }

  /** Where a call on `rows` rows keeps X [rows, inputs] and Y [rows, padded] (float offsets). */
  private regions(rows: number): { x: number; y: number; end: number } {
    const x = this.weightsEnd;
    const y = x + region(rows * this.inputs);
    return { x, y, end: y + rows * this.padded };
  }

  private memoryFor(floats: number): Float32Array {
    const have = this.k.memory.buffer.byteLength;
    if (have < floats * 4) growTo(this.k.memory, floats * 4);
    return new Float32Array(this.k.memory.buffer);
  }
}

/** Each row of y [rows, cols] replaced by its softmax, the largest value subtracted first. */
function softmaxRows(y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = y.subarray(r * cols, (r + 1) * cols);
    const top = row.reduce((a, b) => Math.max(a, b), -Infinity);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += row[j] = Math.exp(row[j]! - top);
    for (let j = 0; j < cols; j++) row[j]! /= sum;
  }
}
