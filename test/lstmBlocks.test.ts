/**
 * The LSTM's block templates (shaders/blocks/lstm.ts), checked without a GPU: they refuse arguments they do not
 * know, and the 8-row blocks differ from the 4-row ones exactly in the lines of rows 4..7 (and the size of the
 * cell loop), with every register, FMA and cell indexed consistently, so a template bug cannot hide behind the GPU tests' tolerances. The
 * kernels built from them (lstmStepVec4*.wgsl, lstmSeq.wgsl) number each entry point's bindings from 0.
 */
import { describe, expect, it } from 'vitest';
import { expandDirectives } from '../scripts/wgsl/expand';
import { stripComments } from '../scripts/wgsl/strip';
import { blocks } from '../shaders/blocks/index';
import { LSTM_BLOCK_ROWS, lstmBackwardBlock, lstmForwardBlock } from '../shaders/blocks/lstm';
import { lstmBackwardSeqKernel, lstmForwardSeqKernel } from '../src/kernels/lstmSeq';
import { lstmBackwardVec4Kernel, lstmBackwardVec4Kernel8 } from '../src/kernels/lstmStepVec4Backward';
import { lstmForwardVec4Kernel, lstmForwardVec4Kernel8 } from '../src/kernels/lstmStepVec4Forward';
import { lstmBiasGradKernel, lstmPackKernel } from '../src/kernels/lstmStepVec4Pack';
import { compactStateKernel } from '../src/kernels/compactState';

const code = (wgsl: string) => stripComments(wgsl).split('\n');
const count = (lines: string[], pattern: RegExp) => lines.join('\n').match(new RegExp(pattern.source, 'g'))?.length ?? 0;
/** A line that names something of batch row 4..7: a register, a row offset, a broadcast h or x, a cell call. */
/** Batch row b0 + r as the blocks read it: b0 itself (a block's first row always exists), the others clamped. */
const row = (r: number) => (r === 0 ? 'b0' : `min(b0 + ${r}u, last_b)`);
const ROW_4_TO_7 = /\b(?:z[4-7][0-3]|dh[4-7]|hv[4-7]|v[4-7]|x[4-7]|r[4-7]|g[4-7])\b|b0 \+ [4-7]u/;

describe('LSTM block templates', () => {
  it('are registered under the names the shader files generate', () => {
    expect(blocks.lstmForwardBlock).toBe(lstmForwardBlock);
    expect(blocks.lstmBackwardBlock).toBe(lstmBackwardBlock);
    expect(LSTM_BLOCK_ROWS).toEqual([4, 8]);
  });

  it('refuse a row count they do not write, a missing or mistyped one, and unknown arguments', () => {
    for (const template of [lstmForwardBlock, lstmBackwardBlock]) {
      expect(() => template({})).toThrow(/'rows' must be one of 4, 8; got undefined/);
      expect(() => template({ rows: 16 })).toThrow(/'rows' must be one of 4, 8; got 16/);
      expect(() => template({ rows: '4' })).toThrow(/'rows' must be one of 4, 8; got "4"/);
      expect(() => template({ rows: 4, units: 8 })).toThrow(/unknown argument 'units'; it takes rows/);
      expect(() => template({ row: 4 })).toThrow(/unknown argument 'row'/);
    }
    // Through a shader file, the error names the file and line.
    expect(() => expandDirectives('x', 'fn a() {}\n//! generate lstmForwardBlock {"rows": 5}')).toThrow(
      /shaders\/x\.wgsl:2: block 'lstmForwardBlock': 'rows' must be one of 4, 8/,
    );
  });

  for (const [name, template] of [
    ['forward', lstmForwardBlock],
    ['backward', lstmBackwardBlock],
  ] as const) {
    it(`${name}: the 8-row block is the 4-row one plus the lines of rows 4..7`, () => {
      // The cell loop's array of sums and its bound, and the rows the masked-skip test counts, grow with the rows;
      // everything else must match line for line.
      const sized = (lines: string[]) =>
        lines.map((l) =>
          l
            .replace(/^let sums = array<vec4<f32>, \d+>\(.*\);$/, 'let sums = …;')
            .replace(/i < \d+u;/, 'i < …;')
            .replace(/rows_run\((.*), \d+u\)/, 'rows_run($1, …)'),
        );
      const four = sized(code(template({ rows: 4 })));
      const eight = sized(code(template({ rows: 8 })));
      expect(four.filter((l) => ROW_4_TO_7.test(l))).toEqual([]);
      expect(eight.filter((l) => !ROW_4_TO_7.test(l)).map((l) => l.replace(`${name}_block8(`, `${name}_block4(`))).toEqual(four);
      expect(four[0]).toBe(`fn ${name}_block4(p: ${name === 'forward' ? 'LstmVec4StepParams' : 'BackParams'}, b0: u32, j0: u32) {`);
    });
  }

  it('forward: 4·R registers, 20·R FMAs (4·R per feature, 16·R per 4 k), each into its own row and unit, a loop over 4·R cells', () => {
    for (const R of LSTM_BLOCK_ROWS) {
      const lines = code(lstmForwardBlock({ rows: R }));
      expect(count(lines, /var z\d\d = vec4<f32>\(0\.0\);/)).toBe(4 * R);
      expect(count(lines, /fma\(/)).toBe(20 * R);
      // z<r><q> = fma(w<q>, v<r>, z<r><q>): unit q's weights, row r's input, the same register
      const fmas = [...lines.join('\n').matchAll(/z(\d)(\d) = fma\(w(\d), v(\d), z(\d)(\d)\);/g)];
      expect(fmas.length).toBe(20 * R);
      for (const [, r, q, w, v, r2, q2] of fmas) expect([w, v, r2, q2]).toEqual([q, r, r, q]);
      // one h load per row and group of 4 k, one x per row and feature, each from its own row's offset
      expect(count(lines, /let hv\d = scratch\[x\d \+ kq\];/)).toBe(R);
      expect(lines.filter((l) => /^let x\d/.test(l))).toEqual(Array.from({ length: R }, (_, r) => `let x${r} = p.hc_read + ${row(r)} * quads;`));
      expect(lines.filter((l) => /^let r\d/.test(l))).toEqual(Array.from({ length: R }, (_, r) => `let r${r} = rows + ${row(r)} * p.features;`));
      expect(lines.filter((l) => /^let v\d = vec4<f32>\(x_in/.test(l))).toEqual(Array.from({ length: R }, (_, r) => `let v${r} = vec4<f32>(x_in[r${r} + f]);`));
      expect(count(lines, /\.(?:x|y|z|w)\);/)).toBe(4 * R); // vec4<f32>(hv<r>.<lane>): named lanes, no hv[s]
      expect(lines.join('\n')).not.toMatch(/hv\d\[/);
      // The 4·R cells: one call in a loop over the sums in row-major order (row i / 4, unit i % 4).
      const sums = Array.from({ length: R }, (_, r) => [0, 1, 2, 3].map((q) => `z${r}${q}`)).flat();
      expect(lines.filter((l) => l.startsWith('let sums = '))).toEqual([`let sums = array<vec4<f32>, ${4 * R}>(${sums.join(', ')});`]);
      expect(lines.slice(-4)).toEqual([`for (var i = 0u; i < ${4 * R}u; i++) {`, 'forward_cell(p, b0 + i / 4u, j0 + i % 4u, sums[i]);', '}', '}']);
      expect(count(lines, /forward_cell\(/)).toBe(1);
    }
  });

  it('backward: R accumulators and gathers, a loop over 4·R cells reading each lane of their own row', () => {
    for (const R of LSTM_BLOCK_ROWS) {
      const lines = code(lstmBackwardBlock({ rows: R }));
      expect(count(lines, /var dh\d = vec4<f32>\(0\.0\);/)).toBe(R);
      expect(lines.filter((l) => /^let g\d/.test(l))).toEqual(Array.from({ length: R }, (_, r) => `let g${r} = (next + ${row(r)}) * units;`));
      const gathers = [...lines.join('\n').matchAll(/dh(\d) \+= dgates\[g(\d) \+ k\] \* w;/g)];
      expect(gathers.map(([, a, b]) => [a, b])).toEqual(Array.from({ length: R }, (_, r) => [`${r}`, `${r}`]));
      expect(count(lines, /packed_b\[u\d \+ k\]/)).toBe(4);
      // The 4·R cells: cell i (row i / 4, unit i % 4) reads lane i % 4 of its row's gathered vec4.
      expect(lines.filter((l) => l.startsWith('let sums = '))).toEqual([
        `let sums = array<vec4<f32>, ${R}>(${Array.from({ length: R }, (_, r) => `dh${r}`).join(', ')});`,
      ]);
      expect(lines.slice(-4)).toEqual([
        `for (var i = 0u; i < ${4 * R}u; i++) {`,
        'backward_cell(p, b0 + i / 4u, j0 + i % 4u, sums[i / 4u][i % 4u], last);',
        '}',
        '}',
      ]);
      expect(count(lines, /backward_cell\(/)).toBe(1);
    }
  });
});

describe('LSTM register-blocked kernels', () => {
  it('number each entry point’s bindings from 0, uniform first, with no gaps (besides direction.wgsl’s step mask at 20)', () => {
    // The step kernels also bind the timestep mask that every recurrent kernel shares (shaders/direction.wgsl), at 20.
    const steps = new Set([
      lstmForwardVec4Kernel,
      lstmForwardVec4Kernel8,
      lstmBackwardVec4Kernel,
      lstmBackwardVec4Kernel8,
      lstmForwardSeqKernel,
      lstmBackwardSeqKernel,
    ]);
    const kernels = [lstmPackKernel, compactStateKernel, lstmBiasGradKernel, ...steps];
    for (const k of kernels) {
      const own = k.iface.bindings.filter((b) => b.binding < 20);
      expect(
        own.map((b) => b.binding),
        k.label,
      ).toEqual(own.map((_, i) => i));
      expect(
        k.iface.bindings.filter((b) => b.binding >= 20).map((b) => `${b.binding}:${b.name}`),
        k.label,
      ).toEqual(steps.has(k) ? ['20:step_mask'] : []);
      expect(k.iface.bindings[0]?.kind, k.label).toBe('uniform');
    }
    // The per-step kernels and the loop over time bind the same storage buffers, in the same slots.
    const storage = (k: typeof lstmForwardSeqKernel) => k.iface.bindings.slice(1).map((b) => `${b.binding}:${b.name}:${b.kind}`);
    expect(storage(lstmForwardSeqKernel)).toEqual(storage(lstmForwardVec4Kernel));
    expect(storage(lstmForwardVec4Kernel8)).toEqual(storage(lstmForwardVec4Kernel));
    expect(storage(lstmBackwardSeqKernel)).toEqual(storage(lstmBackwardVec4Kernel));
    expect(storage(lstmBackwardVec4Kernel8)).toEqual(storage(lstmBackwardVec4Kernel));
    expect(storage(lstmForwardVec4Kernel)).toEqual([
      '1:xproj:read-only-storage',
      '2:x_in:read-only-storage',
      '3:h:storage',
      '4:c:storage',
      '5:gates:storage',
      '6:scratch:storage',
      '20:step_mask:read-only-storage',
    ]);
  });
});
