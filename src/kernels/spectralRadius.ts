/** Records the power iteration of shaders/spectralRadius.wgsl (CPU twin: src/reference/spectralRadius.ts). */
import spectralRadiusShader from '../../shaders/spectralRadius.wgsl';
import { defineKernel, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { PowerIteration } from '../layers/powerIteration';

export const spectralRadiusKernel = defineKernel(spectralRadiusShader, 'main');
/** One workgroup; a power of two (the norm's reduction halves it) and at most the shader's 256. */
const WG = 64;

/** v [2, units] holds the start vector in its first half; result [2] gets the mean log growth and a zero flag. */
export function recordSpectralRadius(plan: Plan, buf: { matrix: BufferRef; v: BufferRef; result: BufferRef }, units: number, p: PowerIteration): void {
  plan.dispatch({
    kernel: spectralRadiusKernel,
    constants: { WG },
    bindings: { matrix: buf.matrix, v: buf.v, result: buf.result },
    uniforms: { units, iterations: p.iterations, average_from: p.averageFrom },
    workgroups: [1],
  });
}
