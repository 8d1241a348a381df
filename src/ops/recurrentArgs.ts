/**
 * Argument checks shared by the single-state recurrent layers (GRU, SimpleRNN): the sequence input, Keras-layout
 * weights whose width is a multiple of the units, the one-tensor initial state and the output gradients. Each
 * failure is a named error saying what was expected and what came. The LSTM keeps its own (src/ops/lstmArgs.ts).
 */
import { ShapeError, ValueError } from '../errors';
import { expectShape, toTensor, type Tensor, type TensorLike } from '../tensor';
import type { CellDims } from '../kernels/cell';

/** Checks the argument object, x [batch, timesteps, features], and the kernel [features, gates·units]. */
export function checkSequenceAndKernel(
  layer: string,
  inputs: Record<string, unknown>,
  keys: readonly string[],
  gates: number,
  gateNames: string,
): { x: Tensor; kernel: Tensor; dims: CellDims } {
  const expected = `${layer} expects { ${keys.join(', ')} }`;
  if (typeof inputs !== 'object' || inputs === null) throw new ValueError(`${expected}; got ${inputs === null ? 'null' : typeof inputs}`);
  for (const key of keys) if (inputs[key] === undefined) throw new ValueError(`${expected}; '${key}' is missing`);
  const x = toTensor(inputs.x as TensorLike, 'x');
  if (x.shape.length !== 3) {
    throw new ShapeError(`${layer} expects input x of rank 3, [batch, timesteps, features]; got shape [${x.shape.join(', ')}]`);
  }
  const [batch, timesteps, features] = x.shape as [number, number, number];
  if (batch < 1 || timesteps < 1 || features < 1) {
    throw new ShapeError(`${layer} expects x [batch, timesteps, features] with every size ≥ 1; got [${x.shape.join(', ')}]`);
  }
  const kernel = toTensor(inputs.kernel as TensorLike, 'kernel');
  const width = gates === 1 ? 'units' : `${gates}·units`;
  if (kernel.shape.length !== 2 || kernel.shape[1]! % gates !== 0 || kernel.shape[1] === 0) {
    throw new ShapeError(`kernel must be [features, ${width}] (Keras layout${gateNames}); got [${kernel.shape.join(', ')}]`);
  }
  const units = kernel.shape[1]! / gates;
  expectShape(kernel, [features, gates * units], 'kernel', `[features, ${width}] for x with ${features} features`);
  return { x, kernel, dims: { batch, timesteps, features, units } };
}

/** The optional `initialState: [h0]`, h0 [batch, units]. */
export function checkInitialH(initialState: unknown, dims: CellDims): Tensor | null {
  if (initialState === undefined) return null;
  if (!Array.isArray(initialState) || initialState.length !== 1) {
    throw new ValueError('initialState must be [h0], one tensor of shape [batch, units]');
  }
  const h0 = toTensor(initialState[0] as TensorLike, 'initialState[0] (h0)');
  expectShape(h0, [dims.batch, dims.units], 'initialState[0] (h0)', '[batch, units]');
  return h0;
}

export interface SingleStateGrads<T> {
  /** Gradient of the loss w.r.t. `output` (same shape). */
  dOutput: T;
  /** Gradient reaching the final hidden state from outside the layer (zeros when absent). */
  dh?: T;
}

export function checkSingleStateGrads(
  layer: string,
  grads: SingleStateGrads<TensorLike>,
  dims: CellDims,
  returnSequences: boolean,
): { dOutput: Tensor; dh: Tensor | null } {
  if (typeof grads !== 'object' || grads === null || grads.dOutput === undefined) {
    throw new ValueError(`${layer}Backward expects grads { dOutput, dh? }; dOutput is missing`);
  }
  const { batch, timesteps, units } = dims;
  const dOutput = toTensor(grads.dOutput, 'dOutput');
  if (returnSequences) expectShape(dOutput, [batch, timesteps, units], 'dOutput', 'the output shape [batch, timesteps, units]');
  else expectShape(dOutput, [batch, units], 'dOutput', 'the output shape [batch, units]');
  let dh: Tensor | null = null;
  if (grads.dh !== undefined) {
    dh = toTensor(grads.dh, 'dh');
    expectShape(dh, [batch, units], 'dh', '[batch, units]');
  }
  return { dOutput, dh };
}

/**
 * The optional timestep mask [batch, timesteps] (Keras's `mask`): non-zero where x_t of that row is real, 0 where
 * it is padding that the cell skips. Booleans are taken as 1 and 0.
 */
export function checkMask(mask: unknown, dims: CellDims): Tensor | null {
  if (mask === undefined || mask === null) return null;
  const asNumbers = Array.isArray(mask)
    ? (mask as unknown[]).map((row) => (Array.isArray(row) ? row.map((v) => (typeof v === 'boolean' ? Number(v) : v)) : row))
    : mask;
  const t = toTensor(asNumbers as TensorLike, 'mask');
  expectShape(t, [dims.batch, dims.timesteps], 'mask', '[batch, timesteps], one value per step of x (0: skip the step)');
  return t;
}

/** The optional inputs of a single-state cell (GRU, SimpleRNN): initialState [h0], mask, recurrentDropoutMask. */
export function checkSingleStateOptions(
  inputs: { initialState?: unknown; mask?: unknown; recurrentDropoutMask?: unknown },
  dims: CellDims,
): { h0: Tensor | null; mask: Tensor | null; recurrentDropoutMask: Tensor | null } {
  return {
    h0: checkInitialH(inputs.initialState, dims),
    mask: checkMask(inputs.mask, dims),
    recurrentDropoutMask: checkRecurrentDropoutMask(inputs.recurrentDropoutMask, dims),
  };
}

/**
 * The optional recurrent dropout mask [batch, units]: what multiplies h_{t−1} in the recurrent products (Keras's
 * rec_dp_mask, with its 1/(1 − rate) scaling), the same at every step.
 */
export function checkRecurrentDropoutMask(keep: unknown, dims: CellDims): Tensor | null {
  if (keep === undefined || keep === null) return null;
  const t = toTensor(keep as TensorLike, 'recurrentDropoutMask');
  expectShape(t, [dims.batch, dims.units], 'recurrentDropoutMask', '[batch, units], what multiplies h_{t−1} in the recurrent product (0 or 1/(1 − rate))');
  return t;
}

/** The optional `initialState: [h0, c0]` of a two-state cell (LSTM, SRU), each [batch, units]. */
export function checkTwoStates(initialState: unknown, dims: CellDims): { h0: Tensor | null; c0: Tensor | null } {
  if (initialState === undefined) return { h0: null, c0: null };
  if (!Array.isArray(initialState) || initialState.length !== 2) {
    throw new ValueError('initialState must be [h0, c0], two tensors of shape [batch, units]');
  }
  const h0 = toTensor(initialState[0] as TensorLike, 'initialState[0] (h0)');
  const c0 = toTensor(initialState[1] as TensorLike, 'initialState[1] (c0)');
  expectShape(h0, [dims.batch, dims.units], 'initialState[0] (h0)', '[batch, units]');
  expectShape(c0, [dims.batch, dims.units], 'initialState[1] (c0)', '[batch, units]');
  return { h0, c0 };
}

export interface TwoStateGrads<T> {
  /** Gradient of the loss w.r.t. `output` (same shape). */
  dOutput: T;
  /** Gradients reaching the final h and c from outside the layer (zeros when absent). */
  dh?: T;
  dc?: T;
}

export function checkTwoStateGrads(
  layer: string,
  grads: TwoStateGrads<TensorLike>,
  dims: CellDims,
  returnSequences: boolean,
): { dOutput: Tensor; dh: Tensor | null; dc: Tensor | null } {
  if (typeof grads !== 'object' || grads === null || grads.dOutput === undefined) {
    throw new ValueError(`${layer}Backward expects grads { dOutput, dh?, dc? }; dOutput is missing`);
  }
  const { dOutput, dh } = checkSingleStateGrads(layer, grads, dims, returnSequences);
  let dc: Tensor | null = null;
  if (grads.dc !== undefined) {
    dc = toTensor(grads.dc, 'dc');
    expectShape(dc, [dims.batch, dims.units], 'dc', '[batch, units]');
  }
  return { dOutput, dh, dc };
}

/** An optional kernel variant of the functional API: absent, or one of `variants` (a named error otherwise). */
export function checkVariant<V extends string>(value: unknown, variants: readonly V[]): V | undefined {
  if (value === undefined) return undefined;
  if (!(variants as readonly unknown[]).includes(value)) {
    throw new ValueError(`variant must be one of ${variants.map((v) => `'${v}'`).join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as V;
}
