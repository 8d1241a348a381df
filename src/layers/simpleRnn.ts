/**
 * `layers.simpleRNN`: Keras's SimpleRNN, h_t = act(x_t·W + h_{t−1}·U + b), on the kernels of
 * src/kernels/simpleRnnStep.ts. Shared options and the state and output-order mechanics: src/layers/recurrent.ts.
 */
import { recordSimpleRnnBackward, recordSimpleRnnForward, simpleRnnSizes } from '../kernels/simpleRnnStep';
import type { Act, BindContext, ParamSpec, RunBuffers } from './layer';
import type { CellDims } from '../kernels/cell';
import { RECURRENT_KEYS, RecurrentLayer, type CellRun, type RecurrentLayerConfig } from './recurrent';

export type SimpleRnnLayerConfig = RecurrentLayerConfig;

export class SimpleRNN extends RecurrentLayer {
  readonly className = 'SimpleRNN';

  constructor(config: SimpleRnnLayerConfig) {
    super(config, 'simpleRNN', 'simple_rnn', RECURRENT_KEYS);
  }

  withConfig(overrides: Partial<SimpleRnnLayerConfig>): SimpleRNN {
    return new SimpleRNN({ ...this.config, ...overrides });
  }

  override stateSizes(): number[] {
    return [this.units];
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    return [
      { name: 'kernel', shape: [inputShape[1]!, u], init: { kind: 'glorotUniform' }, regularizer: this.regularizers.kernel },
      { name: 'recurrent_kernel', shape: [u, u], init: { kind: 'orthogonal' }, regularizer: this.regularizers.recurrent },
      { name: 'bias', shape: [u], init: { kind: 'zeros' }, regularizer: this.regularizers.bias },
    ];
  }

  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }

  protected bindCell(ctx: BindContext, input: Act, dims: CellDims, goBackwards: boolean, bufs: RunBuffers): CellRun {
    const size = simpleRnnSizes(dims);
    const p = ctx.params;
    const fwd = {
      x: input.buffer,
      xOffset: input.offset,
      kernel: p.kernel!,
      recurrentKernel: p.recurrent_kernel!,
      bias: p.bias!,
      xproj: bufs.make('xproj', size.gates),
      h: bufs.make('h', size.states),
    };
    const opts = { activation: this.activation, goBackwards };
    const grads = ctx.grads;
    const back = grads && {
      dhLast: bufs.zeros('dhLast', size.state),
      dgates: bufs.make('dgates', size.gates),
      dh0: bufs.make('dh0', size.state),
      dx: ctx.needsInputGrad ? bufs.make('dx', size.x) : null,
    };
    return {
      states: [fwd.h],
      recordForward: (plan) => recordSimpleRnnForward(plan, fwd, dims, opts),
      recordBackward(plan, dy, dyIsSequence) {
        if (!grads || !back) throw new Error('recordBackward on an inference-only run');
        const buffers = { ...fwd, ...back, dy, dKernel: grads.kernel!, dRecurrentKernel: grads.recurrent_kernel!, dBias: grads.bias! };
        recordSimpleRnnBackward(plan, buffers, dims, opts, dyIsSequence);
        return back.dx;
      },
    };
  }
}
