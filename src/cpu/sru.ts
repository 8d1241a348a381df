/**
 * The SRU on the CPU path (Lei et al. 2018, as src/reference/sruSeq.ts writes it): the projections of every timestep
 * as one GEMM (wasm/dense.ts through WasmDense), then the element-wise recurrence, each unit's own loop over time, in
 * WebAssembly SIMD (wasm/sruSeq.ts, where the equations are):
 *
 *   x̃ = x·W   f = σ(x·W_f + v_f ⊙ c + b_f)   r = σ(x·W_r + v_r ⊙ c + b_r)
 *   c' = f ⊙ c + (1 − f) ⊙ x̃                  h = r ⊙ g(c') + (1 − r) ⊙ x̂,  x̂ = x (features = units) or x·W_h
 *
 * Under Keras's timestep mask a masked step keeps both states. Training: backward runs the recurrence back in the
 * same module, then the projection's backward (its GEMMs). Checked against the twin by test/sruSeq.wasm.test.ts.
 */
import { ACTIVATION_IDS, type CellActivation } from '../kernels/activations';
import { sruSeqWasm } from '../wasm/sruSeq';
import { WasmDense } from './dense';
import { growTo, instantiateWasm } from './wasmInstance';

interface SruModule {
  memory: WebAssembly.Memory;
  sruForward(...args: number[]): void;
  sruBackward(...args: number[]): void;
}

/** Float counts rounded up to whole f32x4 vectors, so every region starts 16-byte aligned. */
const region = (floats: number) => Math.ceil(floats / 4) * 4;

export class WasmSru {
  private readonly projection: WasmDense;
  private readonly blocks: number;
  /** Units rounded up to a multiple of 4: the recurrence's lanes. */
  private readonly padded: number;
  private readonly k: SruModule;
  private trace: SruTrace | null = null;

  constructor(
    private readonly features: number,
    private readonly units: number,
    kernel: ArrayLike<number>,
    recurrentWeights: ArrayLike<number>,
    bias: ArrayLike<number>,
    private readonly options: { activation: CellActivation; returnSequences: boolean; goBackwards: boolean },
  ) {
    this.blocks = features === units ? 3 : 4;
    this.padded = region(units);
    this.projection = new WasmDense(features, this.blocks * units, kernel, null, 'linear');
    this.k = instantiateWasm<SruModule>(sruSeqWasm, 4 * 4 * this.padded);
    this.layOutRecurrent(recurrentWeights, bias);
  }

  /** New weights of the same sizes (training changes them every batch). */
  layOut(kernel: ArrayLike<number>, recurrentWeights: ArrayLike<number>, bias: ArrayLike<number>): void {
    this.projection.layOut(kernel, null);
    this.layOutRecurrent(recurrentWeights, bias);
  }

  /** v and the bias, [2][Up] each, at the memory's start. */
  private layOutRecurrent(recurrentWeights: ArrayLike<number>, bias: ArrayLike<number>): void {
    const [U, Up] = [this.units, this.padded];
    const f32 = new Float32Array(this.k.memory.buffer);
    f32.fill(0, 0, 4 * Up);
    for (let g = 0; g < 2; g++) {
      for (let j = 0; j < U; j++) {
        f32[g * Up + j] = recurrentWeights[g * U + j]!;
        f32[2 * Up + g * Up + j] = bias[g * U + j]!;
      }
    }
  }

  /**
   * x [B, T, F] batch-major; states [h, c] [B, U] each, updated in place; mask [B, T] or null. Returns the output.
   * `train` keeps what backward needs (c of every step), with recurrent dropout's keep [B, U] on c_{t−1} if given.
   */
  forward(
    x: Float32Array,
    B: number,
    T: number,
    states: [Float32Array, Float32Array],
    mask: Float32Array | null,
    train: { keep: Float32Array | null } | null = null,
  ): Float32Array {
    const { units: U, padded: Up, blocks } = this;
    const { activation, returnSequences, goBackwards } = this.options;
    const p = this.projection.forward(x, B * T);
    const keep = train?.keep ?? null;
    // Float offsets after v and the bias [4·Up].
    const at = { c: 4 * Up, h: 0, keep: 0, mask: 0, p: 0, skip: 0, out: 0, kept: 0, end: 0 };
    at.h = at.c + B * Up;
    at.keep = at.h + B * Up;
    at.mask = at.keep + (keep ? B * Up : 0);
    at.p = at.mask + (mask ? region(B * T) : 0);
    at.skip = at.p + B * T * blocks * Up;
    at.out = at.skip + (blocks === 3 ? B * T * Up : 0);
    at.kept = at.out + (returnSequences ? B * T * Up : 0);
    at.end = at.kept + (train ? (T + 1) * B * Up : 0);
    const f32 = this.memoryFor(at.end);
    f32.fill(0, at.c, at.end);
    pad(f32, states[1], B, U, at.c, Up);
    pad(f32, states[0], B, U, at.h, Up);
    if (keep) pad(f32, keep, B, U, at.keep, Up);
    if (mask) f32.set(mask.subarray(0, B * T), at.mask);
    pad(f32, p, B * T * blocks, U, at.p, Up);
    if (blocks === 3) pad(f32, x, B * T, U, at.skip, Up);
    if (train) f32.copyWithin(at.kept, at.c, at.c + B * Up);
    const ptr = (on: boolean, floats: number) => (on ? 4 * floats : 0);
    this.k.sruForward(
      4 * at.p,
      ptr(blocks === 3, at.skip),
      0,
      4 * 2 * Up,
      4 * at.c,
      4 * at.h,
      ptr(keep !== null, at.keep),
      ptr(mask !== null, at.mask),
      ptr(returnSequences, at.out),
      ptr(train !== null, at.kept),
      B,
      T,
      Up,
      blocks,
      ACTIVATION_IDS[activation],
      goBackwards ? 1 : 0,
    );
    const view = new Float32Array(this.k.memory.buffer);
    unpad(view, at.h, B, U, Up, states[0]);
    unpad(view, at.c, B, U, Up, states[1]);
    const out = returnSequences ? unpad(view, at.out, B * T, U, Up) : states[0].slice(0, B * U);
    this.trace = train ? { p, B, T, at, keep: keep !== null, mask: mask !== null } : null;
    return out;
  }

  /**
   * Backpropagation through time over the last training forward pass, from dOut (its output's gradient): the
   * recurrence back in WebAssembly into the projections' gradient dP, which the projection's backward (its GEMMs)
   * turns into dKernel and dX. Masked steps pass dh and dc on.
   */
  backward(dOut: Float32Array): { dX: Float32Array; dKernel: Float32Array; dRecurrentWeights: Float32Array; dBias: Float32Array } {
    const tr = this.trace;
    if (!tr) throw new Error('WasmSru.backward needs a training forward pass first');
    const { units: U, padded: Up, blocks } = this;
    const { activation, returnSequences, goBackwards } = this.options;
    const { p, B, T, at } = tr;
    const d = { out: at.end, h: 0, c: 0, p: 0, skip: 0, v: 0, bias: 0, end: 0 };
    d.h = d.out + (returnSequences ? B * T * Up : 0);
    d.c = d.h + B * Up;
    d.p = d.c + B * Up;
    d.skip = d.p + B * T * blocks * Up;
    d.v = d.skip + (blocks === 3 ? B * T * Up : 0);
    d.bias = d.v + 2 * Up;
    d.end = d.bias + 2 * Up;
    const f32 = this.memoryFor(d.end);
    f32.fill(0, d.out, d.end);
    pad(f32, dOut, returnSequences ? B * T : B, U, returnSequences ? d.out : d.h, Up);
    this.k.sruBackward(
      4 * at.p,
      blocks === 3 ? 4 * at.skip : 0,
      0,
      4 * 2 * Up,
      tr.keep ? 4 * at.keep : 0,
      tr.mask ? 4 * at.mask : 0,
      4 * at.kept,
      returnSequences ? 4 * d.out : 0,
      4 * d.h,
      4 * d.c,
      4 * d.p,
      blocks === 3 ? 4 * d.skip : 0,
      4 * d.v,
      4 * d.bias,
      B,
      T,
      Up,
      blocks,
      ACTIVATION_IDS[activation],
      goBackwards ? 1 : 0,
    );
    const view = new Float32Array(this.k.memory.buffer);
    const g = this.projection.backward(unpad(view, d.p, B * T * blocks, U, Up), p);
    if (blocks === 3) {
      const dSkipX = unpad(view, d.skip, B * T, U, Up);
      for (let i = 0; i < dSkipX.length; i++) g.dX[i]! += dSkipX[i]!;
    }
    return { dX: g.dX, dKernel: g.dKernel, dRecurrentWeights: unpad(view, d.v, 2, U, Up), dBias: unpad(view, d.bias, 2, U, Up) };
  }

  private memoryFor(floats: number): Float32Array {
    growTo(this.k.memory, floats * 4);
    return new Float32Array(this.k.memory.buffer);
  }
}

/** `rows` rows of `cols` from `from` into memory at `at`, each row `stride` floats apart. */
function pad(f32: Float32Array, from: Float32Array, rows: number, cols: number, at: number, stride: number): void {
  for (let r = 0; r < rows; r++) f32.set(from.subarray(r * cols, (r + 1) * cols), at + r * stride);
}

/** The inverse: `rows` rows of `cols` out of memory (into `into`, or a new array). */
function unpad(f32: Float32Array, at: number, rows: number, cols: number, stride: number, into: Float32Array = new Float32Array(rows * cols)): Float32Array {
  for (let r = 0; r < rows; r++) into.set(f32.subarray(at + r * stride, at + r * stride + cols), r * cols);
  return into;
}

/** What a training forward pass kept for backward: the projections (the dense backward's y) and where its data is. */
interface SruTrace {
  p: Float32Array;
  B: number;
  T: number;
  at: { c: number; h: number; keep: number; mask: number; p: number; skip: number; out: number; kept: number; end: number };
  keep: boolean;
  mask: boolean;
}
