/**
 * The functional echo-state reservoir: one layer's forward pass, and its backward pass, on the GPU, through the
 * runner every cell shares (src/ops/recurrent.ts). Here every gradient comes back, the weights' too (a layer in
 * a model keeps its reservoir frozen instead). Float64 twin: src/reference/echoState.ts.
 */
import { echoStateCell } from '../cells/echoState';
import type { Runtime } from '../gpu/runtime';
import type { Tensor, TensorLike } from '../tensor';
import {
  checkEchoStateGrads,
  checkEchoStateInputs,
  resolveEchoStateOptions,
  type EchoStateGradients,
  type EchoStateGrads,
  type EchoStateInputs,
  type EchoStateOptions,
  type EchoStateOutputs,
} from './echoStateArgs';
import { runCell, type CellRunResult } from './recurrent';

export async function echoStateForward(rt: Runtime, inputs: EchoStateInputs<TensorLike>, options: EchoStateOptions = {}): Promise<EchoStateOutputs<Tensor>> {
  const result = await runEchoState(rt, inputs, null, options);
  return { output: result.output, h: result.finalStates[0]! };
}

export async function echoStateBackward(
  rt: Runtime,
  inputs: EchoStateInputs<TensorLike>,
  grads: EchoStateGrads<TensorLike>,
  options: EchoStateOptions = {},
): Promise<EchoStateGradients<Tensor>> {
  const result = await runEchoState(rt, inputs, grads, options);
  const g = result.gradients!;
  return {
    output: result.output,
    h: result.finalStates[0]!,
    dX: g.dX,
    dInputKernel: g.dKernel,
    dReservoir: g.dRecurrentKernel,
    dBias: g.dBias,
    dh0: g.dInitial[0]!,
  };
}

async function runEchoState(
  rt: Runtime,
  rawInputs: EchoStateInputs<TensorLike>,
  rawGrads: EchoStateGrads<TensorLike> | null,
  options: EchoStateOptions,
): Promise<CellRunResult> {
  rt.check();
  const opts = resolveEchoStateOptions(options);
  const inputs = checkEchoStateInputs(rawInputs);
  const grads = rawGrads ? checkEchoStateGrads(rawGrads, inputs.dims, opts.returnSequences) : null;
  const { x, inputKernel, reservoir, bias, h0, mask } = inputs;
  return runCell(
    rt,
    echoStateCell,
    { dims: inputs.dims, x, kernel: inputKernel, recurrentKernel: reservoir, bias, initialStates: [h0], mask, recurrentKeep: null },
    grads && { dOutput: grads.dOutput, dFinal: [grads.dh] },
    { ...opts, frozen: false },
  );
}
