/** Harness cases for the GRU and SimpleRNN through their functional APIs (the LSTM's are in kernelCases.ts). */
import {
  gruBackward,
  gruForward,
  simpleRnnBackward,
  simpleRnnForward,
  sruBackward,
  sruForward,
  type GruOptions,
  type SimpleRnnOptions,
  type SruOptions,
} from '../../src/index';
import { decode, inScope, type Encoded } from './harnessCore';

interface Spec<O> {
  inputs: { x: Encoded; kernel: Encoded; recurrentKernel: Encoded; bias: Encoded; initialState?: [Encoded]; mask?: Encoded; recurrentDropoutMask?: Encoded };
  grads?: { dOutput: Encoded; dh?: Encoded };
  options: O;
}

function decodeSpec<O>(spec: Spec<O>) {
  const inputs = {
    x: decode(spec.inputs.x),
    kernel: decode(spec.inputs.kernel),
    recurrentKernel: decode(spec.inputs.recurrentKernel),
    bias: decode(spec.inputs.bias),
    ...(spec.inputs.initialState ? { initialState: [decode(spec.inputs.initialState[0])] as const } : {}),
    ...(spec.inputs.mask ? { mask: decode(spec.inputs.mask) } : {}),
    ...(spec.inputs.recurrentDropoutMask ? { recurrentDropoutMask: decode(spec.inputs.recurrentDropoutMask) } : {}),
  };
  const grads = spec.grads && { dOutput: decode(spec.grads.dOutput), ...(spec.grads.dh ? { dh: decode(spec.grads.dh) } : {}) };
  return { inputs, grads };
}

export const recurrentCases = {
  gru(spec: Spec<GruOptions>) {
    const { inputs, grads } = decodeSpec(spec);
    return inScope(async (r) => ({ ...(grads ? await gruBackward(r, inputs, grads, spec.options) : await gruForward(r, inputs, spec.options)) }));
  },

  simpleRnn(spec: Spec<SimpleRnnOptions>) {
    const { inputs, grads } = decodeSpec(spec);
    return inScope(async (r) => ({
      ...(grads ? await simpleRnnBackward(r, inputs, grads, spec.options) : await simpleRnnForward(r, inputs, spec.options)),
    }));
  },

  sru(spec: {
    inputs: {
      x: Encoded;
      kernel: Encoded;
      recurrentWeights: Encoded;
      bias: Encoded;
      initialState?: [Encoded, Encoded];
      mask?: Encoded;
      recurrentDropoutMask?: Encoded;
    };
    grads?: { dOutput: Encoded; dh?: Encoded; dc?: Encoded };
    options: SruOptions;
  }) {
    const i = spec.inputs;
    const inputs = {
      x: decode(i.x),
      kernel: decode(i.kernel),
      recurrentWeights: decode(i.recurrentWeights),
      bias: decode(i.bias),
      ...(i.initialState ? { initialState: [decode(i.initialState[0]), decode(i.initialState[1])] as const } : {}),
      ...(i.mask ? { mask: decode(i.mask) } : {}),
      ...(i.recurrentDropoutMask ? { recurrentDropoutMask: decode(i.recurrentDropoutMask) } : {}),
    };
    const g = spec.grads;
    const grads = g && { dOutput: decode(g.dOutput), ...(g.dh ? { dh: decode(g.dh) } : {}), ...(g.dc ? { dc: decode(g.dc) } : {}) };
    return inScope(async (r) => ({ ...(grads ? await sruBackward(r, inputs, grads, spec.options) : await sruForward(r, inputs, spec.options)) }));
  },
};
