/**
 * The echo-state reservoir behind the cell interface (src/kernels/cell.ts): the SimpleRNN's kernels
 * (src/kernels/simpleRnnStep.ts) with tanh and a leak rate, h_t = (1 − a) h_{t−1} + a · tanh(x_t·W_in + h_{t−1}·W + b).
 * Its weights are frozen in a model (`frozen`): backward then only carries the gradient on to the input and the
 * initial state, and does nothing at all where nothing reads them (a reservoir that is the model's first layer).
 * Weights as CellWeights: input_kernel (kernel), reservoir (recurrent_kernel), bias.
 */
import { recurrentKeepScratch, type CellKernels } from '../kernels/cell';
import {
  recordSimpleRnnBackward,
  recordSimpleRnnForward,
  simpleRnnCarryFloats,
  simpleRnnForwardScratch,
  simpleRnnSizes,
  simpleRnnVariant,
  type SimpleRnnVariant,
} from '../kernels/simpleRnnStep';
import { recorderForward, recorderMask } from './buffers';
import { simpleRnnBackwardBuffers } from './simpleRnn';

export interface EchoStateCellOptions {
  leakRate: number;
  goBackwards: boolean;
  /** The weights get no gradient (a reservoir in a model); false in the functional API, which returns them. */
  frozen: boolean;
  /** Pins the forward kernel (tests); else the runtime's pin, else the SimpleRNN's default, over the non-zeros with `sparse`. */
  variant?: SimpleRnnVariant;
  /** The reservoir is mostly zeros (connectivity ≤ SPARSE_CONNECTIVITY): the forward kernels multiply only its non-zeros. */
  sparse?: boolean;
}

/**
 * At or below this connectivity a reservoir runs on its non-zeros ('sparse'): each non-zero costs a gathered index
 * where the dense product streams, and that pays from about 0.7 down (measured 1.5× at 0.5, 18× at 0.025, 0.8× dense:
 * bench/results/simple-rnn-kernels.md).
 */
export const SPARSE_CONNECTIVITY = 0.5;

const kernelOptions = (o: EchoStateCellOptions) => ({ activation: 'tanh' as const, goBackwards: o.goBackwards, leakRate: o.leakRate, weightGrads: !o.frozen });

export const echoStateCell: CellKernels<EchoStateCellOptions, SimpleRnnVariant> = {
  name: 'echoState',
  stateNames: ['h'],
  weightNames: { kernel: 'input_kernel', recurrent: 'reservoir' },

  // The SimpleRNN's forward kernels, chosen as for it (a reservoir is often one long row: the sequence kernel),
  // over the reservoir's non-zeros when it is sparse ('sparse', 'sparseStep').
  variant(dims, options, context) {
    return simpleRnnVariant(dims, options.variant ?? context.kernels.simpleRnn, options.sparse === true);
  },

  forwardScratch(dims, _options, variant) {
    return { xproj: simpleRnnSizes(dims).gates, maskSpare: 4, ...simpleRnnForwardScratch(dims, variant) };
  },

  backwardScratch(dims, options, _variant, dInitial) {
    const size = simpleRnnSizes(dims);
    return {
      dgates: size.gates,
      dhCarry: simpleRnnCarryFloats(dims, options),
      ...(dInitial ? {} : { dh0: size.state }),
      ...recurrentKeepScratch(dims),
    };
  },

  recordForward(plan, io, dims, options, variant) {
    recordSimpleRnnForward(plan, { ...recorderForward(io), mask: recorderMask(io) }, dims, kernelOptions(options), variant);
  },

  recordBackward(plan, io, dims, options) {
    // Frozen weights and no reader of dx or dh0: nothing to compute.
    if (options.frozen && !io.dx && !io.dInitial) return;
    recordSimpleRnnBackward(plan, simpleRnnBackwardBuffers(io), dims, kernelOptions(options), io.dyIsSequence);
  },
};
