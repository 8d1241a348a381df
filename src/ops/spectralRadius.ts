/**
 * `spectralRadius(rt, matrix)`: ρ(W), the largest |eigenvalue| of a square matrix, by power iteration on the GPU
 * (shaders/spectralRadius.wgsl, one dispatch), or on the host on the wasm backend. What an echo-state reservoir is
 * scaled by; EchoState.spectralRadius() measures its layer's reservoir with it.
 */
import { ShapeError, ValueError } from '../errors';
import { OwnedBuffers } from '../gpu/ownedBuffers';
import { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import { recordSpectralRadius } from '../kernels/spectralRadius';
import { POWER_ITERATION, powerIterationStart, spectralRadius as hostSpectralRadius, type PowerIteration } from '../layers/powerIteration';
import { checkFinite, toTensor, type TensorLike } from '../tensor';

export async function spectralRadius(rt: Runtime, matrix: TensorLike, options: Partial<PowerIteration> = {}): Promise<number> {
  rt.check();
  const m = toTensor(matrix, 'matrix');
  if (m.shape.length !== 2 || m.shape[0] !== m.shape[1] || m.shape[0]! < 1) {
    throw new ShapeError(`spectralRadius expects a square matrix [n, n]; got [${m.shape.join(', ')}]`);
  }
  checkFinite(m, 'matrix');
  const p = { ...POWER_ITERATION, ...options };
  if (!Number.isInteger(p.iterations) || !Number.isInteger(p.averageFrom) || p.averageFrom < 0 || p.averageFrom >= p.iterations) {
    throw new ValueError(`spectralRadius needs integers 0 ≤ averageFrom < iterations; got iterations ${p.iterations}, averageFrom ${p.averageFrom}`);
  }
  const units = m.shape[0]!;
  // The wasm backend has no device: the float64 power iteration the echo-state initializer runs on the host
  // (layers/powerIteration.ts) is this dispatch's twin, from the same start vector to the same mean of log growths.
  if (rt.backend === 'wasm') return hostSpectralRadius(m.data, units, p);
  const bufs = new OwnedBuffers(rt, 'spectralRadius');
  const plan = new Plan(rt, 'spectralRadius');
  try {
    const v = bufs.make('power iteration vectors', 2 * units);
    rt.write(v, powerIterationStart(units));
    const result = bufs.make('spectral radius', 4);
    recordSpectralRadius(plan, { matrix: bufs.upload('matrix', m.data), v, result }, units, p);
    await plan.prepare();
    plan.run();
    const [meanLog, zero] = await rt.read(result, 2);
    return zero ? 0 : Math.exp(meanLog!);
  } finally {
    plan.destroy();
    bufs.destroy();
  }
}
