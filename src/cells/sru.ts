/**
 * The SRU behind the cell interface (src/kernels/cell.ts), over the kernels of src/kernels/sruSeq.ts: one GEMM
 * and one dispatch each way, whatever the sequence length. States [h, c]; weights kernel, recurrent_weights
 * [2, u] (carried as CellWeights.recurrent_kernel), bias [2, u].
 */
import type { CellKernels } from '../kernels/cell';
import { defaultSruVariant, recordSruBackward, recordSruForward, sruSizes, type SruKernelOptions, type SruVariant } from '../kernels/sruSeq';
import type { CellBackward, CellForward } from '../kernels/cell';
import { recorderMask } from './buffers';

export interface SruCellOptions extends SruKernelOptions {
  /** Pins a kernel variant (tests, the benchmark); else the runtime's pinned one, else defaultSruVariant. */
  variant?: SruVariant;
}

function forwardBuffers(io: CellForward) {
  return {
    x: io.x,
    xOffset: io.xOffset,
    kernel: io.weights.kernel,
    recurrentWeights: io.weights.recurrent_kernel,
    bias: io.weights.bias,
    xproj: io.scratch.xproj!,
    weights: io.scratch.weights!,
    h: io.states[0]!,
    c: io.states[1]!,
    mask: recorderMask(io),
  };
}

export const sruCell: CellKernels<SruCellOptions, SruVariant> = {
  name: 'sru',
  stateNames: ['h', 'c'],
  weightNames: { recurrent: 'recurrent_weights' },

  variant(dims, options, context) {
    // 'single' takes one input feature; a pin of it elsewhere falls back to the kernels that take any.
    const pinned = options.variant ?? context.kernels.sru;
    return pinned === 'single' && dims.features !== 1 ? 'seq' : (pinned ?? defaultSruVariant(dims));
  },

  forwardScratch(dims, _options, variant) {
    const size = sruSizes(dims, variant);
    return { xproj: size.projections, weights: size.weights, maskSpare: 4 };
  },

  backwardScratch(dims, _options, variant, dInitial) {
    const size = sruSizes(dims, variant);
    return {
      dproj: size.dproj,
      dSmall: size.dSmall,
      paramSums: size.partialWidth,
      // The kernel always hands back the initial states' gradients; without a reader they go to scratch.
      ...(dInitial ? {} : { dh0: size.state, dc0: size.state }),
    };
  },

  recordForward(plan, io, dims, options, variant) {
    recordSruForward(plan, forwardBuffers(io), dims, options, variant);
  },

  recordBackward(plan, io: CellBackward, dims, options, variant) {
    const s = io.scratch;
    const buffers = {
      ...forwardBuffers(io),
      dy: io.dy,
      dhLast: io.dFinal[0]!,
      dcLast: io.dFinal[1]!,
      dproj: s.dproj!,
      dSmall: s.dSmall!,
      paramSums: s.paramSums!,
      dx: io.dx,
      dKernel: io.grads.kernel,
      dRecurrentWeights: io.grads.recurrent_kernel,
      dBias: io.grads.bias,
      dh0: io.dInitial?.[0] ?? s.dh0!,
      dc0: io.dInitial?.[1] ?? s.dc0!,
    };
    recordSruBackward(plan, buffers, dims, options, io.dyIsSequence, variant);
  },
};
