/**
 * The GRU behind the cell interface (src/kernels/cell.ts), over the kernels of src/kernels/gruStep.ts. Keras
 * layout: kernel [F, 3u], recurrent_kernel [u, 3u] (gates z, r, h), bias [2, 3u] with resetAfter (row 0 the
 * input bias, row 1 the recurrent bias) or [3u] without.
 *
 * The [2, 3u] bias is one buffer (one Keras weight, one arena segment). Its row 1 starts 12·u bytes in, where no
 * storage binding may start (256-byte alignment): the kernels read it through a uniform offset, and backward sums
 * its gradient into a scratch row that one copy (4-byte alignment) puts in place.
 */
import { recurrentKeepScratch, stepMaskScratch, type CellForward, type CellKernels } from '../kernels/cell';
import { recorderForward, recorderGrads, recorderMask } from './buffers';
import { defaultGruVariant, gruSizes, recordGruBackward, recordGruForward, type GruKernelOptions, type GruVariant } from '../kernels/gruStep';

export interface GruCellOptions extends GruKernelOptions {
  /** A variant the caller pins (the functional API's `variant`); else the runtime's, else the measured default. */
  variant?: GruVariant | undefined;
}

export const gruCell: CellKernels<GruCellOptions, GruVariant> = {
  name: 'gru',
  stateNames: ['h'],

  variant(dims, options, context) {
    // Both GRU variants read a mask and a recurrent dropout keep (shaders/direction.wgsl): such a layer runs the
    // measured default too.
    return options.variant ?? context.kernels.gru ?? defaultGruVariant(dims, context.adapter, options.resetAfter);
  },

  forwardScratch(dims, options, variant) {
    const size = gruSizes(dims, options.resetAfter, variant);
    return {
      xproj: size.xproj,
      gates: size.gates,
      ...(options.resetAfter ? {} : { hcat: size.hcat }),
      // Packed weights and compact states of the vec4 variant, and the mask spare both variants bind.
      ...(variant === 'vec4' ? { packed: size.scratch } : {}),
      ...stepMaskScratch(dims, false),
      // Recurrent dropout: vec4's compact initial state is h0 ⊙ keep (src/kernels/recurrentDropout.ts).
      ...(dims.recurrentDropout && variant === 'vec4' ? { keptInitialState: size.state } : {}),
    };
  },

  backwardScratch(dims, options, variant, dInitial) {
    const size = gruSizes(dims, options.resetAfter, variant);
    return {
      // Also the carry of dh past masked steps (shaders/gruStep.wgsl): no dhCarry.
      carry: size.state,
      dgx: size.dgx,
      dgh: size.dgh,
      ...(options.resetAfter ? { dRecurrentBias: size.biasRow } : {}),
      // The kernels always write dh0; without a reader it goes to scratch.
      ...(dInitial ? {} : { dh0: size.state }),
      // H̃ for dU (the plain reset_before kernels' hcat holds it already).
      ...(options.resetAfter || variant === 'vec4' ? recurrentKeepScratch(dims) : {}),
    };
  },

  recordForward(plan, io, dims, options, variant) {
    recordGruForward(plan, forwardBuffers(io, dims, options), dims, options, variant);
  },

  recordBackward(plan, io, dims, options, variant) {
    const s = io.scratch;
    const buffers = {
      ...forwardBuffers(io, dims, options),
      dy: io.dy,
      dhLast: io.dFinal[0]!,
      carry: s.carry!,
      dgx: s.dgx!,
      dgh: s.dgh!,
      // dBias: row 0 of the bias gradient is written in place (its first 3u floats).
      ...recorderGrads(io),
      ...(options.resetAfter ? { dRecurrentBias: s.dRecurrentBias! } : {}),
      dh0: io.dInitial?.[0] ?? s.dh0!,
    };
    recordGruBackward(plan, buffers, dims, options, io.dyIsSequence, variant);
    const u3 = 3 * dims.units;
    if (options.resetAfter) plan.copy(s.dRecurrentBias!, io.grads.bias, u3, 0, u3);
  },
};

function forwardBuffers(io: CellForward, dims: { units: number }, options: GruCellOptions) {
  return {
    // bias [2, 3u] with reset_after: the input-projection GEMM reads row 0 only (its n is 3u), the steps row 1.
    ...recorderForward(io),
    ...(options.resetAfter ? { recurrentBias: io.weights.bias, recurrentBiasOffset: 3 * dims.units } : { hcat: io.scratch.hcat! }),
    gates: io.scratch.gates!,
    ...(io.scratch.packed ? { scratch: io.scratch.packed } : {}),
    ...(io.scratch.keptInitialState ? { keptInitialState: io.scratch.keptInitialState } : {}),
    mask: recorderMask(io),
  };
}
