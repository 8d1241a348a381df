/**
 * Packs a dispatch's named uniform values into the bytes of its uniform struct, at the offsets reflected from
 * the WGSL (src/gpu/kernel.ts). Pure data, tested in Node.
 */
import { ValueError } from '../errors';
import type { UniformLayout } from './kernel';

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
