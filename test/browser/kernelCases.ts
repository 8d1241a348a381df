/** Harness cases for the kernels themselves: GEMM, column sum, and the LSTM through the functional API. */
import { lstmBackward, lstmForward, type LstmOptions } from '../../src/index';
import { Plan } from '../../src/gpu/plan';
import { recordColumnSum } from '../../src/kernels/columnSum';
import { recordGemm, type GemmVariant } from '../../src/kernels/gemm';
import { decode, inScope, type Encoded } from './harnessCore';

export const kernelCases = {
  lstm(spec: {
    inputs: { x: Encoded; kernel: Encoded; recurrentKernel: Encoded; bias: Encoded; initialState?: [Encoded, Encoded] };
    grads?: { dOutput: Encoded; dh?: Encoded; dc?: Encoded };
    options: LstmOptions;
  }) {
    const inputs = {
      x: decode(spec.inputs.x),
      kernel: decode(spec.inputs.kernel),
      recurrentKernel: decode(spec.inputs.recurrentKernel),
      bias: decode(spec.inputs.bias),
      ...(spec.inputs.initialState ? { initialState: [decode(spec.inputs.initialState[0]), decode(spec.inputs.initialState[1])] as const } : {}),
    };
    return inScope(async (r) => {
      if (!spec.grads) return { ...(await lstmForward(r, inputs, spec.options)) };
      const grads = {
        dOutput: decode(spec.grads.dOutput),
        ...(spec.grads.dh ? { dh: decode(spec.grads.dh) } : {}),
        ...(spec.grads.dc ? { dc: decode(spec.grads.dc) } : {}),
      };
      return { ...(await lstmBackward(r, inputs, grads, spec.options)) };
    });
  },

  gemm(spec: { a: Encoded; b: Encoded; bias?: Encoded; m: number; n: number; k: number; transA: boolean; transB: boolean; aOffset: number; bOffset: number; cOffset: number; variant?: GemmVariant }) {
    return inScope(async (r) => {
      const a = r.upload('a', decode(spec.a).data);
      const b = r.upload('b', decode(spec.b).data);
      const bias = spec.bias ? r.upload('bias', decode(spec.bias).data) : undefined;
      const cLength = spec.cOffset + spec.m * spec.n;
      const c = r.createBuffer('c', cLength * 4);
      const plan = new Plan(r, 'gemm test');
      recordGemm(plan, { a, b, c, ...(bias ? { bias } : {}), m: spec.m, n: spec.n, k: spec.k, transA: spec.transA, transB: spec.transB, aOffset: spec.aOffset, bOffset: spec.bOffset, cOffset: spec.cOffset, ...(spec.variant ? { variant: spec.variant } : {}) });
      plan.run();
      const out = await r.read(c, spec.m * spec.n, spec.cOffset);
      plan.destroy();
      for (const buf of [a, b, c, bias]) if (buf) r.destroyBuffer(buf);
      return { c: out };
    });
  },

  columnSum(spec: { a: Encoded; rows: number; cols: number }) {
    return inScope(async (r) => {
      const a = r.upload('a', decode(spec.a).data);
      const out = r.createBuffer('out', spec.cols * 4);
      const plan = new Plan(r, 'columnSum test');
      recordColumnSum(plan, a, out, spec.rows, spec.cols);
      plan.run();
      const result = await r.read(out, spec.cols);
      plan.destroy();
      r.destroyBuffer(a);
      r.destroyBuffer(out);
      return { out: result };
    });
  },
};
