/**
 * The one routine that makes a cell's buffers for a pass, used by a layer bound in a model
 * (src/layers/recurrent.ts) and by the functional API (src/ops/recurrent.ts) alike: the states, the scratch the
 * cell asks for (CellKernels.forwardScratch / backwardScratch), and the backward pass's inputs and outputs.
 */
import type { BufferRef } from '../gpu/kernel';
import type { OwnedBuffers } from '../gpu/ownedBuffers';
import type { CellBackward, CellDims, CellForward, CellKernels, CellWeights } from '../kernels/cell';
import type { RecurrentKeep } from '../kernels/recurrentDropout';
import type { StepMask } from '../kernels/sequenceMask';

/** Floats of one state buffer: [T+1, batch, units], a state on every boundary between inputs. */
export function stateFloats(dims: CellDims): number {
  return (dims.timesteps + 1) * dims.batch * dims.units;
}

export function makeCellForward<O, V extends string>(
  bufs: OwnedBuffers,
  cell: CellKernels<O, V>,
  dims: CellDims,
  options: O,
  variant: V,
  input: { x: BufferRef; xOffset: number; weights: CellWeights; mask: BufferRef | null; recurrentKeep?: RecurrentKeep | null },
): CellForward {
  const states = cell.stateNames.map((name) => bufs.make(name, stateFloats(dims)));
  const scratch = Object.fromEntries(Object.entries(cell.forwardScratch(dims, options, variant)).map(([name, floats]) => [name, bufs.make(name, floats)]));
  return { ...input, states, scratch };
}

/**
 * Weights (or their gradients) from buffers keyed by Keras name, as the parameter arena's views are. `names` are
 * the cell's own names for the kernel and the recurrent weight (CellKernels.weightNames), where they differ.
 */
export function cellWeights(views: Readonly<Record<string, BufferRef>>, where: string, names: CellKernels<unknown>['weightNames'] = {}): CellWeights {
  const [kernelName, recurrentName] = [names.kernel ?? 'kernel', names.recurrent ?? 'recurrent_kernel'];
  const [kernel, recurrent_kernel, bias] = [views[kernelName], views[recurrentName], views.bias];
  if (!kernel || !recurrent_kernel || !bias)
    throw new Error(`${where}: the parameter views lack ${kernelName}, ${recurrentName} or bias; got ${Object.keys(views).join(', ')}`);
  return { kernel, recurrent_kernel, bias };
}

/** A backward pass's buffers, all but the output gradient, which the caller gives when it records the pass. */
export type CellBackwardBuffers = Omit<CellBackward, 'dy' | 'dyIsSequence'>;

export interface BackwardInputs {
  grads: CellWeights;
  /** One [B, u] per state; null: zeros (a layer in a model, whose final states get no gradient from outside). */
  dFinal: readonly BufferRef[] | null;
  dInitial: readonly BufferRef[] | null;
  dx: BufferRef | null;
}

export function makeCellBackward<O, V extends string>(
  bufs: OwnedBuffers,
  cell: CellKernels<O, V>,
  dims: CellDims,
  options: O,
  variant: V,
  forward: CellForward,
  io: BackwardInputs,
): CellBackwardBuffers {
  const extra = cell.backwardScratch(dims, options, variant, io.dInitial !== null);
  const scratch = { ...forward.scratch, ...Object.fromEntries(Object.entries(extra).map(([name, floats]) => [name, bufs.make(name, floats)])) };
  const dFinal = io.dFinal ?? cell.stateNames.map((name) => bufs.zeros(`d${name} (final)`, dims.batch * dims.units));
  return { ...forward, ...io, dFinal, scratch };
}

/** The recorders' names for what every cell's forward pass reads and writes: x, the weights, xproj and h. */
export function recorderForward(io: CellForward) {
  return {
    x: io.x,
    xOffset: io.xOffset,
    kernel: io.weights.kernel,
    recurrentKernel: io.weights.recurrent_kernel,
    bias: io.weights.bias,
    xproj: io.scratch.xproj!,
    h: io.states[0]!,
    packedRecurrent: io.scratch.packedRecurrent,
  };
}

/** The mask buffers of a 'step' pass (forward: no carry is read, so the spare stands in for it). */
export function recorderMask(io: CellForward): StepMask {
  return {
    values: io.mask,
    spare: io.scratch.maskSpare!,
    carry: io.scratch.dhCarry ?? io.scratch.maskSpare!,
    carryOffset: 0,
    recurrentKeep: io.recurrentKeep ?? null,
  };
}

/** The recorders' names for the gradients every cell's backward pass writes. */
export function recorderGrads(io: CellBackward) {
  return {
    dx: io.dx,
    dKernel: io.grads.kernel,
    dRecurrentKernel: io.grads.recurrent_kernel,
    dBias: io.grads.bias,
    ...(io.scratch.droppedStates ? { droppedStates: io.scratch.droppedStates } : {}),
  };
}
