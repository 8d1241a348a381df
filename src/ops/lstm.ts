/**
 * The functional LSTM API: one layer's forward pass, and its backward pass (BPTT), on the GPU, through the one
 * runner every cell shares (src/ops/recurrent.ts). The float64 twin with the same arguments is
 * src/reference/lstmStep.ts; the argument checks are src/ops/lstmArgs.ts.
 */
import { lstmCell } from '../cells/lstm';
import type { Runtime } from '../gpu/runtime';
import type { Tensor, TensorLike } from '../tensor';
import {
  checkLstmGrads,
  checkLstmInputs,
  resolveLstmOptions,
  type LstmGradients,
  type LstmGrads,
  type LstmInputs,
  type LstmOptions,
  type LstmOutputs,
} from './lstmArgs';
import { runCell, type CellRunResult } from './recurrent';

export async function lstmForward(rt: Runtime, inputs: LstmInputs<TensorLike>, options: LstmOptions = {}): Promise<LstmOutputs<Tensor>> {
  return outputsOf(await runLstm(rt, inputs, null, options));
}

/**
 * Runs the forward pass and backpropagation through time in one submit, from the gradient of `output` (and
 * optionally of the final states) to the gradients of x, the weights and the initial states. The forward
 * outputs come back too, so a caller that needs both makes this one call.
 */
export async function lstmBackward(
  rt: Runtime,
  inputs: LstmInputs<TensorLike>,
  grads: LstmGrads<TensorLike>,
  options: LstmOptions = {},
): Promise<LstmGradients<Tensor>> {
  const result = await runLstm(rt, inputs, grads, options);
  const g = result.gradients!;
  return { ...outputsOf(result), dX: g.dX, dKernel: g.dKernel, dRecurrentKernel: g.dRecurrentKernel, dBias: g.dBias, dh0: g.dInitial[0]!, dc0: g.dInitial[1]! };
}

function outputsOf(result: CellRunResult): LstmOutputs<Tensor> {
  return { output: result.output, h: result.finalStates[0]!, c: result.finalStates[1]! };
}

async function runLstm(rt: Runtime, rawInputs: LstmInputs<TensorLike>, rawGrads: LstmGrads<TensorLike> | null, options: LstmOptions): Promise<CellRunResult> {
  rt.check();
  const opts = resolveLstmOptions(options);
  const inputs = checkLstmInputs(rawInputs);
  const grads = rawGrads ? checkLstmGrads(rawGrads, inputs.dims, opts.returnSequences) : null;
  const { x, kernel, recurrentKernel, bias, h0, c0, mask, recurrentDropoutMask } = inputs;
  return runCell(
    rt,
    lstmCell,
    { dims: inputs.dims, x, kernel, recurrentKernel, bias, initialStates: [h0, c0], mask, recurrentKeep: recurrentDropoutMask },
    grads && { dOutput: grads.dOutput, dFinal: [grads.dh, grads.dc] },
    opts,
  );
}
