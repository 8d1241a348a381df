/**
 * Records LayerNormalization over the last axis and its gradients. Math: shaders/layerNorm.wgsl; CPU twin:
 * src/reference/layerNorm.ts. dγ and dβ are column sums (src/kernels/columnSum.ts) of dy·x̂ and dy.
 */
import layerNormShader from '../../shaders/layerNorm.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { recordColumnSum } from './columnSum';

export const layerNormForwardKernel = defineKernel(layerNormShader, 'forward');
export const layerNormBackwardKernel = defineKernel(layerNormShader, 'backward');
const WG = 64;

export interface LayerNormDims {
  rows: number;
  cols: number;
  epsilon: number;
}

const uniformsOf = (d: LayerNormDims, xOffset: number) => ({ rows: d.rows, cols: d.cols, x_offset: xOffset, epsilon: d.epsilon });

/** y and the per-row stats [rows, 2] (mean, 1/σ) the backward pass reads. */
export function recordLayerNormForward(
  plan: Plan,
  buf: { x: BufferRef; xOffset: number; gamma: BufferRef; beta: BufferRef; y: BufferRef; stats: BufferRef },
  dims: LayerNormDims,
): void {
  plan.dispatch({
    kernel: layerNormForwardKernel,
    constants: { WG },
    bindings: { x: buf.x, gamma: buf.gamma, beta: buf.beta, y: buf.y, stats: buf.stats },
    uniforms: uniformsOf(dims, buf.xOffset),
    workgroups: grid1d(dims.rows, WG),
  });
}

/** dx, and dγ = Σ_rows dy·x̂, dβ = Σ_rows dy (rewritten, not accumulated); dyxhat is [rows, cols] scratch. */
export function recordLayerNormBackward(
  plan: Plan,
  buf: {
    x: BufferRef;
    xOffset: number;
    gamma: BufferRef;
    stats: BufferRef;
    dy: BufferRef;
    dx: BufferRef;
    dyxhat: BufferRef;
    dGamma: BufferRef;
    dBeta: BufferRef;
  },
  dims: LayerNormDims,
): void {
  plan.dispatch({
    kernel: layerNormBackwardKernel,
    constants: { WG },
    bindings: { x: buf.x, gamma: buf.gamma, stats: buf.stats, dy: buf.dy, dx: buf.dx, dyxhat: buf.dyxhat },
    uniforms: uniformsOf(dims, buf.xOffset),
    workgroups: grid1d(dims.rows, WG),
  });
  recordColumnSum(plan, buf.dyxhat, buf.dGamma, dims.rows, dims.cols);
  recordColumnSum(plan, buf.dy, buf.dBeta, dims.rows, dims.cols);
}
