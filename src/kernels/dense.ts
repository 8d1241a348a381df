/**
 * Records a Dense layer, forward and backward, into a plan. Math: shaders/dense.wgsl (softmax, activation
 * gradients) and shaders/gemm.wgsl (the products, with elementwise activations fused); CPU twin:
 * src/reference/dense.ts. Inputs are [rows, in] row-major: rows = batch, or timesteps·batch for a Dense
 * applied to every step of a sequence.
 */
import denseShader from '../../shaders/dense.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { ACTIVATION_IDS, type ActivationName } from './activations';
import { recordColumnSum } from './columnSum';
import { recordGemm } from './gemm';

export const softmaxKernel = defineKernel(denseShader, 'softmax');
export const activationGradKernel = defineKernel(denseShader, 'activation_grad');
export const softmaxGradKernel = defineKernel(denseShader, 'softmax_grad');
export const activationKernel = defineKernel(denseShader, 'activation');
const WG = 64;

export const DENSE_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

export interface DenseDims {
  rows: number;
  inputs: number;
  units: number;
}

export interface DenseForwardBuffers {
  /** Input [rows, inputs], starting `xOffset` elements in (e.g. the last step of an LSTM's h). */
  x: BufferRef;
  xOffset?: number;
  kernel: BufferRef;
  bias: BufferRef | null;
  y: BufferRef;
}

export function recordDenseForward(plan: Plan, buf: DenseForwardBuffers, dims: DenseDims, activation: DenseActivation): void {
  const { rows, inputs, units } = dims;
  recordGemm(plan, {
    a: buf.x,
    b: buf.kernel,
    ...(buf.bias ? { bias: buf.bias } : {}),
    c: buf.y,
    m: rows,
    n: units,
    k: inputs,
    aOffset: buf.xOffset ?? 0,
    activation: activation === 'softmax' ? 'linear' : activation,
  });
  if (activation === 'softmax') recordActivationInPlace(plan, buf.y, rows, units, 'softmax');
}

export interface DenseBackwardBuffers {
  x: BufferRef;
  xOffset?: number;
  kernel: BufferRef;
  /** The forward output Y (activation gradients are written in terms of it). */
  y: BufferRef;
  dy: BufferRef;
  /** Scratch [rows, units] for dZ; unused (may be null) for a linear activation, where dZ = dY. */
  dz: BufferRef | null;
  dKernel: BufferRef;
  dBias: BufferRef | null;
  /** Null when nothing upstream needs the input gradient (first layer). */
  dx: BufferRef | null;
}

export function recordDenseBackward(plan: Plan, buf: DenseBackwardBuffers, dims: DenseDims, activation: DenseActivation): void {
  const { rows, inputs, units } = dims;
  let dz = buf.dy;
  if (activation !== 'linear') {
    if (!buf.dz) throw new Error(`recordDenseBackward: a ${activation} Dense needs a dz scratch buffer`);
    recordActivationGrad(plan, { y: buf.y, dy: buf.dy, dz: buf.dz }, rows, units, activation);
    dz = buf.dz;
  }
  recordGemm(plan, { a: buf.x, b: dz, c: buf.dKernel, m: inputs, n: units, k: rows, transA: true, aOffset: buf.xOffset ?? 0 });
  if (buf.dBias) recordColumnSum(plan, dz, buf.dBias, rows, units);
  if (buf.dx) recordGemm(plan, { a: dz, b: buf.kernel, c: buf.dx, m: rows, n: inputs, k: units, transB: true });
}

/** An activation alone (layers.activation): y = act(y) in place over [rows, cols]; softmax is row-wise. */
export function recordActivationInPlace(plan: Plan, y: BufferRef, rows: number, cols: number, activation: DenseActivation): void {
  if (activation === 'linear') return;
  const softmax = activation === 'softmax';
  plan.dispatch({
    kernel: softmax ? softmaxKernel : activationKernel,
    constants: { WG, ACTIVATION: ACTIVATION_IDS[(softmax ? 'linear' : activation) as ActivationName] },
    bindings: { y },
    uniforms: { rows, cols },
    workgroups: grid1d(softmax ? rows : rows * cols, WG),
  });
}

/** The gradient through an activation, from its output y: dz = dy ⊙ act'(y), or the softmax Jacobian row by row. */
export function recordActivationGrad(
  plan: Plan,
  buf: { y: BufferRef; dy: BufferRef; dz: BufferRef },
  rows: number,
  cols: number,
  activation: DenseActivation,
): void {
  const softmax = activation === 'softmax';
  plan.dispatch({
    kernel: softmax ? softmaxGradKernel : activationGradKernel,
    constants: { WG, ACTIVATION: ACTIVATION_IDS[(softmax ? 'linear' : activation) as ActivationName] },
    bindings: { y_saved: buf.y, dy: buf.dy, dz: buf.dz },
    uniforms: { rows, cols },
    workgroups: grid1d(softmax ? rows : rows * cols, WG),
  });
}
