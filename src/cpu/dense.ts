/**
 * A Dense layer's forward pass on the CPU path (wasm/dense.ts): Y = act(X·W + b) over any number of rows, the
 * weights laid out once with the output columns padded to a multiple of 4. Softmax runs here, row by row, as the
 * float64 twin writes it (src/reference/dense.ts).
 */
import { ACTIVATION_IDS } from '../kernels/activations';
import type { DenseActivation } from '../kernels/dense';
import { denseWasm } from '../wasm/dense';
import type { CellModule } from './recurrence';
import { instantiateWasm } from './wasmInstance';

interface DenseModule extends CellModule {
  activateAll(y: number, count: number, act: number): void;
}

export class WasmDense {
  private readonly k: DenseModule;
  private readonly padded: number;
  /** Float offsets: W [inputs, padded], then the bias [padded] (zeros without one). */
  private readonly weightsEnd: number;

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
    const f32 = new Float32Array(this.k.memory.buffer);
    for (let r = 0; r < inputs; r++) for (let j = 0; j < units; j++) f32[r * Up + j] = kernel[r * units + j]!;
    if (bias) for (let j = 0; j < units; j++) f32[inputs * Up + j] = bias[j]!;
  }

  /** Y [rows, units] from X [rows, inputs]. */
  forward(x: Float32Array, rows: number): Float32Array {
    const { inputs, units, padded: Up } = this;
    const xAt = this.weightsEnd;
    const yAt = xAt + Math.ceil((rows * inputs) / 4) * 4;
    const bytes = 4 * (yAt + rows * Up);
    const have = this.k.memory.buffer.byteLength;
    if (have < bytes) this.k.memory.grow(Math.ceil((bytes - have) / 65536));
    const f32 = new Float32Array(this.k.memory.buffer);
    f32.set(x.subarray(0, rows * inputs), xAt);
    this.k.gemm(4 * xAt, 0, 4 * inputs * Up, 4 * yAt, rows, inputs, Up);
    if (this.activation !== 'linear' && this.activation !== 'softmax') this.k.activateAll(4 * yAt, rows * Up, ACTIVATION_IDS[this.activation]);
    const y = new Float32Array(rows * units);
    for (let r = 0; r < rows; r++) y.set(f32.subarray(yAt + r * Up, yAt + r * Up + units), r * units);
    if (this.activation === 'softmax') softmaxRows(y, rows, units);
    return y;
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
