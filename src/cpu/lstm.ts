/**
 * The LSTM forward pass on the CPU path: WebAssembly SIMD kernels (wasm/lstmStep.ts), the same inputs, options and
 * outputs as the GPU's functional `lstm` (src/ops/lstm.ts) and its float64 twin (src/reference/lstmStep.ts).
 *
 * What an LSTM layer runs on the wasm backend (src/cpu/model.ts), checked against the same twin at the GPU kernels'
 * tolerances (test/lstmStep.wasm.test.ts) and timed against TF.js's wasm backend by `npm run bench:wasm`; under
 * Keras's timestep mask too. Training: trainingForward keeps every step's gates and c, backward runs BPTT on them
 * (wasm/lstmStepBackward.ts), under recurrent dropout too (trainingForward's keep).
 */
import { ValueError } from '../errors';
import { ACTIVATION_IDS } from '../kernels/activations';
import { checkLstmInputs, resolveLstmOptions, type LstmInputs, type LstmOptions, type LstmOutputs } from '../ops/lstmArgs';
import { checkMask, checkTwoStates } from '../ops/recurrentArgs';
import type { TensorLike } from '../tensor';
import { lstmStepWasm } from '../wasm/lstmStep';
import { lstmStepBackwardWasm } from '../wasm/lstmStepBackward';
import { WasmRecurrence, weightsWithProbe, type CellGradients, type CellModule } from './recurrence';
import { instantiateWasm } from './wasmInstance';

interface LstmBackwardModule {
  lstmStepBackward(
    gates: number,
    cPrev: number,
    c: number,
    dh: number,
    dc: number,
    dz: number,
    rows: number,
    units: number,
    act: number,
    gateAct: number,
  ): void;
}

interface LstmModule extends CellModule {
  lstmStep(xw: number, u: number, hPrev: number, c: number, h: number, rows: number, units: number, act: number, gateAct: number, gates: number): void;
}

/** One LSTM's weights laid out for the kernels, and the forward pass over any batch and length. */
export class WasmLstm extends WasmRecurrence<LstmModule> {
  private readonly options: ReturnType<typeof resolveLstmOptions>;
  /** wasm/lstmStepBackward.ts on this cell's memory, made on the first backward. */
  private back: LstmBackwardModule | null = null;

  /** `weights` as the functional lstm takes them (Keras layout); `options` as its options. Checked as it checks them. */
  constructor(weights: { kernel: TensorLike; recurrentKernel: TensorLike; bias: TensorLike }, options: LstmOptions = {}) {
    const resolved = resolveLstmOptions(options);
    const w = checkLstmInputs(weightsWithProbe(weights));
    super(lstmStepWasm, 4, w.kernel, w.recurrentKernel, [w.bias.data]);
    this.options = resolved;
  }

  /** h_t for every step (returnSequences) or the last, and the final states [h, c], as float32. */
  forward(x: TensorLike, initialState?: readonly [TensorLike, TensorLike], mask?: TensorLike): LstmOutputs<Float32Array> {
    return this.run(x, initialState, mask, null);
  }

  /** `train`: keep what backward needs, with recurrent dropout's keep [batch, units] if given. */
  private run(
    x: TensorLike,
    initialState: readonly [TensorLike, TensorLike] | undefined,
    mask: TensorLike | undefined,
    train: { keep: Float32Array | null } | null,
  ): LstmOutputs<Float32Array> {
    const xt = this.checkX(x);
    const dims = this.dimsOf(xt);
    const { h0, c0 } = checkTwoStates(initialState, dims);
    const { activation, recurrentActivation } = this.options;
    const [act, gateAct] = [ACTIVATION_IDS[activation], ACTIVATION_IDS[recurrentActivation]];
    const run = this.sequence(
      xt,
      h0,
      [c0],
      0,
      this.options,
      (p) => this.k.lstmStep(p.xw, 4 * this.at.u, p.hPrev, p.extra[0]!, p.h, p.rows, this.padded, act, gateAct, p.cache),
      checkMask(mask, dims),
      train ? { cacheWidth: 4 * this.padded, keep: train.keep } : null,
    );
    return { output: run.output, h: run.h, c: run.extra[0]! };
  }

  /**
   * The forward pass of a training batch: as forward, keeping every step's gates and c for backward (the next
   * forward or trainingForward replaces them).
   */
  trainingForward(x: TensorLike, initialState?: readonly [TensorLike, TensorLike], mask?: TensorLike, keep?: Float32Array): LstmOutputs<Float32Array> {
    return this.run(x, initialState, mask, { keep: keep ?? null });
  }

  /** The gradients of the last trainingForward from dOutput, the gradient of its output. */
  backward(dOutput: Float32Array): CellGradients {
    this.back ??= instantiateWasm<LstmBackwardModule>(lstmStepBackwardWasm, this.k.memory);
    const back = this.back;
    const { activation, recurrentActivation } = this.options;
    const [act, gateAct] = [ACTIVATION_IDS[activation], ACTIVATION_IDS[recurrentActivation]];
    return this.backwardSequence(dOutput, { carries: 1 }, (p) =>
      back.lstmStepBackward(p.cache, p.extraPrev[0]!, p.extra[0]!, p.dh, p.carry[0]!, p.dz, p.rows, this.padded, act, gateAct),
    );
  }
}

/** The functional form, as src/ops/lstm.ts's lstm (forward only): a WasmLstm made for one call. */
export function lstmForwardWasm(inputs: LstmInputs<TensorLike>, options: LstmOptions = {}): LstmOutputs<Float32Array> {
  const checked = checkLstmInputs(inputs);
  if (checked.recurrentDropoutMask) throw new ValueError('the wasm LSTM takes no recurrent dropout mask yet (a training feature); run it on the GPU');
  return new WasmLstm(inputs, options).forward(checked.x, checked.h0 && checked.c0 ? [checked.h0, checked.c0] : undefined, checked.mask ?? undefined);
}
