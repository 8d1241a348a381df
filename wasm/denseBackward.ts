/**
 * A Dense layer's backward pass in WebAssembly SIMD (f32x4), and the SimpleRNN's (its step is a Dense on
 * [x_t; h_{t−1}]): the CPU path's twin of shaders/dense.wgsl's and shaders/simpleRnnStep.wgsl's backward entry
 * points, checked against src/reference/dense.ts and src/reference/simpleRnnStep.ts.
 *
 *     dZ = dY ⊙ act′(Y)             activationBackward(), from the kept outputs (softmax: by the caller)
 *     dW = Xᵀ·dZ   db = 1ᵀ·dZ   dX = dZ·Wᵀ     the forward module's gemm() (transposes laid out by the caller)
 *
 * For the SimpleRNN, per step from the last: dz_t = dh_t ⊙ act′(h_t), dh_{t−1} += dz_t·Uᵀ (gemm() with add = 1).
 * Instantiated on the forward module's memory, so it reads what the forward pass kept.
 */
import { slope } from './lib/activations';

/** dz = dy ⊙ act′(y) over `count` floats (a multiple of 4); dz may be dy. */
export function activationBackward(y: usize, dy: usize, dz: usize, count: i32, act: i32): void {
  const bytes = (<usize>count) << 2;
  for (let p: usize = 0; p < bytes; p += 16) v128.store(dz + p, f32x4.mul(v128.load(dy + p), slope(v128.load(y + p), act)));
}
