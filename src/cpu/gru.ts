/**
 * The GRU forward pass on the CPU path: WebAssembly SIMD kernels (wasm/gruStep.ts), the same inputs, options and
 * outputs as the GPU's functional `gru` (src/ops/gru.ts) and its float64 twin (src/reference/gruStep.ts), both
 * reset conventions, under Keras's timestep mask. Checked by test/gruStep.wasm.test.ts; recurrent dropout and backward
 * are not here yet.
 */
import { ValueError } from '../errors';
import { ACTIVATION_IDS } from '../kernels/activations';
import { checkGruInputs, resolveGruOptions, type GruInputs, type GruOptions, type GruOutputs } from '../ops/gruArgs';
import type { TensorLike } from '../tensor';
import { gruStepWasm } from '../wasm/gruStep';
import { checkInitialH, checkMask } from '../ops/recurrentArgs';
import { WasmRecurrence, weightsWithProbe, type CellModule } from './recurrence';

interface GruModule extends CellModule {
  gruStep(xw: number, u: number, bias: number, hPrev: number, h: number, rows: number, units: number, act: number, gateAct: number): void;
  gruGates(xw: number, u: number, hPrev: number, z: number, rh: number, rows: number, units: number, gateAct: number): void;
  gruCandidate(xw: number, u: number, rh: number, z: number, hPrev: number, h: number, rows: number, units: number, act: number): void;
}

/** One GRU's weights laid out for the kernels, and the forward pass over any batch and length. */
export class WasmGru extends WasmRecurrence<GruModule> {
  private readonly options: ReturnType<typeof resolveGruOptions>;

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
    const xt = this.checkX(x);
    const dims = this.dimsOf(xt);
    const h0 = checkInitialH(initialState, dims);
    const m = checkMask(mask, dims);
    const { activation, recurrentActivation, resetAfter } = this.options;
    const [act, gateAct] = [ACTIVATION_IDS[activation], ACTIVATION_IDS[recurrentActivation]];
    const [u, Up] = [4 * this.at.u, this.padded];
    const run = resetAfter
      ? this.sequence(xt, h0, [], 0, this.options, (p) => this.k.gruStep(p.xw, u, 4 * this.at.bias[1]!, p.hPrev, p.h, p.rows, Up, act, gateAct), m)
      : this.sequence(
          xt,
          h0,
          [],
          2,
          this.options,
          (p) => {
            const [z, rh] = p.extra as [number, number];
            this.k.gruGates(p.xw, u, p.hPrev, z, rh, p.rows, Up, gateAct);
            this.k.gruCandidate(p.xw, u, rh, z, p.hPrev, p.h, p.rows, Up, act);
          },
          m,
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
