/**
 * `layers.lstm`: an LSTM layer (Keras semantics and weight layout) on the fused kernels of src/kernels/lstmStep.ts.
 * The options every recurrent layer shares (returnSequences, returnState, goBackwards, stateful) and the state
 * and output-order mechanics live in src/layers/recurrent.ts.
 */
import { GATE_ACTIVATIONS, checkActivation, type GateActivation } from '../kernels/activations';
import { defaultLstmVariant, lstmSizes, lstmXprojFloats, recordLstmBackward, recordLstmForward } from '../kernels/lstmStep';
import { optionalBool } from './config';
import type { Act, BindContext, ParamSpec, RunBuffers } from './layer';
import type { CellDims } from '../kernels/cell';
import { RECURRENT_KEYS, RecurrentLayer, type CellRun, type RecurrentLayerConfig } from './recurrent';

export interface LstmLayerConfig extends RecurrentLayerConfig {
  recurrentActivation?: GateActivation;
  /** Ones in the forget-gate bias at initialization (Keras default true). */
  unitForgetBias?: boolean;
}

const KEYS = [...RECURRENT_KEYS, 'recurrentActivation', 'unitForgetBias'] as const;

export class LSTM extends RecurrentLayer {
  readonly className = 'LSTM';
  readonly recurrentActivation: GateActivation;
  readonly unitForgetBias: boolean;

  constructor(config: LstmLayerConfig) {
    super(config, 'lstm', 'lstm', KEYS);
    this.recurrentActivation = checkActivation(`${this.where}: recurrentActivation`, config.recurrentActivation ?? 'sigmoid', GATE_ACTIVATIONS);
    this.unitForgetBias = optionalBool(this.where, 'unitForgetBias', config.unitForgetBias, true);
  }

  withConfig(overrides: Partial<LstmLayerConfig>): LSTM {
    return new LSTM({ ...(this.config as LstmLayerConfig), ...overrides });
  }

  override stateSizes(): number[] {
    return [this.units, this.units];
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    return [
      { name: 'kernel', shape: [inputShape[1]!, 4 * u], init: { kind: 'glorotUniform' }, regularizer: this.regularizers.kernel },
      { name: 'recurrent_kernel', shape: [u, 4 * u], init: { kind: 'orthogonal' }, regularizer: this.regularizers.recurrent },
      { name: 'bias', shape: [4 * u], init: this.unitForgetBias ? { kind: 'unitForgetBias', units: u } : { kind: 'zeros' }, regularizer: this.regularizers.bias },
    ];
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      recurrent_activation: this.recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : this.recurrentActivation,
      unit_forget_bias: this.unitForgetBias,
    };
  }

  protected bindCell(ctx: BindContext, input: Act, dims: CellDims, goBackwards: boolean, bufs: RunBuffers): CellRun {
    const size = lstmSizes(dims);
    // Which kernels run the recurrence depends on the adapter (measured: see defaultLstmVariant).
    const variant = ctx.rt.kernels.lstm ?? defaultLstmVariant(dims, ctx.rt.adapter);
    const p = ctx.params;
    const fwd = {
      x: input.buffer,
      xOffset: input.offset,
      kernel: p.kernel!,
      recurrentKernel: p.recurrent_kernel!,
      bias: p.bias!,
      xproj: bufs.make('xproj', lstmXprojFloats(dims, variant)),
      h: bufs.make('h', size.states),
      c: bufs.make('c', size.states),
      gates: bufs.make('gates', size.gates),
      // Packed U and gate-gradient scratch of the faster kernel variants (src/kernels/lstmStep.ts picks one).
      scratch: bufs.make('scratch', size.scratch),
    };
    const acts = { activation: this.activation, recurrentActivation: this.recurrentActivation, goBackwards };
    const grads = ctx.grads;
    // The final states get no gradient from outside: Keras treats a stateful layer's carried state as a constant.
    const back = grads && {
      dhLast: bufs.zeros('dhLast', size.state),
      dc: bufs.make('dc', size.state),
      dgates: bufs.make('dgates', size.gates),
      // Nothing reads the initial state's gradient in a model: the backward pass skips its GEMM.
      dh0: null,
      dx: ctx.needsInputGrad ? bufs.make('dx', size.x) : null,
    };
    return {
      states: [fwd.h, fwd.c],
      recordForward: (plan) => recordLstmForward(plan, fwd, dims, acts, variant),
      recordBackward(plan, dy, dyIsSequence) {
        if (!grads || !back) throw new Error('recordBackward on an inference-only run');
        plan.clear(back.dc);
        const buffers = { ...fwd, ...back, dy, dKernel: grads.kernel!, dRecurrentKernel: grads.recurrent_kernel!, dBias: grads.bias! };
        recordLstmBackward(plan, buffers, dims, acts, dyIsSequence, variant);
        return back.dx;
      },
    };
  }
}
