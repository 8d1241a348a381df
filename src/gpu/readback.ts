/**
 * A staging buffer kept for repeated small reads of one range (streaming inference). The caller encodes the
 * copy into the command encoder of its own work, so work and copy share one submit; `read()` then maps,
 * copies out and unmaps. Nothing is created per read, unlike Runtime.readMany, which sizes a fresh staging
 * buffer for each call.
 */
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

  /** Encodes the copy of `floats` floats from `from` (starting `offsetFloats` in) into the staging buffer. */
  encodeCopy(encoder: GPUCommandEncoder, from: GPUBuffer, offsetFloats: number): void {
    encoder.copyBufferToBuffer(from, offsetFloats * 4, this.staging, 0, this.floats * 4);
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
