/** `layers.lstm`: an LSTM layer (Keras semantics and weight layout) on the fused kernels of src/kernels/lstmStep.ts. */
import { ShapeError } from '../errors';
import type { Plan } from '../gpu/plan';
import { CELL_ACTIVATIONS, GATE_ACTIVATIONS, checkActivation, type CellActivation, type GateActivation } from '../kernels/activations';
import { lstmSizes, recordLstmBackward, recordLstmForward } from '../kernels/lstmStep';
import { defaultName, knownKeys, optionalBool, optionalShape, positiveInt, regularizer } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec, type RegularizerConfig } from './layer';

export interface LstmLayerConfig {
  units: number;
  activation?: CellActivation;
  recurrentActivation?: GateActivation;
  returnSequences?: boolean;
  /** Ones in the forget-gate bias at initialization (Keras default true). */
  unitForgetBias?: boolean;
  kernelRegularizer?: RegularizerConfig;
  recurrentRegularizer?: RegularizerConfig;
  biasRegularizer?: RegularizerConfig;
  /** Shape of one sample, [timesteps, features]; needed on the first layer. */
  inputShape?: number[];
  name?: string;
}

const KEYS = ['units', 'activation', 'recurrentActivation', 'returnSequences', 'unitForgetBias', 'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'inputShape', 'name'] as const;

export class LSTM extends Layer {
  readonly className = 'LSTM';
  readonly units: number;
  readonly activation: CellActivation;
  readonly recurrentActivation: GateActivation;
  readonly returnSequences: boolean;
  readonly unitForgetBias: boolean;
  readonly regularizers: { kernel: RegularizerConfig | null; recurrent: RegularizerConfig | null; bias: RegularizerConfig | null };

  constructor(config: LstmLayerConfig) {
    const name = config?.name ?? defaultName('lstm');
    knownKeys(`lstm '${name}'`, config ?? {}, KEYS);
    const where = `lstm '${name}'`;
    super(name, optionalShape(where, config.inputShape));
    this.units = positiveInt(where, 'units', config.units);
    this.activation = checkActivation(`${where}: activation`, config.activation ?? 'tanh', CELL_ACTIVATIONS);
    this.recurrentActivation = checkActivation(`${where}: recurrentActivation`, config.recurrentActivation ?? 'sigmoid', GATE_ACTIVATIONS);
    this.returnSequences = optionalBool(where, 'returnSequences', config.returnSequences, false);
    this.unitForgetBias = optionalBool(where, 'unitForgetBias', config.unitForgetBias, true);
    this.regularizers = {
      kernel: regularizer(where, 'kernelRegularizer', config.kernelRegularizer),
      recurrent: regularizer(where, 'recurrentRegularizer', config.recurrentRegularizer),
      bias: regularizer(where, 'biasRegularizer', config.biasRegularizer),
    };
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) {
      throw new ShapeError(`lstm '${this.name}' expects input [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    }
    return this.returnSequences ? [inputShape[0]!, this.units] : [this.units];
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
      name: this.name,
      units: this.units,
      activation: this.activation,
      recurrent_activation: this.recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : this.recurrentActivation,
      return_sequences: this.returnSequences,
      unit_forget_bias: this.unitForgetBias,
      use_bias: true,
    };
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const [timesteps, features] = this.inputShape as [number, number];
    const dims = { batch: ctx.batch, timesteps, features, units: this.units };
    const size = lstmSizes(dims);
    const bufs = new RunBuffers(ctx.rt, `lstm '${this.name}'`);
    const p = ctx.params;
    const fwd = {
      x: input.buffer,
      xOffset: input.offset,
      kernel: p.kernel!,
      recurrentKernel: p.recurrent_kernel!,
      bias: p.bias!,
      xproj: bufs.make('xproj', size.gates),
      h: bufs.make('h', size.states),
      c: bufs.make('c', size.states),
      gates: bufs.make('gates', size.gates),
    };
    const acts = { activation: this.activation, recurrentActivation: this.recurrentActivation };
    const state = size.state;
    const output: Act = this.returnSequences
      ? { buffer: fwd.h, offset: state, rows: timesteps * ctx.batch, cols: this.units, timesteps }
      : { buffer: fwd.h, offset: timesteps * state, rows: ctx.batch, cols: this.units, timesteps: null };
    // Initial state zero, like a Keras layer called without initial_state (stateful layers: the cells issue).
    const initial = { buffer: fwd.h, offset: 0, size: state * 4 };
    const initialC = { buffer: fwd.c, offset: 0, size: state * 4 };
    const grads = ctx.grads;
    const returnSequences = this.returnSequences;
    const back = grads && {
      dhLast: bufs.zeros('dhLast', state),
      dc: bufs.make('dc', state),
      dgates: bufs.make('dgates', size.gates),
      dh0: bufs.make('dh0', state),
      dx: ctx.needsInputGrad ? bufs.make('dx', size.x) : null,
    };
    return {
      output,
      recordForward(plan: Plan) {
        plan.clear(initial).clear(initialC);
        recordLstmForward(plan, fwd, dims, acts);
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (!grads || !back) throw new Error('recordBackward on an inference-only run');
        plan.clear(back.dc);
        recordLstmBackward(
          plan,
          { ...fwd, ...back, dy: dOutput, dKernel: grads.kernel!, dRecurrentKernel: grads.recurrent_kernel!, dBias: grads.bias! },
          dims,
          acts,
          returnSequences,
        );
        return back.dx;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
