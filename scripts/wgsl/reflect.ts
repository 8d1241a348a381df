/**
 * Reads a kernel's interface from its WGSL source with wgsl_reflect: the bindings of one entry point (name,
 * slot, kind), the layout of its uniform struct, its `override` constants and workgroup size. This runs when
 * building (scripts/wgsl/plugin.ts) and in tests, never in the library: the runtime gets the result as data.
 * Binding tables and uniform offsets are never counted by hand anywhere.
 */
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { ValueError } from '../../src/errors.ts';
import type { BindingInfo, KernelInterface, UniformLayout, UniformMember } from '../../src/gpu/kernel.ts';

/**
 * The layouts of the structs that storage buffers are declared as (e.g. the optimizer's state block, which the
 * host packs): name → size and scalar members, as a uniform struct's. Array-typed bindings have none.
 */
export function reflectStorageStructs(label: string, source: string): Record<string, UniformLayout> {
  const reflect = new WgslReflect(source);
  const used = new Set(reflect.storage.map((v) => v.type.name));
  const layouts: Record<string, UniformLayout> = {};
  for (const struct of reflect.structs) {
    if (!used.has(struct.name)) continue;
    const members = struct.members.map((m): UniformMember => {
      const type = m.type.name;
      if (type !== 'u32' && type !== 'i32' && type !== 'f32')
        throw new ValueError(`${label}: struct ${struct.name} member '${m.name}' has type ${type}; only scalars are packed`);
      return { name: m.name, offset: m.offset, type };
    });
    layouts[struct.name] = { name: struct.name, size: struct.size, members };
  }
  return layouts;
}

/** Every compute entry point of `source`, reflected (a WGSL file may hold several). */
export function reflectEntries(label: string, source: string): Record<string, KernelInterface> {
  const reflect = new WgslReflect(source);
  return Object.fromEntries(reflect.entry.compute.map((fn) => [fn.name, interfaceOf(`${label}.${fn.name}`, reflect, fn)]));
}

/** One compute entry point of `source`; a missing one is an error naming those it has. */
export function reflectKernel(label: string, source: string, entry: string): KernelInterface {
  const reflect = new WgslReflect(source);
  const fn = reflect.entry.compute.find((f) => f.name === entry);
  if (!fn) {
    const names = reflect.entry.compute.map((f) => f.name).join(', ');
    throw new ValueError(`${label}: no compute entry point '${entry}' in the WGSL; it has: ${names || 'none'}`);
  }
  return interfaceOf(label, reflect, fn);
}

type EntryFunction = WgslReflect['entry']['compute'][number];

function interfaceOf(label: string, reflect: WgslReflect, fn: EntryFunction): KernelInterface {
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
  return { label, entry: fn.name, bindings, uniform, overrides, workgroupSize: [wg[0], wg[1], wg[2]] };
}
