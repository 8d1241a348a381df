/**
 * The functional SimpleRNN API: one layer's forward pass, and its backward pass (BPTT), on the GPU, through the
 * one runner every cell shares (src/ops/recurrent.ts). The float64 twin with the same arguments is
 * src/reference/simpleRnnStep.ts; the argument checks are src/ops/simpleRnnArgs.ts.
 */
import { simpleRnnCell } from '../cells/simpleRnn';
import type { Runtime } from '../gpu/runtime';
import type { Tensor, TensorLike } from '../tensor';
import { runCell, type CellRunResult } from './recurrent';
import {
  checkSimpleRnnGrads,
  checkSimpleRnnInputs,
  resolveSimpleRnnOptions,
  type SimpleRnnGradients,
  type SimpleRnnGrads,
  type SimpleRnnInputs,
  type SimpleRnnOptions,
  type SimpleRnnOutputs,
} from './simpleRnnArgs';

export async function simpleRnnForward(rt: Runtime, inputs: SimpleRnnInputs<TensorLike>, options: SimpleRnnOptions = {}): Promise<SimpleRnnOutputs<Tensor>> {
  const result = await runSimpleRnn(rt, inputs, null, options);
  return { output: result.output, h: result.finalStates[0]! };
}

/** Forward and backpropagation through time in one submit; returns the forward outputs and every gradient. */
export async function simpleRnnBackward(
  rt: Runtime,
  inputs: SimpleRnnInputs<TensorLike>,
  grads: SimpleRnnGrads<TensorLike>,
  options: SimpleRnnOptions = {},
): Promise<SimpleRnnGradients<Tensor>> {
  const result = await runSimpleRnn(rt, inputs, grads, options);
  const g = result.gradients!;
  return {
    output: result.output,
    h: result.finalStates[0]!,
    dX: g.dX,
    dKernel: g.dKernel,
    dRecurrentKernel: g.dRecurrentKernel,
    dBias: g.dBias,
    dh0: g.dInitial[0]!,
  };
}

async function runSimpleRnn(
  rt: Runtime,
  rawInputs: SimpleRnnInputs<TensorLike>,
  rawGrads: SimpleRnnGrads<TensorLike> | null,
  options: SimpleRnnOptions,
): Promise<CellRunResult> {
  rt.check();
  const opts = resolveSimpleRnnOptions(options);
  const inputs = checkSimpleRnnInputs(rawInputs);
  const grads = rawGrads ? checkSimpleRnnGrads(rawGrads, inputs.dims, opts.returnSequences) : null;
  const { x, kernel, recurrentKernel, bias, h0, mask, recurrentDropoutMask } = inputs;
  return runCell(
    rt,
    simpleRnnCell,
    { dims: inputs.dims, x, kernel, recurrentKernel, bias, initialStates: [h0], mask, recurrentKeep: recurrentDropoutMask },
    grads && { dOutput: grads.dOutput, dFinal: [grads.dh] },
    opts,
  );
}
