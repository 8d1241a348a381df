/**
 * Moves sequences between Keras's layout and the kernels'. Keras: [batch, steps, C], batch-major, in processing
 * order (a go_backwards layer's outputs come reversed). Kernels: [T, batch, C], time-major, block t for input
 * time t in both directions (shaders/direction.wgsl). With goBackwards false this is swapLeadingAxes. Only
 * what the functional API uploads or reads back passes through here; x keeps its order (the kernels walk it
 * backwards), so the only reordered tensors are the output sequence and its gradient.
 */
import { swapLeadingAxes } from '../tensor';

/** Keras [B, T, C] in processing order → kernel [T, B, C] indexed by input time. */
export function toTimeMajor(data: Float32Array, batch: number, timesteps: number, channels: number, goBackwards: boolean): Float32Array {
  if (!goBackwards) return swapLeadingAxes(data, batch, timesteps, channels);
  const out = new Float32Array(data.length);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < timesteps; s++) {
      const t = timesteps - 1 - s;
      out.set(data.subarray((b * timesteps + s) * channels, (b * timesteps + s + 1) * channels), (t * batch + b) * channels);
    }
  }
  return out;
}

/** Kernel [T, B, C] indexed by input time → Keras [B, T, C] in processing order. */
export function fromTimeMajor(data: Float32Array, timesteps: number, batch: number, channels: number, goBackwards: boolean): Float32Array {
  if (!goBackwards) return swapLeadingAxes(data, timesteps, batch, channels);
  const out = new Float32Array(data.length);
  for (let t = 0; t < timesteps; t++) {
    const s = timesteps - 1 - t;
    for (let b = 0; b < batch; b++) {
      out.set(data.subarray((t * batch + b) * channels, (t * batch + b + 1) * channels), (b * timesteps + s) * channels);
    }
  }
  return out;
}
