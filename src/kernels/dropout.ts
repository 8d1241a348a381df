/**
 * Records inverted dropout's mask-and-scale, its gradient, and the step counter's advance into a plan. Math and
 * the random draw: shaders/dropout.wgsl; CPU twin: src/reference/dropout.ts.
 */
import dropoutShader from '../../shaders/dropout.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const dropoutApplyKernel = defineKernel(dropoutShader, 'apply');
export const dropoutAdvanceKernel = defineKernel(dropoutShader, 'advance');
export const dropoutBackwardKernel = defineKernel(dropoutShader, 'backward');
const WG = 64;

/** Which axes draw their own mask (true) or share one (false: Keras's noise size 1 on that axis). */
export interface NoiseAxes {
  timesteps: boolean;
  batch: boolean;
  features: boolean;
}

export interface DropoutDims {
  /** rows × cols elements; rows = timesteps · batch for a sequence (time-major), batch for a vector. */
  rows: number;
  cols: number;
  batch: number;
}

export interface DropoutConfig {
  rate: number;
  seed: number;
  noise: NoiseAxes;
}

/** The draw's threshold: a kept element draws at least ⌊rate · 2^32⌋ (u32), so P(keep) = 1 − rate. */
export function dropoutThreshold(rate: number): number {
  return Math.min(Math.floor(rate * 2 ** 32), 2 ** 32 - 1);
}

function uniformsOf(d: DropoutDims, c: DropoutConfig, xOffset: number) {
  return {
    rows: d.rows,
    cols: d.cols,
    batch: d.batch,
    x_offset: xOffset,
    seed: c.seed >>> 0,
    threshold: dropoutThreshold(c.rate),
    keep_scale: 1 / (1 - c.rate),
    noise_t: c.noise.timesteps ? 1 : 0,
    noise_b: c.noise.batch ? 1 : 0,
    noise_c: c.noise.features ? 1 : 0,
  };
}

/** y = x · scale with a fresh mask, then step += 1. `step` is a one-u32 buffer the layer keeps across batches. */
export function recordDropoutForward(
  plan: Plan,
  buf: { step: BufferRef; x: BufferRef; xOffset: number; scale: BufferRef; y: BufferRef },
  dims: DropoutDims,
  config: DropoutConfig,
): void {
  plan.dispatch({
    kernel: dropoutApplyKernel,
    constants: { WG },
    bindings: { step: buf.step, x: buf.x, scale: buf.scale, y: buf.y },
    uniforms: uniformsOf(dims, config, buf.xOffset),
    workgroups: grid1d(dims.rows * dims.cols, WG),
  });
  plan.dispatch({ kernel: dropoutAdvanceKernel, constants: { WG }, bindings: { step: buf.step }, uniforms: {}, workgroups: [1, 1, 1] });
}

/** dx = dy · scale (the forward pass's saved mask). */
export function recordDropoutBackward(plan: Plan, buf: { scale: BufferRef; dy: BufferRef; dx: BufferRef }, dims: DropoutDims, config: DropoutConfig): void {
  plan.dispatch({
    kernel: dropoutBackwardKernel,
    constants: { WG },
    bindings: { scale: buf.scale, dy: buf.dy, dx: buf.dx },
    uniforms: uniformsOf(dims, config, 0),
    workgroups: grid1d(dims.rows * dims.cols, WG),
  });
}
