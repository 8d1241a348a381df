/**
 * A kernel is one compute entry point of one WGSL file plus the interface reflected from it. It holds no GPU
 * objects: pipelines are built and cached per device by the runtime, so one kernel serves any number of devices.
 */
import { reflectKernel, type KernelInterface } from './reflect';

export interface Kernel {
  readonly label: string;
  readonly source: string;
  readonly entry: string;
  /** Reflected on first use (parsing WGSL costs a few ms; importing webrnn should not). */
  readonly iface: KernelInterface;
}

/** `sources` are concatenated in order: shared helper files (activations) first, then the kernel's own file. */
export function defineKernel(file: string, entry: string, ...sources: string[]): Kernel {
  const source = sources.join('\n');
  const label = `${file}.${entry}`;
  let iface: KernelInterface | undefined;
  return {
    label,
    source,
    entry,
    get iface() {
      iface ??= reflectKernel(label, source, entry);
      return iface;
    },
  };
}

/** A whole buffer or a byte range of one (offset must respect the device's storage offset alignment, 256). */
export type BufferRef = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

export function bufferOf(ref: BufferRef): GPUBuffer {
  return 'buffer' in ref ? ref.buffer : ref;
}

/**
 * Splits `groups` workgroups over x and y so that neither passes the 65 535 per-dimension limit. Kernels
 * rebuild the flat index as `gid.x + gid.y * num_workgroups.x * WG` and skip indices past the end.
 */
export function grid1d(items: number, workgroupSize: number, maxPerDim = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(items / workgroupSize));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
