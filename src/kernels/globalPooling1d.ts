/**
 * Records global average or max pooling over time and its gradient. Math: shaders/globalPooling1d.wgsl; CPU
 * twin: src/reference/globalPooling1d.ts. The sequence is time-major [T, batch, cols] from `xOffset`.
 */
import poolingShader from '../../shaders/globalPooling1d.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export type PoolKind = 'avg' | 'max';
export const poolKernels = {
  avg: { forward: defineKernel(poolingShader, 'avg_pool'), backward: defineKernel(poolingShader, 'avg_pool_grad') },
  max: { forward: defineKernel(poolingShader, 'max_pool'), backward: defineKernel(poolingShader, 'max_pool_grad') },
};
export const maskedAvgKernels = { forward: defineKernel(poolingShader, 'masked_avg_pool'), backward: defineKernel(poolingShader, 'masked_avg_pool_grad') };
const WG = 64;

export interface PoolDims {
  timesteps: number;
  batch: number;
  cols: number;
}

const uniformsOf = (d: PoolDims, xOffset: number) => ({ timesteps: d.timesteps, batch: d.batch, cols: d.cols, x_offset: xOffset });

export function recordPoolForward(plan: Plan, kind: PoolKind, buf: { x: BufferRef; xOffset: number; y: BufferRef }, dims: PoolDims): void {
  plan.dispatch({
    kernel: poolKernels[kind].forward,
    constants: { WG },
    bindings: { x: buf.x, y: buf.y },
    uniforms: uniformsOf(dims, buf.xOffset),
    workgroups: grid1d(dims.batch * dims.cols, WG),
  });
}

/** dx [T, batch, cols] from dy [batch, cols]; max pooling also reads x and the pooled y. */
export function recordPoolBackward(
  plan: Plan,
  kind: PoolKind,
  buf: { x: BufferRef; xOffset: number; y: BufferRef; dy: BufferRef; dx: BufferRef },
  dims: PoolDims,
): void {
  const bindings: Record<string, BufferRef> = kind === 'avg' ? { dy: buf.dy, dx: buf.dx } : { x: buf.x, y: buf.y, dy: buf.dy, dx: buf.dx };
  plan.dispatch({
    kernel: poolKernels[kind].backward,
    constants: { WG },
    bindings,
    uniforms: uniformsOf(dims, buf.xOffset),
    workgroups: grid1d(kind === 'avg' ? dims.timesteps * dims.batch * dims.cols : dims.batch * dims.cols, WG),
  });
}

/** Average pooling over the real steps of a masked sequence (mask [T·batch], time-major), and its gradient. */
export function recordMaskedAvgPoolForward(plan: Plan, buf: { x: BufferRef; xOffset: number; mask: BufferRef; y: BufferRef }, dims: PoolDims): void {
  plan.dispatch({
    kernel: maskedAvgKernels.forward,
    constants: { WG },
    bindings: { x: buf.x, mask: buf.mask, y: buf.y },
    uniforms: uniformsOf(dims, buf.xOffset),
    workgroups: grid1d(dims.batch * dims.cols, WG),
  });
}

export function recordMaskedAvgPoolBackward(plan: Plan, buf: { mask: BufferRef; dy: BufferRef; dx: BufferRef }, dims: PoolDims): void {
  plan.dispatch({
    kernel: maskedAvgKernels.backward,
    constants: { WG },
    bindings: { mask: buf.mask, dy: buf.dy, dx: buf.dx },
    uniforms: uniformsOf(dims, 0),
    workgroups: grid1d(dims.batch * dims.cols, WG),
  });
}
