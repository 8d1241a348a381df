/** The float64 twin of shaders/reverseTime.wgsl, against a reversal worked out by hand, and the kernel's reflected interface. */
import { describe, expect, it } from 'vitest';
import { reverseTimeKernel } from '../src/kernels/reverseTime';
import { reverseTime } from '../src/reference/reverseTime';

describe('reference reverseTime', () => {
  it('reverses whole time blocks and keeps the order inside each block', () => {
    // 3 timesteps of block 2, after 1 leading float: [9 | 1 2 | 3 4 | 5 6]
    expect([...reverseTime([9, 1, 2, 3, 4, 5, 6], 3, 2, 1)]).toEqual([5, 6, 3, 4, 1, 2]);
  });

  it('is its own inverse', () => {
    const x = Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    expect([...reverseTime(reverseTime(x, 4, 6), 4, 6)]).toEqual(x);
  });
});

describe('reverseTime kernel interface', () => {
  it('reads src, writes dst, with timesteps, block and in_offset as uniforms', () => {
    const iface = reverseTimeKernel.iface;
    expect(iface.bindings.map((b) => `${b.name}:${b.kind}`)).toEqual(['params:uniform', 'src:read-only-storage', 'dst:storage']);
    expect(iface.uniform?.members.map((m) => m.name)).toEqual(['timesteps', 'block', 'in_offset']);
  });
});
