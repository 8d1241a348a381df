/**
 * The LSTM forward pass on the CPU path: WebAssembly SIMD kernels (wasm/lstmStep.ts), the same inputs, options and
 * outputs as the GPU's functional `lstm` (src/ops/lstm.ts) and its float64 twin (src/reference/lstmStep.ts).
 *
 * The first brick of the wasm backend (issue 20): it runs the recurrence the GPU path runs, checked against the same
 * twin at the same tolerances (test/lstmStep.wasm.test.ts), and times it against TF.js's wasm backend in
 * `npm run bench:wasm`. Masks, recurrent dropout and the backward pass are not here yet.
 */
import { ShapeError, ValueError } from '../errors';
import { ACTIVATION_IDS } from '../kernels/activations';
import { checkTwoStates } from '../ops/recurrentArgs';
import { checkLstmInputs, resolveLstmOptions, type LstmInputs, type LstmOptions, type LstmOutputs } from '../ops/lstmArgs';
import { toTensor, type TensorLike } from '../tensor';
import { lstmStepWasm } from '../wasm/lstmStep';

interface Kernels {
  memory: WebAssembly.Memory;
  gemm(a: number, b: number, bias: number, c: number, m: number, k: number, n: number): void;
  lstmStep(xw: number, u: number, hPrev: number, c: number, h: number, rows: number, units: number, act: number, gateAct: number): void;
}

/** Compiled once: about 3 KB, within what a page's main thread may compile synchronously (4 KB). */
let compiled: WebAssembly.Module | undefined;

/**
 * One LSTM's weights in WebAssembly memory, laid out once for the kernels (padded gate blocks), and the forward pass
 * over any batch and length: what a layer of a model on the CPU path holds. The memory grows to the largest call so
 * far and is reused, so repeated calls of one shape allocate nothing.
 */
export class WasmLstm {
  readonly features: number;
  readonly units: number;
  private readonly padded: number;
  private readonly options: ReturnType<typeof resolveLstmOptions>;
  private kernels: Kernels;

  /** `weights` as the functional lstm takes them (Keras layout); `options` as its options. Checked as it checks them. */
  constructor(weights: { kernel: TensorLike; recurrentKernel: TensorLike; bias: TensorLike }, options: LstmOptions = {}) {
    this.options = resolveLstmOptions(options);
    const kernel = toTensor(weights.kernel, 'kernel');
    // The functional op's weight checks, with a one-step x of the kernel's width.
    const probe = { data: new Float32Array(kernel.shape[0] ?? 0), shape: [1, 1, kernel.shape[0] ?? 0] };
    const { dims } = checkLstmInputs({ kernel: weights.kernel, recurrentKernel: weights.recurrentKernel, bias: weights.bias, x: probe });
    [this.features, this.units] = [dims.features, dims.units];
    const [F, U] = [this.features, this.units];
    const Up = (this.padded = Math.ceil(U / 4) * 4);
    const G = 4 * Up;
    this.kernels = instantiate(4 * (F * G + Up * G + G));
    const f32 = new Float32Array(this.kernels.memory.buffer);
    // Into padded gate blocks (i, f, g, o, each Up wide); a padded unit's weights stay zero.
    const padGates = (from: ArrayLike<number>, rows: number, at: number) => {
      for (let r = 0; r < rows; r++) for (let g = 0; g < 4; g++) for (let j = 0; j < U; j++) f32[at + r * G + g * Up + j] = from[r * 4 * U + g * U + j]!;
    };
    padGates(toTensor(weights.kernel, 'kernel').data, F, 0);
    padGates(toTensor(weights.recurrentKernel, 'recurrentKernel').data, U, F * G);
    padGates(toTensor(weights.bias, 'bias').data, 1, F * G + Up * G);
  }

  /** h_t for every step (returnSequences) or the last, and the final states [h, c], as float32. */
  forward(x: TensorLike, initialState?: readonly [TensorLike, TensorLike]): LstmOutputs<Float32Array> {
    const { features: F, units: U, padded: Up } = this;
    const G = 4 * Up;
    const xt = toTensor(x, 'x');
    const [B, T] = xt.shape as [number, number];
    if (xt.shape.length !== 3 || xt.shape[2] !== F || !(B >= 1 && T >= 1)) {
      throw new ShapeError(`lstm expects x [batch, timesteps, ${F}] (its kernel takes ${F} features), every size ≥ 1; got [${xt.shape.join(', ')}]`);
    }
    const inputs = { x: xt, ...checkTwoStates(initialState, { batch: B, timesteps: T, features: F, units: U }) };
    const { activation, recurrentActivation, returnSequences, goBackwards } = this.options;
    // Float offsets, one region after another on 16-byte boundaries: the weights (laid out by the constructor), then
    // x time-major, XW, h for every step (slot 0: h0), c.
    const layout = regions({ w: F * G, u: Up * G, bias: G, x: T * B * F, xw: T * B * G, h: (T + 1) * B * Up, c: B * Up });
    const k = this.grow(layout.total * 4);
    const f32 = new Float32Array(k.memory.buffer);
    // x time-major in processing order: step s reads x at time s, or T−1−s going backwards.
    const xs = inputs.x.data;
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) f32.set(xs.subarray((b * T + t) * F, (b * T + t + 1) * F), layout.x + (s * B + b) * F);
    }
    f32.fill(0, layout.h, layout.total);
    for (let b = 0; b < B; b++) {
      if (inputs.h0) f32.set(inputs.h0.data.subarray(b * U, (b + 1) * U), layout.h + b * Up);
      if (inputs.c0) f32.set(inputs.c0.data.subarray(b * U, (b + 1) * U), layout.c + b * Up);
    }
    k.gemm(4 * layout.x, 4 * layout.w, 4 * layout.bias, 4 * layout.xw, T * B, F, G);
    const [act, gateAct] = [ACTIVATION_IDS[activation], ACTIVATION_IDS[recurrentActivation]];
    for (let s = 0; s < T; s++) {
      const hPrev = layout.h + s * B * Up;
      k.lstmStep(4 * (layout.xw + s * B * G), 4 * layout.u, 4 * hPrev, 4 * layout.c, 4 * (hPrev + B * Up), B, Up, act, gateAct);
    }
    /** Rows of U values from the padded [rows, Up] at `at`. */
    const unpad = (at: number, rows: number) => {
      const out = new Float32Array(rows * U);
      for (let r = 0; r < rows; r++) out.set(f32.subarray(at + r * Up, at + r * Up + U), r * U);
      return out;
    };
    const last = layout.h + T * B * Up;
    let output: Float32Array;
    if (returnSequences) {
      output = new Float32Array(B * T * U);
      for (let b = 0; b < B; b++)
        for (let s = 0; s < T; s++) output.set(f32.subarray(layout.h + ((s + 1) * B + b) * Up, layout.h + ((s + 1) * B + b) * Up + U), (b * T + s) * U);
    } else output = unpad(last, B);
    return { output, h: unpad(last, B), c: unpad(layout.c, B) };
  }

  private grow(bytes: number): Kernels {
    const have = this.kernels.memory.buffer.byteLength;
    if (have < bytes) this.kernels.memory.grow(Math.ceil((bytes - have) / 65536));
    return this.kernels;
  }
}

/** The functional form, as src/ops/lstm.ts's lstm (forward only): a WasmLstm made for one call. */
export function lstmForwardWasm(inputs: LstmInputs<TensorLike>, options: LstmOptions = {}): LstmOutputs<Float32Array> {
  const checked = checkLstmInputs(inputs);
  if (checked.mask || checked.recurrentDropoutMask) {
    throw new ValueError('the wasm LSTM takes no mask and no recurrent dropout mask yet; run them on the GPU (createRuntime())');
  }
  return new WasmLstm(inputs, options).forward(checked.x, checked.h0 && checked.c0 ? [checked.h0, checked.c0] : undefined);
}

/** The kernels on a fresh memory of at least `bytes`. */
function instantiate(bytes: number): Kernels {
  compiled ??= new WebAssembly.Module(Uint8Array.from(atob(lstmStepWasm), (c) => c.charCodeAt(0)));
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Omit<Kernels, 'memory'>;
  return { memory, gemm: exports.gemm, lstmStep: exports.lstmStep };
}

/** Consecutive regions of the given float counts, each starting on a 16-byte boundary; `total` floats in all. */
function regions<K extends string>(sizes: Record<K, number>): Record<K, number> & { total: number } {
  let at = 0;
  const out: Record<string, number> = {};
  for (const [name, size] of Object.entries(sizes) as [K, number][]) {
    out[name] = at;
    at += Math.ceil(size / 4) * 4;
  }
  return { ...(out as Record<K, number>), total: at };
}
