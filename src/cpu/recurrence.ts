/**
 * What the CPU path's recurrent cells share (src/cpu/lstm.ts, gru.ts, simpleRnn.ts): weights laid out once in
 * WebAssembly memory for the kernels in wasm/, and the loop over time. Units are padded to a multiple of 4 (the
 * kernels' f32x4 lanes) in every gate block; a padded unit has zero weights in and out, so it never reaches a real
 * one. Memory (float offsets, 16-byte aligned regions): the weights, then per call x time-major in processing
 * order, XW = X·W + b for every step, h for every step (slot 0: the initial state), then each extra per-row vector
 * (the LSTM's c, the GRU's scratch). The memory grows to the largest call and is reused.
 */
import { ShapeError } from '../errors';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { instantiateWasm } from './wasmInstance';

/** What every cell's module exports besides its step: the memory it was given and the input projection. */
export interface CellModule {
  memory: WebAssembly.Memory;
  gemm(a: number, b: number, bias: number, c: number, m: number, k: number, n: number): void;
}

/** Byte pointers one timestep's kernel call takes. */
export interface StepPointers {
  /** XW_t [rows, gates·Up]. */
  xw: number;
  hPrev: number;
  h: number;
  /** The extra per-row vectors [rows, Up] each, in the order asked for. */
  extra: number[];
  rows: number;
}

/**
 * The weights with a one-step x of the kernel's width: what the functional op's input checks take, so a cell on the
 * CPU path refuses bad weights with the GPU op's typed errors before it lays anything out.
 */
export function weightsWithProbe(weights: { kernel: TensorLike; recurrentKernel: TensorLike; bias: TensorLike }) {
  const width = toTensor(weights.kernel, 'kernel').shape[0] ?? 0;
  return { kernel: weights.kernel, recurrentKernel: weights.recurrentKernel, bias: weights.bias, x: { data: new Float32Array(width), shape: [1, 1, width] } };
}

export abstract class WasmRecurrence<K extends CellModule> {
  readonly features: number;
  readonly units: number;
  /** Units rounded up to a multiple of 4. */
  protected readonly padded: number;
  protected readonly gates: number;
  protected readonly k: K;
  /** Float offsets of the laid-out weights: W [F, gates·Up], U [Up, gates·Up], each bias row [gates·Up]. */
  protected readonly at: { w: number; u: number; bias: number[]; end: number };

  /** `biasRows`: the input bias first (it goes into XW), then any the step kernel adds itself. */
  protected constructor(base64: string, gates: number, kernel: Tensor, recurrentKernel: Tensor, biasRows: ArrayLike<number>[]) {
    [this.features, this.units, this.gates] = [kernel.shape[0]!, recurrentKernel.shape[0]!, gates];
    const [F, U] = [this.features, this.units];
    const Up = (this.padded = Math.ceil(U / 4) * 4);
    const G = gates * Up;
    const bias = biasRows.map((_, i) => F * G + Up * G + i * G);
    this.at = { w: 0, u: F * G, bias, end: F * G + Up * G + biasRows.length * G };
    this.k = instantiateWasm<K>(base64, 4 * this.at.end);
    const f32 = new Float32Array(this.k.memory.buffer);
    const pad = (from: ArrayLike<number>, rows: number, at: number) => {
      for (let r = 0; r < rows; r++) for (let g = 0; g < gates; g++) for (let j = 0; j < U; j++) f32[at + r * G + g * Up + j] = from[(r * gates + g) * U + j]!;
    };
    pad(kernel.data, F, this.at.w);
    pad(recurrentKernel.data, U, this.at.u);
    biasRows.forEach((row, i) => pad(row, 1, bias[i]!));
  }

  /** x checked against these weights: [batch, timesteps, features], every size ≥ 1. */
  protected checkX(x: TensorLike): Tensor {
    const xt = toTensor(x, 'x');
    const [B, T] = xt.shape as [number, number];
    if (xt.shape.length !== 3 || xt.shape[2] !== this.features || !(B >= 1 && T >= 1)) {
      throw new ShapeError(
        `the layer expects x [batch, timesteps, ${this.features}] (its kernel takes ${this.features} features), every size ≥ 1; got [${xt.shape.join(', ')}]`,
      );
    }
    return xt;
  }

  /** The dims the functional ops' checks take, for x checked by checkX. */
  protected dimsOf(x: Tensor): { batch: number; timesteps: number; features: number; units: number } {
    return { batch: x.shape[0]!, timesteps: x.shape[1]!, features: this.features, units: this.units };
  }

  /**
   * Runs the sequence: x into memory in processing order, XW by one GEMM, then `step` for each timestep. `extra`:
   * the initial values of the per-row vectors the step keeps (null: zeros), and `scratch` more of them that start
   * at zero. `mask` [batch, timesteps] (input time, 0 = padding): a masked row's step keeps h and the extras. Returns the output (every h, batch-major, or the last), the final h and each kept vector, unpadded.
   */
  protected sequence(
    x: Tensor,
    h0: Tensor | null,
    extra: (Tensor | null)[],
    scratch: number,
    options: { returnSequences: boolean; goBackwards: boolean },
    step: (p: StepPointers) => void,
    mask: Tensor | null = null,
  ): { output: Float32Array; h: Float32Array; extra: Float32Array[] } {
    const { units: U, padded: Up, features: F } = this;
    const G = this.gates * Up;
    const [B, T] = x.shape as [number, number];
    const region = (floats: number) => Math.ceil(floats / 4) * 4;
    const xAt = this.at.end;
    const xwAt = xAt + region(T * B * F);
    const hAt = xwAt + T * B * G;
    const extraAt = hAt + (T + 1) * B * Up;
    const total = extraAt + (extra.length + scratch) * B * Up;
    const have = this.k.memory.buffer.byteLength;
    if (have < total * 4) this.k.memory.grow(Math.ceil((total * 4 - have) / 65536));
    const f32 = new Float32Array(this.k.memory.buffer);
    for (let s = 0; s < T; s++) {
      const t = options.goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) f32.set(x.data.subarray((b * T + t) * F, (b * T + t + 1) * F), xAt + (s * B + b) * F);
    }
    f32.fill(0, hAt, total);
    const rows = (from: Tensor | null, at: number) => {
      if (from) for (let b = 0; b < B; b++) f32.set(from.data.subarray(b * U, (b + 1) * U), at + b * Up);
    };
    rows(h0, hAt);
    extra.forEach((e, i) => rows(e, extraAt + i * B * Up));
    this.k.gemm(4 * xAt, 4 * this.at.w, 4 * this.at.bias[0]!, 4 * xwAt, T * B, F, G);
    const extraPointers = Array.from({ length: extra.length + scratch }, (_, i) => 4 * (extraAt + i * B * Up));
    for (let s = 0; s < T; s++) {
      const hPrev = hAt + s * B * Up;
      // Keras's mask: a masked row keeps its states through the step (h carried over, the kept extras restored).
      const t = options.goBackwards ? T - 1 - s : s;
      const masked = mask ? Array.from({ length: B }, (_, b) => b).filter((b) => mask.data[b * T + t] === 0) : [];
      const saved = masked.map((b) => extra.map((_, i) => f32.slice(extraAt + (i * B + b) * Up, extraAt + (i * B + b + 1) * Up)));
      step({ xw: 4 * (xwAt + s * B * G), hPrev: 4 * hPrev, h: 4 * (hPrev + B * Up), extra: extraPointers, rows: B });
      masked.forEach((b, k) => {
        f32.copyWithin(hPrev + B * Up + b * Up, hPrev + b * Up, hPrev + (b + 1) * Up);
        saved[k]!.forEach((v, i) => f32.set(v, extraAt + (i * B + b) * Up));
      });
    }
    const unpad = (at: number) => {
      const out = new Float32Array(B * U);
      for (let b = 0; b < B; b++) out.set(f32.subarray(at + b * Up, at + b * Up + U), b * U);
      return out;
    };
    const last = unpad(hAt + T * B * Up);
    let output = last;
    if (options.returnSequences) {
      output = new Float32Array(B * T * U);
      for (let b = 0; b < B; b++) {
        for (let s = 0; s < T; s++) output.set(f32.subarray(hAt + ((s + 1) * B + b) * Up, hAt + ((s + 1) * B + b) * Up + U), (b * T + s) * U);
      }
    }
    return { output, h: last, extra: extra.map((_, i) => unpad(extraAt + i * B * Up)) };
  }
}
