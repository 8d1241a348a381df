/**
 * `layers.gru`: a GRU layer (Keras semantics and weight layout: gate order z, r, h; bias [2, 3u] with
 * resetAfter, the default, else [3u]) on the kernels of src/kernels/gruStep.ts. Shared options and the state
 * and output-order mechanics: src/layers/recurrent.ts.
 *
 * The [2, 3u] bias is one arena segment (one Keras weight). Its row 1, the recurrent bias, starts 12·u bytes in,
 * where no storage binding may start (256-byte alignment): the step kernel reads it through a uniform offset,
 * and backward sums its gradient into a scratch row that one copy (4-byte alignment) puts in place.
 */
import { GATE_ACTIVATIONS, checkActivation, type GateActivation } from '../kernels/activations';
import { defaultGruVariant, gruSizes, recordGruBackward, recordGruForward } from '../kernels/gruStep';
import { optionalBool } from './config';
import type { Act, BindContext, ParamSpec, RunBuffers } from './layer';
import type { CellDims } from '../kernels/cell';
import { RECURRENT_KEYS, RecurrentLayer, type CellRun, type RecurrentLayerConfig } from './recurrent';

export interface GruLayerConfig extends RecurrentLayerConfig {
  recurrentActivation?: GateActivation;
  /** Keras reset_after (default true, as Keras 2+, PyTorch and cuDNN): r scales h·U_h + b_rec. */
  resetAfter?: boolean;
}

const KEYS = [...RECURRENT_KEYS, 'recurrentActivation', 'resetAfter'] as const;

export class GRU extends RecurrentLayer {
  readonly className = 'GRU';
  readonly recurrentActivation: GateActivation;
  readonly resetAfter: boolean;

  constructor(config: GruLayerConfig) {
    super(config, 'gru', 'gru', KEYS);
    this.recurrentActivation = checkActivation(`${this.where}: recurrentActivation`, config.recurrentActivation ?? 'sigmoid', GATE_ACTIVATIONS);
    this.resetAfter = optionalBool(this.where, 'resetAfter', config.resetAfter, true);
  }

  withConfig(overrides: Partial<GruLayerConfig>): GRU {
    return new GRU({ ...(this.config as GruLayerConfig), ...overrides });
  }

  override stateSizes(): number[] {
    return [this.units];
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    return [
      { name: 'kernel', shape: [inputShape[1]!, 3 * u], init: { kind: 'glorotUniform' }, regularizer: this.regularizers.kernel },
      { name: 'recurrent_kernel', shape: [u, 3 * u], init: { kind: 'orthogonal' }, regularizer: this.regularizers.recurrent },
      { name: 'bias', shape: this.resetAfter ? [2, 3 * u] : [3 * u], init: { kind: 'zeros' }, regularizer: this.regularizers.bias },
    ];
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      recurrent_activation: this.recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : this.recurrentActivation,
      reset_after: this.resetAfter,
    };
  }

  protected bindCell(ctx: BindContext, input: Act, dims: CellDims, goBackwards: boolean, bufs: RunBuffers): CellRun {
    const resetAfter = this.resetAfter;
    // Which kernels run the recurrence depends on the adapter (measured: see defaultGruVariant).
    const variant = ctx.rt.kernels.gru ?? defaultGruVariant(dims, ctx.rt.adapter, this.resetAfter);
    const size = gruSizes(dims, resetAfter, variant);
    const u3 = 3 * this.units;
    const p = ctx.params;
    const fwd = {
      x: input.buffer,
      xOffset: input.offset,
      kernel: p.kernel!,
      recurrentKernel: p.recurrent_kernel!,
      // The input-projection GEMM reads row 0 only (its n is 3u).
      bias: p.bias!,
      ...(resetAfter ? { recurrentBias: p.bias!, recurrentBiasOffset: u3 } : { hcat: bufs.make('hcat', size.hcat) }),
      xproj: bufs.make('xproj', size.xproj),
      h: bufs.make('h', size.states),
      gates: bufs.make('gates', size.gates),
      // Packed weights and compact states of the vec4 kernel variant.
      ...(variant === 'vec4' ? { scratch: bufs.make('scratch', size.scratch) } : {}),
    };
    const opts = { activation: this.activation, recurrentActivation: this.recurrentActivation, resetAfter, goBackwards };
    const grads = ctx.grads;
    const back = grads && {
      dhLast: bufs.zeros('dhLast', size.state),
      carry: bufs.make('carry', size.state),
      dgx: bufs.make('dgx', size.dgx),
      dgh: bufs.make('dgh', size.dgh),
      dh0: bufs.make('dh0', size.state),
      dx: ctx.needsInputGrad ? bufs.make('dx', size.x) : null,
      dRecurrentBias: resetAfter ? bufs.make('dRecurrentBias', u3) : undefined,
    };
    return {
      states: [fwd.h],
      recordForward: (plan) => recordGruForward(plan, fwd, dims, opts, variant),
      recordBackward(plan, dy, dyIsSequence) {
        if (!grads || !back) throw new Error('recordBackward on an inference-only run');
        const { dRecurrentBias, ...rest } = back;
        const buffers = { ...fwd, ...rest, dy, dKernel: grads.kernel!, dRecurrentKernel: grads.recurrent_kernel!, dBias: grads.bias!, ...(dRecurrentBias ? { dRecurrentBias } : {}) };
        recordGruBackward(plan, buffers, dims, opts, dyIsSequence, variant);
        if (dRecurrentBias) plan.copy(dRecurrentBias, grads.bias!, u3, 0, u3);
        return back.dx;
      },
    };
  }
}
