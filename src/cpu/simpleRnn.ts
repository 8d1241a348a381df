/**
 * The SimpleRNN forward pass on the CPU path: WebAssembly SIMD kernels (wasm/simpleRnnStep.ts), the same inputs,
 * options and outputs as the GPU's functional `simpleRnn` (src/ops/simpleRnn.ts) and its float64 twin
 * (src/reference/simpleRnnStep.ts), under Keras's timestep mask too, and its backward pass (BPTT). Checked by
 * test/simpleRnnStep.wasm.test.ts and test/simpleRnnBackward.wasm.test.ts, recurrent dropout included (trainingForward's keep).
 */
import { ValueError } from '../errors';
import { ACTIVATION_IDS } from '../kernels/activations';
import { checkSimpleRnnInputs, resolveSimpleRnnOptions, type SimpleRnnInputs, type SimpleRnnOptions, type SimpleRnnOutputs } from '../ops/simpleRnnArgs';
import type { TensorLike } from '../tensor';
import { simpleRnnStepWasm } from '../wasm/simpleRnnStep';
import { checkInitialH, checkMask } from '../ops/recurrentArgs';
import { denseBackwardWasm } from '../wasm/denseBackward';
import { WasmRecurrence, weightsWithProbe, type CellGradients, type CellModule, type StepPointers } from './recurrence';
import type { ActivationBackwardModule } from './dense';
import { instantiateWasm } from './wasmInstance';

interface SimpleRnnModule extends CellModule {
  /** `starts` 0: dense U; else the byte pointers of a sparse U's index (wasm/simpleRnnStep.ts). */
  simpleRnnStep(xw: number, u: number, hPrev: number, h: number, rows: number, units: number, act: number, starts: number, list: number): void;
}

/** Floats a sparse index of Up padded units can take: a start per 4-unit block and, at most, every row per block. */
const indexFloats = (units: number) => {
  const up = Math.ceil(units / 4) * 4;
  return up / 4 + 1 + (up / 4) * up;
};

/** One SimpleRNN's weights laid out for the kernels, and the forward pass over any batch and length. */
export class WasmSimpleRnn extends WasmRecurrence<SimpleRnnModule> {
  private readonly options: ReturnType<typeof resolveSimpleRnnOptions>;
  /** wasm/denseBackward.ts on this cell's memory, made on the first backward. */
  private back: ActivationBackwardModule | null = null;
  /** A sparse reservoir's index (byte pointers), built from U as laid out; null: dense, or U too dense for it. */
  private index: { starts: number; list: number } | null = null;

  /**
   * `weights` as the functional simpleRnn takes them. Checked as it checks them. `leakRate` a < 1 makes it the
   * echo-state reservoir (src/reference/echoState.ts): h_t = (1 − a) h_{t−1} + a · act(…). `sparse`: U is mostly
   * zeros (a reservoir's connectivity), so the step multiplies only the 4-unit blocks that hold a non-zero, where
   * those are at most half of U's (the same sums while h is finite: the skipped products are zeros).
   */
  constructor(
    weights: { kernel: TensorLike; recurrentKernel: TensorLike; bias: TensorLike },
    options: SimpleRnnOptions = {},
    private readonly leakRate = 1,
    private readonly sparse = false,
  ) {
    const resolved = resolveSimpleRnnOptions(options);
    const w = checkSimpleRnnInputs(weightsWithProbe(weights));
    super(simpleRnnStepWasm, 1, w.kernel, w.recurrentKernel, [w.bias.data], sparse ? indexFloats(w.recurrentKernel.shape[0]!) : 0);
    this.options = resolved;
    if (sparse) this.buildIndex();
  }

  override layOut(kernel: ArrayLike<number>, recurrentKernel: ArrayLike<number>, biasRows: ArrayLike<number>[]): void {
    super.layOut(kernel, recurrentKernel, biasRows);
    // (Inside the base constructor `sparse` is not set yet: this class's constructor builds the first index.)
    if (this.sparse) this.buildIndex();
  }

  /** Lists, per 4-unit block of U's columns, the rows p with a non-zero there; keeps it only if that skips half. */
  private buildIndex(): void {
    this.index = null;
    const Up = this.padded;
    const blocks = Up / 4;
    const f32 = new Float32Array(this.k.memory.buffer);
    const i32 = new Int32Array(this.k.memory.buffer);
    const [starts, list] = [this.at.reserve, this.at.reserve + blocks + 1];
    let n = 0;
    for (let block = 0; block < blocks; block++) {
      i32[starts + block] = n;
      for (let p = 0; p < Up; p++) {
        const at = this.at.u + p * Up + 4 * block;
        if (f32[at] !== 0 || f32[at + 1] !== 0 || f32[at + 2] !== 0 || f32[at + 3] !== 0) i32[list + n++] = p;
      }
    }
    i32[starts + blocks] = n;
    if (n <= (blocks * Up) / 2) this.index = { starts: 4 * starts, list: 4 * list };
  }

  /** h_t for every step (returnSequences) or the last, and the final state, as float32. */
  forward(x: TensorLike, initialState?: readonly [TensorLike], mask?: TensorLike): SimpleRnnOutputs<Float32Array> {
    return this.run(x, initialState, mask, null);
  }

  /** The forward pass of a training batch, kept for backward (every h is kept anyway: nothing more to cache). */
  trainingForward(x: TensorLike, initialState?: readonly [TensorLike], mask?: TensorLike, keep?: Float32Array): SimpleRnnOutputs<Float32Array> {
    if (this.leakRate !== 1) throw new ValueError('a leaky reservoir (echoState) is not trained by gradient; fit its readout (fitRidge or a Dense after it)');
    return this.run(x, initialState, mask, { keep: keep ?? null });
  }

  /** The gradients of the last trainingForward from dOutput: dz_t = dh_t ⊙ act′(h_t) per step (wasm/denseBackward.ts). */
  backward(dOutput: Float32Array): CellGradients {
    this.back ??= instantiateWasm<ActivationBackwardModule>(denseBackwardWasm, this.k.memory);
    const back = this.back;
    const act = ACTIVATION_IDS[this.options.activation];
    return this.backwardSequence(dOutput, {}, (p) => back.activationBackward(p.h, p.dh, p.dz, p.rows * this.padded, act));
  }

  /** `train`: keep what backward needs, with recurrent dropout's keep [batch, units] if given. */
  private run(
    x: TensorLike,
    initialState: readonly [TensorLike] | undefined,
    mask: TensorLike | undefined,
    train: { keep: Float32Array | null } | null,
  ): SimpleRnnOutputs<Float32Array> {
    const xt = this.checkX(x);
    const dims = this.dimsOf(xt);
    const h0 = checkInitialH(initialState, dims);
    const act = ACTIVATION_IDS[this.options.activation];
    const a = this.leakRate;
    const index = this.index;
    let f32 = new Float32Array(0);
    const step = (p: StepPointers) => {
      this.k.simpleRnnStep(p.xw, 4 * this.at.u, p.hPrev, p.h, p.rows, this.padded, act, index?.starts ?? 0, index?.list ?? 0);
      if (a === 1) return;
      // One view for the whole sequence (the memory grows before the first step, never during one).
      if (f32.buffer !== this.k.memory.buffer) f32 = new Float32Array(this.k.memory.buffer);
      const [from, to] = [p.hTrue / 4, p.h / 4];
      for (let i = 0; i < p.rows * this.padded; i++) f32[to + i] = (1 - a) * f32[from + i]! + a * f32[to + i]!;
    };
    const run = this.sequence(xt, h0, [], 0, this.options, step, checkMask(mask, dims), train ? { cacheWidth: 0, keep: train.keep } : null);
    return { output: run.output, h: run.h };
  }
}

/** The functional form, as src/ops/simpleRnn.ts's simpleRnn (forward only): a WasmSimpleRnn made for one call. */
export function simpleRnnForwardWasm(inputs: SimpleRnnInputs<TensorLike>, options: SimpleRnnOptions = {}): SimpleRnnOutputs<Float32Array> {
  const checked = checkSimpleRnnInputs(inputs);
  if (checked.recurrentDropoutMask) throw new ValueError('the wasm SimpleRNN takes no recurrent dropout mask yet (a training feature); run it on the GPU');
  return new WasmSimpleRnn(inputs, options).forward(checked.x, checked.h0 ? [checked.h0] : undefined, checked.mask ?? undefined);
}
