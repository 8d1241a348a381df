/** Binding tables and uniform layouts come from the WGSL (wgsl_reflect); these tests need no GPU. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/errors';
import { packUniforms } from '../src/gpu/uniforms';
import { reflectKernel } from '../scripts/wgsl/reflect';
import { gemmKernel } from '../src/kernels/gemm';
import { columnSumKernel } from '../src/kernels/columnSum';
import { activationGradKernel } from '../src/kernels/dense';
import { lstmBackwardKernel, lstmForwardKernel } from '../src/kernels/lstmStep';

describe('reflected kernel interfaces', () => {
  it('gemm: five bindings with their access modes, six u32 uniforms at 4-byte steps', () => {
    const iface = gemmKernel.iface;
    expect(iface.bindings).toEqual([
      { name: 'params', binding: 0, kind: 'uniform' },
      { name: 'a', binding: 1, kind: 'read-only-storage' },
      { name: 'b', binding: 2, kind: 'read-only-storage' },
      { name: 'bias', binding: 3, kind: 'read-only-storage' },
      { name: 'c', binding: 4, kind: 'storage' },
    ]);
    expect(iface.uniform?.members.map((m) => [m.name, m.offset, m.type])).toEqual([
      ['m', 0, 'u32'],
      ['n', 4, 'u32'],
      ['k', 8, 'u32'],
      ['a_offset', 12, 'u32'],
      ['b_offset', 16, 'u32'],
      ['c_offset', 20, 'u32'],
    ]);
    expect(iface.uniform?.size).toBe(24);
    expect(iface.overrides).toEqual(expect.arrayContaining(['TRANS_A', 'TRANS_B', 'HAS_BIAS']));
    expect(iface.workgroupSize).toEqual([8, 8, 1]);
  });

  it('lstmStep: forward and backward entry points see only their own bindings', () => {
    expect(lstmForwardKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'xproj', 'recurrent', 'h', 'c', 'gates', 'step_mask']);
    expect(lstmBackwardKernel.iface.bindings.map((b) => `${b.name}:${b.kind}`)).toEqual([
      'back_params:uniform',
      'recurrent_b:read-only-storage',
      'saved_gates:read-only-storage',
      'saved_c:read-only-storage',
      'dy:read-only-storage',
      'dh_last:read-only-storage',
      'dc:storage',
      'dgates:storage',
      'step_mask:read-only-storage',
    ]);
    expect(lstmBackwardKernel.iface.uniform?.members.map((m) => m.name)).toEqual(['t', 'batch', 'units', 'timesteps', 'dy_is_sequence']);
    expect(lstmForwardKernel.iface.overrides).toEqual(expect.arrayContaining(['WG', 'ACTIVATION', 'RECURRENT_ACTIVATION', 'MASKED']));
  });

  it('columnSum: one uniform struct of rows and cols', () => {
    expect(columnSumKernel.iface.uniform?.members.map((m) => `${m.name}@${m.offset}`)).toEqual(['rows@0', 'cols@4']);
  });

  it('dense.activation_grad does not bind y: the shared activation helpers avoid binding names', () => {
    // wgsl_reflect counts a helper's parameter named like a binding as a use of it; a stray binding would then
    // need a buffer (and a read_write one could collide with another binding of the same buffer).
    expect(activationGradKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'y_saved', 'dy', 'dz']);
  });

  it('names a missing entry point', () => {
    expect(() => reflectKernel('x', '@compute @workgroup_size(1) fn main() {}', 'other')).toThrow(/no compute entry point 'other'.*main/);
  });
});

describe('packUniforms', () => {
  const layout = reflectKernel(
    'test',
    `struct P { count: u32, shift: i32, scale: f32 }
     @group(0) @binding(0) var<uniform> p: P;
     @group(0) @binding(1) var<storage, read_write> out: array<f32>;
     @compute @workgroup_size(1) fn main() { out[0] = f32(p.count) + f32(p.shift) * p.scale; }`,
    'main',
  ).uniform!;

  it('writes each member at its reflected offset with its type', () => {
    const bytes = new DataView(packUniforms(layout, { count: 7, shift: -3, scale: 0.5 }, 'test'));
    expect(bytes.byteLength).toBe(12);
    expect(bytes.getUint32(0, true)).toBe(7);
    expect(bytes.getInt32(4, true)).toBe(-3);
    expect(bytes.getFloat32(8, true)).toBe(0.5);
  });

  it('rejects unknown, missing, fractional and negative values by name', () => {
    expect(() => packUniforms(layout, { count: 1, shift: 0, scale: 1, extra: 2 }, 'test')).toThrow(ValueError);
    expect(() => packUniforms(layout, { count: 1, shift: 0, scale: 1, extra: 2 }, 'test')).toThrow(/'extra' is not a member/);
    expect(() => packUniforms(layout, { count: 1, shift: 0 }, 'test')).toThrow(/'scale' was not given/);
    expect(() => packUniforms(layout, { count: 1.5, shift: 0, scale: 1 }, 'test')).toThrow(/'count' is u32; got non-integer 1.5/);
    expect(() => packUniforms(layout, { count: -1, shift: 0, scale: 1 }, 'test')).toThrow(/'count' is u32; got -1/);
  });
});
