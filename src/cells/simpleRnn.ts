/**
 * The SimpleRNN behind the cell interface (src/kernels/cell.ts), over the kernels of src/kernels/simpleRnnStep.ts.
 * Weights in Keras layout: kernel [F, u], recurrent_kernel [u, u], bias [u].
 */
import type { CellForward, CellKernels } from '../kernels/cell';
import { recordSimpleRnnBackward, recordSimpleRnnForward, simpleRnnSizes, type SimpleRnnKernelOptions } from '../kernels/simpleRnnStep';

export type SimpleRnnCellOptions = SimpleRnnKernelOptions;

/** One kernel variant: the plain fused step. */
export type SimpleRnnVariant = 'step';

export const simpleRnnCell: CellKernels<SimpleRnnCellOptions, SimpleRnnVariant> = {
  name: 'simpleRnn',
  stateCount: 1,

  variant() {
    return 'step';
  },

  forwardScratch(dims) {
    return { xproj: simpleRnnSizes(dims).gates };
  },

  backwardScratch(dims, _options, _variant, dInitial) {
    const size = simpleRnnSizes(dims);
    // The kernels always write dh0; without a reader it goes to scratch.
    return { dgates: size.gates, ...(dInitial ? {} : { dh0: size.state }) };
  },

  recordForward(plan, io, dims, options) {
    recordSimpleRnnForward(plan, forwardBuffers(io), dims, options);
  },

  recordBackward(plan, io, dims, options) {
    const buffers = {
      ...forwardBuffers(io),
      dy: io.dy,
      dhLast: io.dFinal[0]!,
      dgates: io.scratch.dgates!,
      dx: io.dx,
      dKernel: io.grads.kernel,
      dRecurrentKernel: io.grads.recurrent_kernel,
      dBias: io.grads.bias,
      dh0: io.dInitial?.[0] ?? io.scratch.dh0!,
    };
    recordSimpleRnnBackward(plan, buffers, dims, options, io.dyIsSequence);
  },
};

function forwardBuffers(io: CellForward) {
  return {
    x: io.x,
    xOffset: io.xOffset,
    kernel: io.weights.kernel,
    recurrentKernel: io.weights.recurrent_kernel,
    bias: io.weights.bias,
    xproj: io.scratch.xproj!,
    h: io.states[0]!,
  };
}
