/**
 * The LSTM behind the cell interface (src/kernels/cell.ts), over the kernels of src/kernels/lstmStep.ts: which
 * variant runs, the buffers each variant needs, and the mapping from the interface's buffers to the recorders'.
 * Weights and gradients in Keras layout (kernel [F, 4u], recurrent_kernel [u, 4u], bias [4u]; gates i, f, c, o).
 */
import { recurrentKeepScratch, stepMaskScratch, type CellForward, type CellKernels } from '../kernels/cell';
import { recorderForward, recorderGrads, recorderMask } from './buffers';
import {
  defaultLstmVariant,
  lstmSizes,
  lstmXprojFloats,
  recordLstmBackward,
  recordLstmForward,
  type LstmActivations,
  type LstmVariant,
} from '../kernels/lstmStep';

export interface LstmCellOptions extends LstmActivations {
  goBackwards: boolean;
  /** A variant the caller pins (the functional API's `variant`); else the runtime's, else the measured default. */
  variant?: LstmVariant | undefined;
}

export const lstmCell: CellKernels<LstmCellOptions, LstmVariant> = {
  name: 'lstm',
  stateNames: ['h', 'c'],

  variant(dims, options, context) {
    // Every LSTM variant reads a mask and a recurrent dropout keep (shaders/direction.wgsl): such a layer runs the
    // measured default too.
    return options.variant ?? context.kernels.lstm ?? defaultLstmVariant(dims, context.adapter);
  },

  forwardScratch(dims, _options, variant) {
    const size = lstmSizes(dims);
    return {
      xproj: lstmXprojFloats(dims, variant),
      gates: size.gates,
      // Packed weights and compact states of the register-blocked variants, and the mask spare every variant binds.
      ...(variant === 'step' ? {} : { packed: size.scratch }),
      ...stepMaskScratch(dims, false),
      // Recurrent dropout: the compact initial state of 'vec4' and 'seq' is h0 ⊙ keep (src/kernels/recurrentDropout.ts).
      ...(dims.recurrentDropout && variant !== 'step' ? { keptInitialState: size.state } : {}),
    };
  },

  backwardScratch(dims) {
    const size = lstmSizes(dims);
    // Masked: the carry of dh past masked steps sits behind dc (shaders/lstmStep.wgsl).
    return { dc: dims.masked ? 2 * size.state : size.state, dgates: size.gates, ...recurrentKeepScratch(dims) };
  },

  recordForward(plan, io, dims, options, variant) {
    recordLstmForward(plan, forwardBuffers(io), dims, options, variant);
  },

  recordBackward(plan, io, dims, options, variant) {
    const { dgates, dc } = io.scratch as { dgates: GPUBuffer; dc: GPUBuffer };
    // The kernels carry dc in place, from dc_T on entry to dc_0 on exit.
    plan.copy(io.dFinal[1]!, dc, dims.batch * dims.units);
    const state = dims.batch * dims.units;
    const forward = forwardBuffers(io);
    const buffers = {
      ...forward,
      mask: { ...forward.mask, carry: dc, carryOffset: state },
      dy: io.dy,
      dhLast: io.dFinal[0]!,
      dc,
      dgates,
      ...recorderGrads(io),
      // Without a reader of dh0 the backward pass skips its GEMM.
      dh0: io.dInitial?.[0] ?? null,
    };
    recordLstmBackward(plan, buffers, dims, options, io.dyIsSequence, variant);
    if (io.dInitial) plan.copy(dc, io.dInitial[1]!, dims.batch * dims.units);
  },
};

function forwardBuffers(io: CellForward) {
  return {
    ...recorderForward(io),
    c: io.states[1]!,
    gates: io.scratch.gates!,
    ...(io.scratch.packed ? { scratch: io.scratch.packed } : {}),
    ...(io.scratch.keptInitialState ? { keptInitialState: io.scratch.keptInitialState } : {}),
    mask: recorderMask(io),
  };
}
