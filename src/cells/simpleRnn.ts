/**
 * The SimpleRNN behind the cell interface (src/kernels/cell.ts), over the kernels of src/kernels/simpleRnnStep.ts.
 * Weights in Keras layout: kernel [F, u], recurrent_kernel [u, u], bias [u].
 */
import type { CellKernels } from '../kernels/cell';
import { recorderForward, recorderGrads } from './buffers';
import { recordSimpleRnnBackward, recordSimpleRnnForward, simpleRnnSizes, type SimpleRnnKernelOptions } from '../kernels/simpleRnnStep';

export type SimpleRnnCellOptions = SimpleRnnKernelOptions;

/** One kernel variant: the plain fused step. */
export type SimpleRnnVariant = 'step';

export const simpleRnnCell: CellKernels<SimpleRnnCellOptions, SimpleRnnVariant> = {
  name: 'simpleRnn',
  stateNames: ['h'],

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
    recordSimpleRnnForward(plan, recorderForward(io), dims, options);
  },

  recordBackward(plan, io, dims, options) {
    const buffers = {
      ...recorderForward(io),
      dy: io.dy,
      dhLast: io.dFinal[0]!,
      dgates: io.scratch.dgates!,
      ...recorderGrads(io),
      dh0: io.dInitial?.[0] ?? io.scratch.dh0!,
    };
    recordSimpleRnnBackward(plan, buffers, dims, options, io.dyIsSequence);
  },
};
