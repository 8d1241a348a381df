/**
 * Records an Embedding layer's lookup and its table gradient into a plan. Math: shaders/embedding.wgsl;
 * CPU twin: src/reference/embedding.ts. Ids are float32, one per row (time-major t·batch + b).
 */
import embeddingShader from '../../shaders/embedding.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';

export const embeddingGatherKernel = defineKernel(embeddingShader, 'gather');
export const embeddingZeroKernel = defineKernel(embeddingShader, 'zero');
export const embeddingScatterKernel = defineKernel(embeddingShader, 'scatter_grad');
const WG = 64;

export interface EmbeddingDims {
  rows: number;
  inputDim: number;
  outputDim: number;
}

function uniformsOf(d: EmbeddingDims) {
  return { rows: d.rows, input_dim: d.inputDim, output_dim: d.outputDim };
}

export function recordEmbeddingForward(plan: Plan, buf: { ids: BufferRef; table: BufferRef; y: BufferRef }, dims: EmbeddingDims): void {
  plan.dispatch({
    kernel: embeddingGatherKernel,
    constants: { WG },
    bindings: { ids: buf.ids, table: buf.table, y: buf.y },
    uniforms: uniformsOf(dims),
    workgroups: grid1d(dims.rows * dims.outputDim, WG),
  });
}

/** dTable = Σ over rows of dY scattered to each row's id (the table gradient is rewritten, not accumulated). */
export function recordEmbeddingBackward(plan: Plan, buf: { ids: BufferRef; dy: BufferRef; dTable: BufferRef }, dims: EmbeddingDims): void {
  plan.dispatch({
    kernel: embeddingZeroKernel,
    constants: { WG },
    bindings: { dtable: buf.dTable },
    uniforms: uniformsOf(dims),
    workgroups: grid1d(dims.inputDim * dims.outputDim, WG),
  });
  plan.dispatch({
    kernel: embeddingScatterKernel,
    constants: { WG },
    bindings: { ids: buf.ids, dy: buf.dy, dtable: buf.dTable },
    uniforms: uniformsOf(dims),
    workgroups: grid1d(dims.outputDim, WG),
  });
}
