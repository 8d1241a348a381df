/**
 * A Dense layer in WebAssembly SIMD (f32x4) for the CPU path: Y = act(X·W + b), the twin of shaders/dense.wgsl's
 * forward pass (src/reference/dense.ts), checked by test/dense.wasm.test.ts. The output columns are padded by the
 * caller to a multiple of 4 (zero weights); softmax, a reduction along each row, is applied by the caller.
 *
 *     Y = X·W + b      gemm()
 *     Y = act(Y)       activateAll(): relu, tanh, sigmoid (ids as shaders/activations.wgsl's)
 */
import { activate } from './lib/activations';

export { gemm } from './lib/gemm';

/** y = act(y) in place over `count` floats (a multiple of 4). */
export function activateAll(y: usize, count: i32, act: i32): void {
  const end = y + ((<usize>count) << 2);
  for (let p = y; p < end; p += 16) v128.store(p, activate(v128.load(p), act));
}
