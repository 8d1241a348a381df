/** Records RepeatVector (a vector to n copies in time) and its gradient. Math: shaders/repeatVector.wgsl; CPU twin: src/reference/repeatVector.ts. */
import repeatVectorShader from '../../shaders/repeatVector.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const repeatKernel = defineKernel(repeatVectorShader, 'repeat');
export const repeatGradKernel = defineKernel(repeatVectorShader, 'repeat_grad');
const WG = 64;

export interface RepeatDims {
  n: number;
  /** Floats of the vector: batch · cols. */
  block: number;
}

export function recordRepeatForward(plan: Plan, buf: { x: BufferRef; xOffset: number; y: BufferRef }, dims: RepeatDims): void {
  plan.dispatch({
    kernel: repeatKernel,
    constants: { WG },
    bindings: { x: buf.x, y: buf.y },
    uniforms: { n: dims.n, block: dims.block, x_offset: buf.xOffset },
    workgroups: grid1d(dims.n * dims.block, WG),
  });
}

export function recordRepeatBackward(plan: Plan, buf: { dy: BufferRef; dx: BufferRef }, dims: RepeatDims): void {
  plan.dispatch({
    kernel: repeatGradKernel,
    constants: { WG },
    bindings: { dy: buf.dy, dx: buf.dx },
    uniforms: { n: dims.n, block: dims.block, x_offset: 0 },
    workgroups: grid1d(dims.block, WG),
  });
}
