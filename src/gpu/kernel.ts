/**
 * A kernel is one compute entry point of one shader file plus its interface, reflected from the WGSL when
 * building (scripts/wgsl/plugin.ts turns `import m from '…/x.wgsl'` into the data below). It holds no GPU
 * objects: pipelines are built and cached per device by the runtime, so one kernel serves any number of devices.
 */
import prelude from '../../shaders/prelude.wgsl';
import { ValueError } from '../errors';

export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

export interface BindingInfo {
  name: string;
  binding: number;
  kind: BindingKind;
}

export interface UniformMember {
  name: string;
  offset: number;
  type: 'u32' | 'i32' | 'f32';
}

export interface UniformLayout {
  /** The binding name of the uniform variable (one per kernel at most). */
  name: string;
  size: number;
  members: UniformMember[];
}

export interface KernelInterface {
  /** Label used in errors and GPU debug names: `file.entry`. */
  label: string;
  entry: string;
  bindings: BindingInfo[];
  uniform: UniformLayout | null;
  overrides: string[];
  workgroupSize: [number, number, number];
}

/** What importing a shader file gives: its code (comments stripped), the helpers it includes, its entry points. */
export interface ShaderModuleData {
  name: string;
  code: string;
  includes: readonly ShaderModuleData[];
  entries: Readonly<Record<string, KernelInterface>>;
  /** Layouts of the structs its storage buffers are declared as, for the host to pack (e.g. optimizer state). */
  structs: Readonly<Record<string, UniformLayout>>;
}

export interface Kernel {
  readonly label: string;
  /** prelude + includes + the file's code: one string per shader file, shared by its entry points. */
  readonly source: string;
  readonly entry: string;
  readonly iface: KernelInterface;
}

const sources = new WeakMap<ShaderModuleData, string>();

function sourceOf(module: ShaderModuleData): string {
  let source = sources.get(module);
  if (source === undefined) {
    source = [prelude.code, ...module.includes.map((m) => m.code), module.code].join('\n');
    sources.set(module, source);
  }
  return source;
}

export function defineKernel(module: ShaderModuleData, entry: string): Kernel {
  const iface = module.entries[entry];
  if (!iface) throw new ValueError(`shaders/${module.name}.wgsl has no compute entry point '${entry}'; it has ${Object.keys(module.entries).join(', ')}`);
  return {
    label: iface.label,
    entry,
    iface,
    get source() {
      return sourceOf(module);
    },
  };
}

/** A whole buffer or a byte range of one (offset must respect the device's storage offset alignment, 256). */
export type BufferRef = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

export function bufferOf(ref: BufferRef): GPUBuffer {
  return 'buffer' in ref ? ref.buffer : ref;
}

/**
 * A sub-range of `ref`, in floats: where a kernel binds one part of a scratch buffer. The offset must keep a
 * binding's 256-byte alignment; an empty part still binds 4 floats (a binding cannot be empty, and WGSL's
 * smallest array of vec4 is one).
 */
export function subRange(ref: BufferRef, offsetFloats: number, floats: number): BufferRef {
  const base = 'buffer' in ref ? ref : { buffer: ref, offset: 0 };
  return { buffer: base.buffer, offset: base.offset + offsetFloats * 4, size: Math.max(floats, 4) * 4 };
}

/**
 * Splits `groups` workgroups over x and y so that neither passes the 65 535 per-dimension limit. Kernels
 * rebuild the flat index with flat_index (shaders/prelude.wgsl) and skip indices past the end.
 */
export function grid1d(items: number, workgroupSize: number, maxPerDim = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(items / workgroupSize));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
