/**
 * Reads a kernel's interface from its WGSL source: the bindings of one entry point (name, slot, kind), the
 * layout of its uniform struct, its `override` constants and workgroup size. Binding tables and uniform
 * offsets are never counted by hand anywhere else; everything here is pure data, so it is tested in Node.
 */
import { WgslReflect } from 'wgsl_reflect';
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

/**
 * Reflects one compute entry point. Overrides used for the workgroup size are resolved with `constants`
 * (falling back to the default written in the WGSL) so the dispatch size can be computed from the result.
 */
export function reflectKernel(label: string, source: string, entry: string): KernelInterface {
  const reflect = new WgslReflect(source);
  const fn = reflect.entry.compute.find((f) => f.name === entry);
  if (!fn) {
    const names = reflect.entry.compute.map((f) => f.name).join(', ');
    throw new ValueError(`${label}: no compute entry point '${entry}' in the WGSL; it has: ${names || 'none'}`);
  }
  const bindings: BindingInfo[] = [];
  let uniform: UniformLayout | null = null;
  for (const v of fn.resources) {
    if (v.group !== 0) throw new ValueError(`${label}: binding '${v.name}' is in group ${v.group}; webrnn kernels use group 0 only`);
    if (v.resourceType === 0) {
      if (uniform) throw new ValueError(`${label}: more than one uniform binding ('${uniform.name}', '${v.name}')`);
      const members = (v.members ?? []).map((m): UniformMember => {
        const type = m.type.name;
        if (type !== 'u32' && type !== 'i32' && type !== 'f32') {
          throw new ValueError(`${label}: uniform member '${m.name}' has type ${type}; only u32, i32 and f32 scalars are packed`);
        }
        return { name: m.name, offset: m.offset, type };
      });
      uniform = { name: v.name, size: v.size, members };
      bindings.push({ name: v.name, binding: v.binding, kind: 'uniform' });
    } else if (v.resourceType === 1) {
      bindings.push({ name: v.name, binding: v.binding, kind: v.access === 'read' ? 'read-only-storage' : 'storage' });
    } else {
      throw new ValueError(`${label}: binding '${v.name}' is neither a uniform nor a storage buffer`);
    }
  }
  bindings.sort((a, b) => a.binding - b.binding);
  const overrides = reflect.overrides.map((o) => o.name);
  const wg = fn.workgroupSize ?? [1, 1, 1];
  return { label, entry, bindings, uniform, overrides, workgroupSize: [wg[0], wg[1], wg[2]] };
}

/** Packs named values into the uniform struct's bytes; unknown and missing names are errors, not zeros. */
export function packUniforms(layout: UniformLayout, values: Record<string, number>, label: string): ArrayBuffer {
  const bytes = new ArrayBuffer(layout.size);
  const view = new DataView(bytes);
  const known = new Set(layout.members.map((m) => m.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) {
      throw new ValueError(`${label}: uniform '${name}' is not a member of ${layout.name}; members are ${[...known].join(', ')}`);
    }
  }
  for (const m of layout.members) {
    const v = values[m.name];
    if (v === undefined) throw new ValueError(`${label}: uniform '${m.name}' was not given a value`);
    if (m.type === 'f32') {
      view.setFloat32(m.offset, v, true);
    } else {
      if (!Number.isInteger(v)) throw new ValueError(`${label}: uniform '${m.name}' is ${m.type}; got non-integer ${v}`);
      if (m.type === 'u32') {
        if (v < 0 || v > 0xffffffff) throw new ValueError(`${label}: uniform '${m.name}' is u32; got ${v}`);
        view.setUint32(m.offset, v, true);
      } else {
        view.setInt32(m.offset, v, true);
      }
    }
  }
  return bytes;
}
