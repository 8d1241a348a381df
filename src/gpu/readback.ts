/**
 * A staging buffer kept for repeated small reads of one range (streaming inference). The caller runs the copy
 * with its own work (`plan.run([readback.copyFrom(...)])`), so work and copy share one submit; `read()` then maps,
 * copies out and unmaps. Nothing is created per read, unlike Runtime.readMany, which sizes a fresh staging
 * buffer for each call.
 */
import type { OutputCopy } from './plan';
import type { Runtime } from './runtime';

// The numeric flags: GPUBufferUsage exists only in browsers, and unit tests import this in Node.
const MAP_READ_USAGE = 0x01 | 0x08; // MAP_READ | COPY_DST

export class Readback {
  private readonly staging: GPUBuffer;

  constructor(
    private readonly rt: Runtime,
    label: string,
    readonly floats: number,
  ) {
    this.staging = rt.createBuffer(label, floats * 4, MAP_READ_USAGE);
  }

  /** The copy of `floats` floats from `from` (starting `offsetFloats` in) into the staging buffer. */
  copyFrom(from: GPUBuffer, offsetFloats: number): OutputCopy {
    return { from, fromOffset: offsetFloats, to: this.staging, floats: this.floats };
  }

  /** Waits for the submitted copy and returns its floats (a fresh array: the mapping is released). */
  async read(): Promise<Float32Array> {
    await this.rt.mapForRead(this.staging);
    const out = new Float32Array(this.staging.getMappedRange(0, this.floats * 4).slice(0));
    this.staging.unmap();
    return out;
  }

  destroy(): void {
    this.rt.destroyBuffer(this.staging);
  }
}
