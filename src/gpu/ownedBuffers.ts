/**
 * Buffers made for one owner (a layer's run, one functional call) and freed together, so no path, including
 * an exception halfway through, can forget one.
 */
import type { Runtime } from './runtime';

export class OwnedBuffers {
  private readonly made: GPUBuffer[] = [];
  constructor(
    private readonly rt: Runtime,
    private readonly label: string,
  ) {}

  private own(b: GPUBuffer): GPUBuffer {
    this.made.push(b);
    return b;
  }

  make(name: string, floats: number): GPUBuffer {
    return this.own(this.rt.createBuffer(`${this.label} ${name}`, Math.max(1, floats) * 4));
  }

  zeros(name: string, floats: number): GPUBuffer {
    return this.own(this.rt.zeros(`${this.label} ${name}`, floats));
  }

  upload(name: string, data: Float32Array): GPUBuffer {
    return this.own(this.rt.upload(`${this.label} ${name}`, data));
  }

  destroy(): void {
    for (const b of this.made) this.rt.destroyBuffer(b);
    this.made.length = 0;
  }
}
