/**
 * The functional SRU API: one layer's forward pass, and its backward pass (BPTT), on the GPU, through the one
 * runner every cell shares (src/ops/recurrent.ts). The float64 twin with the same arguments is
 * src/reference/sruSeq.ts; the argument checks are src/ops/sruArgs.ts.
 */
import { sruCell } from '../cells/sru';
import type { Runtime } from '../gpu/runtime';
import type { Tensor, TensorLike } from '../tensor';
import { runCell, type CellRunResult } from './recurrent';
import {
  checkSruGrads,
  checkSruInputs,
  resolveSruOptions,
  type SruGradients,
  type SruGrads,
  type SruInputs,
  type SruOptions,
  type SruOutputs,
} from './sruArgs';

export async function sruForward(rt: Runtime, inputs: SruInputs<TensorLike>, options: SruOptions = {}): Promise<SruOutputs<Tensor>> {
  const result = await runSru(rt, inputs, null, options);
  return { output: result.output, h: result.finalStates[0]!, c: result.finalStates[1]! };
}

/** Forward and backpropagation through time in one submit; returns the forward outputs and every gradient. */
export async function sruBackward(
  rt: Runtime,
  inputs: SruInputs<TensorLike>,
  grads: SruGrads<TensorLike>,
  options: SruOptions = {},
): Promise<SruGradients<Tensor>> {
  const result = await runSru(rt, inputs, grads, options);
  const g = result.gradients!;
  return {
    output: result.output,
    h: result.finalStates[0]!,
    c: result.finalStates[1]!,
    dX: g.dX,
    dKernel: g.dKernel,
    dRecurrentWeights: g.dRecurrentKernel,
    dBias: g.dBias,
    dh0: g.dInitial[0]!,
    dc0: g.dInitial[1]!,
  };
}

async function runSru(rt: Runtime, rawInputs: SruInputs<TensorLike>, rawGrads: SruGrads<TensorLike> | null, options: SruOptions): Promise<CellRunResult> {
  rt.check();
  const opts = resolveSruOptions(options);
  const inputs = checkSruInputs(rawInputs);
  const grads = rawGrads ? checkSruGrads(rawGrads, inputs.dims, opts.returnSequences) : null;
  const { x, kernel, recurrentWeights, bias, h0, c0, mask, recurrentDropoutMask } = inputs;
  return runCell(
    rt,
    sruCell,
    { dims: inputs.dims, x, kernel, recurrentKernel: recurrentWeights, bias, initialStates: [h0, c0], mask, recurrentKeep: recurrentDropoutMask },
    grads && { dOutput: grads.dOutput, dFinal: [grads.dh, grads.dc] },
    opts,
  );
}
