/** Records out[s] = in[T−1−s] over the time blocks of a sequence. Math and why: shaders/reverseTime.wgsl; CPU twin: src/reference/reverseTime.ts. */
import reverseTimeShader from '../../shaders/reverseTime.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const reverseTimeKernel = defineKernel(reverseTimeShader, 'main');
const WG = 64;

export interface ReverseTimeArgs {
  src: BufferRef;
  /** Where the sequence starts in `src`, in floats. */
  srcOffset?: number;
  /** Compact [T, block] output; must not be `src`'s buffer. */
  dst: BufferRef;
  timesteps: number;
  /** Floats per timestep (batch · channels). */
  block: number;
}

export function recordReverseTime(plan: Plan, a: ReverseTimeArgs): void {
  plan.dispatch({
    kernel: reverseTimeKernel,
    constants: { WG },
    bindings: { src: a.src, dst: a.dst },
    uniforms: { timesteps: a.timesteps, block: a.block, in_offset: a.srcOffset ?? 0 },
    workgroups: grid1d(a.timesteps * a.block, WG),
  });
}
