/**
 * The functional GRU API: one layer's forward pass, and its backward pass (BPTT), on the GPU, through the one
 * runner every cell shares (src/ops/recurrent.ts). The float64 twin with the same arguments is
 * src/reference/gruStep.ts; the argument checks are src/ops/gruArgs.ts. The bias is Keras's: [2, 3u] with
 * resetAfter (its gradient too), else [3u].
 */
import { gruCell } from '../cells/gru';
import type { Runtime } from '../gpu/runtime';
import type { Tensor, TensorLike } from '../tensor';
import {
  checkGruGrads,
  checkGruInputs,
  resolveGruOptions,
  type GruGradients,
  type GruGrads,
  type GruInputs,
  type GruOptions,
  type GruOutputs,
} from './gruArgs';
import { runCell, type CellRunResult } from './recurrent';

export async function gruForward(rt: Runtime, inputs: GruInputs<TensorLike>, options: GruOptions = {}): Promise<GruOutputs<Tensor>> {
  const result = await runGru(rt, inputs, null, options);
  return { output: result.output, h: result.finalStates[0]! };
}

/**
 * Runs the forward pass and backpropagation through time in one submit, from the gradient of `output` (and
 * optionally of the final state) to the gradients of x, the weights and the initial state. The forward outputs
 * come back too.
 */
export async function gruBackward(
  rt: Runtime,
  inputs: GruInputs<TensorLike>,
  grads: GruGrads<TensorLike>,
  options: GruOptions = {},
): Promise<GruGradients<Tensor>> {
  const result = await runGru(rt, inputs, grads, options);
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

async function runGru(rt: Runtime, rawInputs: GruInputs<TensorLike>, rawGrads: GruGrads<TensorLike> | null, options: GruOptions): Promise<CellRunResult> {
  rt.check();
  const opts = resolveGruOptions(options);
  const inputs = checkGruInputs(rawInputs, opts.resetAfter);
  const grads = rawGrads ? checkGruGrads(rawGrads, inputs.dims, opts.returnSequences) : null;
  const { x, kernel, recurrentKernel, bias, h0, mask, recurrentDropoutMask } = inputs;
  return runCell(
    rt,
    gruCell,
    { dims: inputs.dims, x, kernel, recurrentKernel, bias, initialStates: [h0], mask, recurrentKeep: recurrentDropoutMask },
    grads && { dOutput: grads.dOutput, dFinal: [grads.dh] },
    opts,
  );
}
