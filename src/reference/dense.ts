/** Float64 twin of a Dense layer (shaders/dense.wgsl + shaders/gemm.wgsl): Y = act(X·W + b) and its gradients. */
import type { DenseActivation } from '../kernels/dense';
import { actGradFromOutput } from './activations';
import { columnSum } from './columnSum';
import { gemm } from './gemm';

export interface DenseReferenceArgs {
  x: ArrayLike<number>;
  kernel: ArrayLike<number>;
  bias?: ArrayLike<number>;
  rows: number;
  inputs: number;
  units: number;
  activation: DenseActivation;
}

export function softmaxRows(z: Float64Array, rows: number, cols: number): Float64Array {
  const y = new Float64Array(z.length);
  for (let r = 0; r < rows; r++) {
    let top = -Infinity;
    for (let j = 0; j < cols; j++) top = Math.max(top, z[r * cols + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += y[r * cols + j] = Math.exp(z[r * cols + j]! - top);
    for (let j = 0; j < cols; j++) y[r * cols + j]! /= sum;
  }
  return y;
}

export function denseForward(a: DenseReferenceArgs): Float64Array {
  const { x, kernel, bias, rows, inputs, units, activation } = a;
  if (activation === 'softmax') return softmaxRows(gemm({ a: x, b: kernel, ...(bias ? { bias } : {}), m: rows, n: units, k: inputs }), rows, units);
  return gemm({ a: x, b: kernel, ...(bias ? { bias } : {}), m: rows, n: units, k: inputs, activation });
}

export function denseBackward(a: DenseReferenceArgs, dy: ArrayLike<number>) {
  const { x, kernel, rows, inputs, units, activation } = a;
  const y = denseForward(a);
  const dz = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let j = 0; j < units; j++) dot += dy[r * units + j]! * y[r * units + j]!;
    for (let j = 0; j < units; j++) {
      const i = r * units + j;
      dz[i] = activation === 'softmax' ? y[i]! * (dy[i]! - dot) : dy[i]! * actGradFromOutput(y[i]!, activation);
    }
  }
  return {
    y,
    dKernel: gemm({ a: x, b: dz, m: inputs, n: units, k: rows, transA: true }),
    dBias: columnSum(dz, rows, units),
    dX: gemm({ a: dz, b: kernel, m: rows, n: inputs, k: units, transB: true }),
  };
}
