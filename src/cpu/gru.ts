/**
 * The GRU forward pass on the CPU path: WebAssembly SIMD kernels (wasm/gruStep.ts), the same inputs, options and
 * outputs as the GPU's functional `gru` (src/ops/gru.ts) and its float64 twin (src/reference/gruStep.ts), both
 * reset conventions, under Keras's timestep mask, and its backward pass (BPTT, wasm/gruStepBackward.ts). Checked by
 * test/gruStep.wasm.test.ts and test/gruBackward.wasm.test.ts, recurrent dropout included (trainingForward's keep).
 */
import { ValueError } from '../errors';
import { ACTIVATION_IDS } from '../kernels/activations';
import { checkGruInputs, resolveGruOptions, type GruInputs, type GruOptions, type GruOutputs } from '../ops/gruArgs';
import type { TensorLike } from '../tensor';
import { gruStepWasm } from '../wasm/gruStep';
import { checkInitialH, checkMask } from '../ops/recurrentArgs';
import { gruStepBackwardWasm } from '../wasm/gruStepBackward';
import { WasmRecurrence, weightsWithProbe, type BackPointers, type CellGradients, type CellModule, type RecurrentFix, type StepPointers } from './recurrence';
import { instantiateWasm } from './wasmInstance';

interface GruModule extends CellModule {
  gruStep(xw: number, u: number, bias: number, hPrev: number, h: number, rows: number, units: number, act: number, gateAct: number, cache: number): void;
  gruGates(xw: number, u: number, hPrev: number, z: number, rh: number, rows: number, units: number, gateAct: number, cache: number): void;
  gruCandidate(xw: number, u: number, rh: number, z: number, hPrev: number, h: number, rows: number, units: number, act: number, cache: number): void;
}

/** wasm/gruStepBackward.ts, on the forward module's memory. */
interface GruBackwardModule {
  gruStepBackward(
    cache: number,
    hPrev: number,
    dh: number,
    dz: number,
    dzh: number,
    dhPrev: number,
    rows: number,
    units: number,
    act: number,
    gateAct: number,
  ): void;
  gruBackwardGates(
    cache: number,
    hPrev: number,
    dh: number,
    dz: number,
    dzh: number,
    daH: number,
    dhPrev: number,
    rows: number,
    units: number,
    act: number,
    gateAct: number,
  ): void;
  gruBackwardReset(cache: number, hPrev: number, dRh: number, dz: number, dzh: number, dhPrev: number, rows: number, units: number, gateAct: number): void;
}

/** One GRU's weights laid out for the kernels, and the forward pass over any batch and length. */
export class WasmGru extends WasmRecurrence<GruModule> {
  private readonly options: ReturnType<typeof resolveGruOptions>;
  private back: GruBackwardModule | null = null;

  /** `weights` as the functional gru takes them (bias [2, 3u] with resetAfter, else [3u]). Checked as it checks them. */
  constructor(weights: { kernel: TensorLike; recurrentKernel: TensorLike; bias: TensorLike }, options: GruOptions = {}) {
    const resolved = resolveGruOptions(options);
    const w = checkGruInputs(weightsWithProbe(weights), resolved.resetAfter);
    const G = 3 * w.dims.units;
    // resetAfter: row 0 goes into XW, row 1 (the recurrent bias) into the step; reset before: one row.
    const rows = resolved.resetAfter ? [w.bias.data.subarray(0, G), w.bias.data.subarray(G, 2 * G)] : [w.bias.data];
    super(gruStepWasm, 3, w.kernel, w.recurrentKernel, rows);
    this.options = resolved;
  }

  /** h_t for every step (returnSequences) or the last, and the final state, as float32. */
  forward(x: TensorLike, initialState?: readonly [TensorLike], mask?: TensorLike): GruOutputs<Float32Array> {
    return this.run(x, initialState, mask, null);
  }

  /** The forward pass of a training batch, keeping z, r, hh and n (or r ⊙ h) of every step for backward. */
  trainingForward(x: TensorLike, initialState?: readonly [TensorLike], mask?: TensorLike, keep?: Float32Array): GruOutputs<Float32Array> {
    return this.run(x, initialState, mask, { keep: keep ?? null });
  }

  /**
   * The gradients of the last trainingForward from dOutput (wasm/gruStepBackward.ts). dBias in Keras's layout: [2, 3u]
   * (input row, then recurrent row) with resetAfter, else [3u].
   */
  backward(dOutput: Float32Array): CellGradients {
    this.back ??= instantiateWasm<GruBackwardModule>(gruStepBackwardWasm, this.k.memory);
    const back = this.back;
    const { activation, recurrentActivation, resetAfter } = this.options;
    const [act, gateAct, Up] = [ACTIVATION_IDS[activation], ACTIVATION_IDS[recurrentActivation], this.padded];
    if (resetAfter) {
      const g = this.backwardSequence(dOutput, { separateRecurrent: true }, (p) =>
        back.gruStepBackward(p.cache, p.hPrev, p.dh, p.dz, p.dzh, p.dhPrev, p.rows, Up, act, gateAct),
      );
      const bias = new Float32Array(2 * g.dBias.length);
      bias.set(g.dBias);
      bias.set(g.dRecurrentBias!, g.dBias.length);
      return { ...g, dBias: bias };
    }
    // Reset before: the step's scratch holds da_h and d(rh) [rows, Up] each, then U_hᵀ [Up, Up].
    const G = 3 * Up;
    let rows = 0;
    const step = (p: BackPointers) => {
      const [daH, dRh, uhT] = [p.scratch, p.scratch + 4 * p.rows * Up, p.scratch + 8 * p.rows * Up];
      if (rows === 0) {
        const f32 = new Float32Array(this.k.memory.buffer);
        for (let q = 0; q < Up; q++) for (let j = 0; j < Up; j++) f32[uhT / 4 + j * Up + q] = f32[this.at.u + q * G + 2 * Up + j]!;
        rows = p.rows;
      }
      back.gruBackwardGates(p.cache, p.hPrev, p.dh, p.dz, p.dzh, daH, p.dhPrev, p.rows, Up, act, gateAct);
      this.k.gemm(daH, uhT, 0, dRh, p.rows, Up, Up, 0);
      back.gruBackwardReset(p.cache, p.hRec, dRh, p.dz, p.dzh, p.dhRec, p.rows, Up, gateAct);
    };
    // dU's h block is (r ⊙ h)ᵀ·da_h, not h_{t−1}ᵀ·dzh (whose h block is 0): from the kept r ⊙ h and dZ's h block.
    const fix = (m: RecurrentFix) => {
      const [f32, TB] = [m.f32, m.TB];
      const [daH, out] = [m.post, m.post + TB * Up];
      for (let r = 0; r < TB; r++) {
        for (let c = 0; c < Up; c++) f32[m.ht + c * TB + r] = f32[m.cacheAt + r * m.cacheWidth + 3 * Up + c]!;
        f32.copyWithin(daH + r * Up, m.dz + r * G + 2 * Up, m.dz + r * G + 3 * Up);
      }
      m.gemm(4 * m.ht, 4 * daH, 0, 4 * out, Up, TB, Up, 0);
      for (let q = 0; q < Up; q++) f32.copyWithin(m.du + q * G + 2 * Up, out + q * Up, out + (q + 1) * Up);
    };
    const B = this.batchOfTrace();
    // dzh apart from dz: its h block is 0 where dz's holds da_h.
    const sizes = { separateRecurrent: true, stepScratch: 2 * B * Up + Up * Up, postScratch: this.stepsOfTrace() * B * Up + Up * Up };
    const g = this.backwardSequence(dOutput, sizes, step, fix);
    return { dX: g.dX, dKernel: g.dKernel, dRecurrent: g.dRecurrent, dBias: g.dBias, dh0: g.dh0, carry0: g.carry0 };
  }

  /** `train`: keep what backward needs, with recurrent dropout's keep [batch, units] if given. */
  private run(
    x: TensorLike,
    initialState: readonly [TensorLike] | undefined,
    mask: TensorLike | undefined,
    train: { keep: Float32Array | null } | null,
  ): GruOutputs<Float32Array> {
    const xt = this.checkX(x);
    const dims = this.dimsOf(xt);
    const h0 = checkInitialH(initialState, dims);
    const m = checkMask(mask, dims);
    const { activation, recurrentActivation, resetAfter } = this.options;
    const [act, gateAct] = [ACTIVATION_IDS[activation], ACTIVATION_IDS[recurrentActivation]];
    const [u, Up] = [4 * this.at.u, this.padded];
    const keep = train ? { cacheWidth: 4 * Up, keep: train.keep } : null;
    // Under recurrent dropout the kernels read h_{t−1} ⊙ keep (p.hPrev) for the products and for their mix too;
    // the mix wants h_{t−1} itself: h' += z ⊙ (h_{t−1} − h_{t−1} ⊙ keep), z from the training cache.
    const mixTrue = (p: StepPointers) => {
      if (p.hPrev === p.hTrue) return;
      const f32 = new Float32Array(this.k.memory.buffer);
      const [z, hTrue, hRead, h] = [p.cache / 4, p.hTrue / 4, p.hPrev / 4, p.h / 4];
      for (let b = 0; b < p.rows; b++)
        for (let j = 0; j < Up; j++) f32[h + b * Up + j]! += f32[z + b * 4 * Up + j]! * (f32[hTrue + b * Up + j]! - f32[hRead + b * Up + j]!);
    };
    const run = resetAfter
      ? this.sequence(
          xt,
          h0,
          [],
          0,
          this.options,
          (p) => {
            this.k.gruStep(p.xw, u, 4 * this.at.bias[1]!, p.hPrev, p.h, p.rows, Up, act, gateAct, p.cache);
            mixTrue(p);
          },
          m,
          keep,
        )
      : this.sequence(
          xt,
          h0,
          [],
          2,
          this.options,
          (p) => {
            const [z, rh] = p.extra as [number, number];
            this.k.gruGates(p.xw, u, p.hPrev, z, rh, p.rows, Up, gateAct, p.cache);
            this.k.gruCandidate(p.xw, u, rh, z, p.hPrev, p.h, p.rows, Up, act, p.cache);
            mixTrue(p);
          },
          m,
          keep,
        );
    return { output: run.output, h: run.h };
  }
}

/** The functional form, as src/ops/gru.ts's gru (forward only): a WasmGru made for one call. */
export function gruForwardWasm(inputs: GruInputs<TensorLike>, options: GruOptions = {}): GruOutputs<Float32Array> {
  const checked = checkGruInputs(inputs, resolveGruOptions(options).resetAfter);
  if (checked.recurrentDropoutMask) throw new ValueError('the wasm GRU takes no recurrent dropout mask yet (a training feature); run it on the GPU');
  return new WasmGru(inputs, options).forward(checked.x, checked.h0 ? [checked.h0] : undefined, checked.mask ?? undefined);
}
