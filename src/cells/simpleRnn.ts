/**
 * The SimpleRNN behind the cell interface (src/kernels/cell.ts), over the kernels of src/kernels/simpleRnnStep.ts.
 * Weights in Keras layout: kernel [F, u], recurrent_kernel [u, u], bias [u].
 */
import { recurrentKeepScratch, stepMaskScratch, type CellBackward, type CellKernels } from '../kernels/cell';
import { recorderForward, recorderGrads, recorderMask } from './buffers';
import {
  recordSimpleRnnBackward,
  recordSimpleRnnForward,
  simpleRnnForwardScratch,
  simpleRnnSizes,
  simpleRnnVariant,
  type SimpleRnnKernelOptions,
  type SimpleRnnVariant,
} from '../kernels/simpleRnnStep';

export interface SimpleRnnCellOptions extends SimpleRnnKernelOptions {
  /** Pins the forward kernel (tests, the benchmark); else the runtime's pinned one, else defaultSimpleRnnVariant. */
  variant?: SimpleRnnVariant;
}

export const simpleRnnCell: CellKernels<SimpleRnnCellOptions, SimpleRnnVariant> = {
  name: 'simpleRnn',
  stateNames: ['h'],

  variant(dims, options, context) {
    return simpleRnnVariant(dims, options.variant ?? context.kernels.simpleRnn);
  },

  forwardScratch(dims, _options, variant) {
    return { xproj: simpleRnnSizes(dims).gates, ...stepMaskScratch(dims, false), ...simpleRnnForwardScratch(dims, variant) };
  },

  backwardScratch(dims, _options, _variant, dInitial) {
    const size = simpleRnnSizes(dims);
    // The kernels always write dh0; without a reader it goes to scratch.
    return { dgates: size.gates, ...stepMaskScratch(dims, true), ...(dInitial ? {} : { dh0: size.state }), ...recurrentKeepScratch(dims) };
  },

  recordForward(plan, io, dims, options, variant) {
    recordSimpleRnnForward(plan, { ...recorderForward(io), mask: recorderMask(io) }, dims, options, variant);
  },

  recordBackward(plan, io, dims, options) {
    recordSimpleRnnBackward(plan, simpleRnnBackwardBuffers(io), dims, options, io.dyIsSequence);
  },
};

/** The buffers of the SimpleRNN kernels' backward pass, from the cell interface's (the echo-state cell's too). */
export function simpleRnnBackwardBuffers(io: CellBackward) {
  return {
    ...recorderForward(io),
    mask: recorderMask(io),
    dy: io.dy,
    dhLast: io.dFinal[0]!,
    dgates: io.scratch.dgates!,
    ...recorderGrads(io),
    dh0: io.dInitial?.[0] ?? io.scratch.dh0!,
  };
}
