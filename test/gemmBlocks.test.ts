/**
 * The block templates of the register-blocked products (shaders/blocks/gemm.ts), checked without a GPU: they
 * refuse arguments they do not know, and each wider or taller block is the narrower one plus exactly the lines of
 * its extra column tile or rows, with every register, FMA and store indexed consistently, so a template bug cannot
 * hide behind the GPU tests' tolerances. The kernels built from them (gemmVec4.wgsl, lstmWeightGrad.wgsl) keep no
 * unrolled line by hand and number each entry point's bindings from 0.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandDirectives } from '../scripts/wgsl/expand';
import { stripComments } from '../scripts/wgsl/strip';
import { GEMM_BLOCK_COLS, WEIGHT_GRAD_BLOCK_ROWS, gemmEntry, gemmProductBlock, lstmWeightGradEntry } from '../shaders/blocks/gemm';
import { blocks } from '../shaders/blocks/index';
import lstmWeightGradShader from '../shaders/lstmWeightGrad.wgsl';
import { gemmVec4Kernel, gemmVec4Kernel8, gemmVec4StoreKernel, gemmVec4StoreKernel8 } from '../src/kernels/gemmVec4';

const code = (wgsl: string) => stripComments(wgsl).split('\n');
const count = (lines: string[], pattern: RegExp) => lines.join('\n').match(new RegExp(pattern.source, 'g'))?.length ?? 0;
const LANES = 'xyzw';

/** A line of the right column tile of an 8×8 block: its columns w (not the lane .w), its op(B) tile bu / row bw, accumulators 8..15. */
const RIGHT_TILE = /(?<![.\w])w\b|\b(?:bu|bw|acc(?:[89]|1[0-5]))\b|_right\b|col0 \+ 4u/;
/** A line of A' rows 4..7 of an 8-row weight-gradient block: their registers, rows, masks and values. */
const ROWS_4_TO_7 = /\b(?:[abcd][4-7]|rw1|xm1|one1|av1)\b/;

describe('GEMM block templates', () => {
  it('are registered under the names the shader files generate', () => {
    expect(blocks.gemmProductBlock).toBe(gemmProductBlock);
    expect(blocks.gemmEntry).toBe(gemmEntry);
    expect(blocks.lstmWeightGradEntry).toBe(lstmWeightGradEntry);
    expect(GEMM_BLOCK_COLS).toEqual([4, 8]);
    expect(WEIGHT_GRAD_BLOCK_ROWS).toEqual([4, 8]);
  });

  it('refuse shapes they do not write, missing or mistyped arguments, and unknown ones', () => {
    expect(() => gemmProductBlock({})).toThrow(/'cols' must be one of 4, 8; got undefined/);
    expect(() => gemmProductBlock({ cols: 16 })).toThrow(/'cols' must be one of 4, 8; got 16/);
    expect(() => gemmProductBlock({ cols: '4' })).toThrow(/'cols' must be one of 4, 8; got "4"/);
    expect(() => gemmProductBlock({ cols: 4, rows: 8 })).toThrow(/unknown argument 'rows'; it takes cols/);
    const entry = { entry: 'main', cols: 4, store: 'scalar' };
    expect(() => gemmEntry({ ...entry, entry: undefined })).toThrow(/'entry' must be a WGSL identifier; got undefined/);
    expect(() => gemmEntry({ ...entry, entry: 'main-c4' })).toThrow(/'entry' must be a WGSL identifier; got "main-c4"/);
    expect(() => gemmEntry({ ...entry, cols: 12 })).toThrow(/'cols' must be one of 4, 8; got 12/);
    expect(() => gemmEntry({ ...entry, store: 'vec2' })).toThrow(/'store' must be one of "scalar", "vec4"; got "vec2"/);
    expect(() => gemmEntry({ entry: 'main', cols: 4 })).toThrow(/'store' must be one of "scalar", "vec4"; got undefined/);
    expect(() => gemmEntry({ ...entry, permute: true })).toThrow(/unknown argument 'permute'; it takes entry, cols, store/);
    expect(() => lstmWeightGradEntry({ entry: 'main16x4', rows: 16 })).toThrow(/'rows' must be one of 4, 8; got 16/);
    expect(() => lstmWeightGradEntry({ entry: 'main8x4', rows: '8' })).toThrow(/'rows' must be one of 4, 8; got "8"/);
    expect(() => lstmWeightGradEntry({ rows: 8 })).toThrow(/'entry' must be a WGSL identifier; got undefined/);
    expect(() => lstmWeightGradEntry({ entry: 'main8x4', rows: 8, units: 4 })).toThrow(/unknown argument 'units'; it takes entry, rows/);
    // Through a shader file, the error names the file and line.
    expect(() => expandDirectives('x', 'fn a() {}\n//! generate gemmProductBlock {"cols": 6}')).toThrow(
      /shaders\/x\.wgsl:2: block 'gemmProductBlock': 'cols' must be one of 4, 8/,
    );
  });

  it('product block: the 8×8 block is the 8×4 one plus the lines of its right column tile', () => {
    const four = code(gemmProductBlock({ cols: 4 }));
    const eight = code(gemmProductBlock({ cols: 8 }));
    expect(four.filter((l) => RIGHT_TILE.test(l))).toEqual([]);
    // With two column tiles the scalar tail loads each A value once (ar, as_) instead of inline in its FMA.
    const asFour = eight
      .filter((l) => !RIGHT_TILE.test(l) && !/^let (?:ar|as_) = /.test(l))
      .map((l) => l.replace(/\b(ar|as_)\.([xyzw])/g, (_, v: string, lane: string) => `load_a(${v === 'ar' ? 'r' : 's'}.${lane}, kk)`))
      .map((l) => l.replace(/8x8\b/g, '8x4').replace(/_left\b/g, ''));
    expect(asFour).toEqual(four.filter((l) => !l.startsWith('return ')));
    expect(four.at(-2)).toBe('return Block8x4(mat4x4<f32>(acc0, acc1, acc2, acc3), mat4x4<f32>(acc4, acc5, acc6, acc7));');
    expect(eight.at(-2)).toBe(
      'return Block8x8(mat4x4<f32>(acc0, acc1, acc2, acc3), mat4x4<f32>(acc4, acc5, acc6, acc7), mat4x4<f32>(acc8, acc9, acc10, acc11), mat4x4<f32>(acc12, acc13, acc14, acc15));',
    );
    // Every row clamped for reading; column col0 as is (it exists, or the invocation returned), the others clamped.
    expect(four.filter((l) => /^let [rsq] = /.test(l))).toEqual([
      'let r = vec4<u32>(min(row0, last_row), min(row0 + 1u, last_row), min(row0 + 2u, last_row), min(row0 + 3u, last_row));',
      'let s = vec4<u32>(min(row0 + 4u, last_row), min(row0 + 5u, last_row), min(row0 + 6u, last_row), min(row0 + 7u, last_row));',
      'let q = vec4<u32>(col0, min(col0 + 1u, last_col), min(col0 + 2u, last_col), min(col0 + 3u, last_col));',
    ]);
    expect(eight.filter((l) => /^let w = /.test(l))).toEqual([
      'let w = vec4<u32>(min(col0 + 4u, last_col), min(col0 + 5u, last_col), min(col0 + 6u, last_col), min(col0 + 7u, last_col));',
    ]);
  });

  it('product block: each accumulator takes its own row of op(A) and its own column tile, in the kernels’ FMA order', () => {
    for (const C of GEMM_BLOCK_COLS) {
      const lines = code(gemmProductBlock({ cols: C }));
      const accs = 2 * C; // vec4 accumulators: 8 rows × C/4 column tiles
      expect(count(lines, /var acc\d+ = vec4<f32>\(0\.0\);/)).toBe(accs);
      // acc(8·ct + 4·rt + i) += (bt | bu)[ct] * (at | ab)[rt][i]: row tile by row tile, each over the column tiles.
      const tiles = [...lines.join('\n').matchAll(/acc(\d+) \+= (bt|bu) \* (at|ab)\[(\d)\];/g)];
      const order = [0, 1].flatMap((rt) => Array.from({ length: C / 4 }, (_, ct) => [0, 1, 2, 3].map((i) => 8 * ct + 4 * rt + i)).flat());
      expect(tiles.map(([, a]) => Number(a))).toEqual(order);
      for (const [, a, b, at, i] of tiles) expect([b, at, Number(i)]).toEqual([Number(a) >= 8 ? 'bu' : 'bt', Number(a) % 8 >= 4 ? 'ab' : 'at', Number(a) % 4]);
      // Scalar K tail: acc n = fma(A value of row n % 8, the column tile's op(B) row, acc n), in register order.
      const tail = [...lines.join('\n').matchAll(/acc(\d+) = fma\(vec4<f32>\((?:load_a\(([rs])\.([xyzw]), kk\)|(ar|as_)\.([xyzw]))\), (bv|bw), acc(\d+)\);/g)];
      expect(tail.map(([, a]) => Number(a))).toEqual(Array.from({ length: accs }, (_, n) => n));
      for (const [, a, rows, lane, values, lane2, b, a2] of tail) {
        const n = Number(a);
        expect([rows ?? (values === 'ar' ? 'r' : 's'), lane ?? lane2, b, Number(a2)]).toEqual([n % 8 >= 4 ? 's' : 'r', LANES[n % 4], n >= 8 ? 'bw' : 'bv', n]);
      }
      // Vectors and matrices are indexed by constants only (a loop index would be a dynamic index on SwiftShader).
      expect([...lines.join('\n').matchAll(/\[([^\]]*)\]/g)].map(([, i]) => i).filter((i) => !/^\d$/.test(i!))).toEqual([]);
      expect(count(lines, /for \(/)).toBe(2);
    }
  });

  it('entry: scalar and vec4 stores differ only in the store function; 8 columns add the right tile behind a bound check', () => {
    const entry = (cols: number, store: string) => code(gemmEntry({ entry: `e${cols}${store}`, cols, store }));
    for (const C of GEMM_BLOCK_COLS) {
      expect(entry(C, 'vec4').map((l) => l.replace(/\bstore_row4\(/, 'store_row(').replace(`e${C}vec4`, `e${C}scalar`))).toEqual(entry(C, 'scalar'));
      const lines = entry(C, 'vec4');
      expect(lines[0]).toBe('@compute @workgroup_size(WG_SIDE, WG_SIDE)');
      expect(lines).toContain(`let acc = product_block8x${C}(row0, col0);`);
      // Per column tile: its 8 rows (acc.<row tile>[_<column tile>][i], top then bottom) in an array, stored by a
      // loop as store_row4(row0 + i, col0 + 4·ct, <tile>[i]).
      const tiles =
        C === 4
          ? [['left', '']]
          : [
              ['left', '_left'],
              ['right', '_right'],
            ];
      for (const [name, side] of tiles) {
        const rows = ['top', 'bottom'].flatMap((rt) => [0, 1, 2, 3].map((i) => `acc.${rt}${side}[${i}]`));
        expect(lines).toContain(`let ${name} = array<vec4<f32>, 8>(${rows.join(', ')});`);
        expect(lines).toContain(`for (var i = 0u; i < 8u; i++) { store_row4(row0 + i, ${name === 'left' ? 'col0' : 'col0 + 4u'}, ${name}[i]); }`);
      }
      expect(count(lines, /store_row4\(/)).toBe(C / 4);
    }
    const four = entry(4, 'scalar');
    const eight = entry(8, 'scalar');
    expect(four.filter((l) => RIGHT_TILE.test(l))).toEqual([]);
    expect(
      eight
        .filter((l) => !RIGHT_TILE.test(l))
        .map((l) =>
          l
            .replace(/8x8\b/, '8x4')
            .replace('e8scalar', 'e4scalar')
            .replace(/_left\b/g, ''),
        ),
    ).toEqual(four);
    const rightFirst = eight.findIndex((l) => RIGHT_TILE.test(l));
    expect(eight[rightFirst]).toBe('if (col0 + 4u >= params.n) { return; }');
    expect(eight.slice(rightFirst + 1, -1)).toEqual([
      `let right = array<vec4<f32>, 8>(${['top', 'bottom'].flatMap((rt) => [0, 1, 2, 3].map((i) => `acc.${rt}_right[${i}]`)).join(', ')});`,
      'for (var i = 0u; i < 8u; i++) { store_row(row0 + i, col0 + 4u, right[i]); }',
    ]);
  });
});

describe('weight-gradient block template', () => {
  it('the 8-row block is the 4-row one plus the lines of rows 4..7, at span 8', () => {
    // The store loop's array names every register in one line and counts them; it is checked in the next test.
    const withoutSums = (lines: string[]) => lines.filter((l) => !l.startsWith('let sums = ')).map((l) => l.replace(/k < \d+u/, 'k < …'));
    const four = withoutSums(code(lstmWeightGradEntry({ entry: 'main4x4', rows: 4 })));
    const eight = withoutSums(code(lstmWeightGradEntry({ entry: 'main8x4', rows: 8 })));
    expect(four.filter((l) => ROWS_4_TO_7.test(l))).toEqual([]);
    expect(eight.filter((l) => !ROWS_4_TO_7.test(l)).map((l) => l.replace(/\b8u\b/g, '4u').replace('main8x4', 'main4x4'))).toEqual(four);
    expect(four.filter((l) => /\b8u\b/.test(l))).toEqual([]);
    expect(eight).toContain('let rw1 = rows_at(first + 4u, 8u);');
  });

  it("each register takes its own A' row and its own unit, in both parts; each is stored once (a loop), units past the last skipped", () => {
    for (const R of WEIGHT_GRAD_BLOCK_ROWS) {
      const lines = code(lstmWeightGradEntry({ entry: `main${R}x4`, rows: R }));
      expect(count(lines, /var [abcd]\d = vec4<f32>\(0\.0\);/)).toBe(4 * R);
      // <unit register><i> = fma(vec4<f32>(av<i / 4>.<lane i % 4>), q<unit>, <same register>), unit by unit, row by row
      const fmas = [...lines.join('\n').matchAll(/([abcd])(\d) = fma\(vec4<f32>\(av(\d)\.([xyzw])\), q(\d), ([abcd])(\d)\);/g)];
      expect(fmas.length).toBe(2 * 4 * R); // the h part's loop and the x part's
      const once = Array.from({ length: 4 * R }, (_, n) => `${'abcd'[Math.floor(n / R)]}${n % R}`);
      expect(fmas.map(([, reg, i]) => `${reg}${i}`)).toEqual([...once, ...once]);
      for (const [, reg, i, av, lane, q, reg2, i2] of fmas) {
        expect([Number(av), lane, Number(q), reg2, i2]).toEqual([Math.floor(Number(i) / 4), LANES[Number(i) % 4], 'abcd'.indexOf(reg!), reg, i]);
      }
      expect(count(lines, /let q\d = dg\[gb \+ j\d\];/)).toBe(8);
      expect(count(lines, /let av\d = vec4<f32>\(h\[hb/)).toBe(R / 4);
      expect(count(lines, /let av\d = fma\(vec4<f32>\(x\[xb/)).toBe(R / 4);
      // Stored once each, in a loop over k: sums[k] is unit k / R's register of A' row k % R (the order above),
      // and a unit past the last is skipped.
      expect(lines.filter((l) => l.startsWith('let sums = '))).toEqual([`let sums = array<vec4<f32>, ${4 * R}u>(${once.join(', ')});`]);
      expect(lines.slice(-5)).toEqual([
        `for (var k = 0u; k < ${4 * R}u; k++) {`,
        `let q = k / ${R}u;`,
        `if (j0 + q <= last) { store_row_span(first + k % ${R}u, j0 + q, sums[k], ${R}u); }`,
        '}',
        '}',
      ]);
      expect(count(lines, /store_row_span\(/)).toBe(1);
    }
  });
});

describe('register-blocked product kernels', () => {
  it('keep no unrolled block by hand: the shader files generate them', () => {
    const gemm = readFileSync('shaders/gemmVec4.wgsl', 'utf8');
    const grad = readFileSync('shaders/lstmWeightGrad.wgsl', 'utf8');
    expect(stripComments(gemm)).not.toMatch(/\bacc\d|store_row4?\(row0/);
    expect(stripComments(grad)).not.toMatch(/= fma\(|store_row_span\(first/);
    expect(gemm.match(/^\/\/! generate .*/gm)).toEqual([
      '//! generate gemmProductBlock {"cols": 4}',
      '//! generate gemmProductBlock {"cols": 8}',
      '//! generate gemmEntry {"entry": "main", "cols": 4, "store": "scalar"}',
      '//! generate gemmEntry {"entry": "main_c4", "cols": 4, "store": "vec4"}',
      '//! generate gemmEntry {"entry": "main8", "cols": 8, "store": "scalar"}',
      '//! generate gemmEntry {"entry": "main8_c4", "cols": 8, "store": "vec4"}',
    ]);
  });

  it('number each entry point’s bindings from 0, uniform first, with no gaps', () => {
    const ifaces = [gemmVec4Kernel, gemmVec4StoreKernel, gemmVec4Kernel8, gemmVec4StoreKernel8]
      .map((k) => k.iface)
      .concat(Object.values(lstmWeightGradShader.entries));
    expect(ifaces.map((i) => i.label)).toEqual([
      'gemmVec4.main',
      'gemmVec4.main_c4',
      'gemmVec4.main8',
      'gemmVec4.main8_c4',
      'lstmWeightGrad.main4x4',
      'lstmWeightGrad.main8x4',
    ]);
    for (const iface of ifaces) {
      expect(
        iface.bindings.map((b) => b.binding),
        iface.label,
      ).toEqual(iface.bindings.map((_, i) => i));
      expect(iface.bindings[0]?.kind, iface.label).toBe('uniform');
    }
    // The 8×4 and 8×8 entries bind the same buffers in the same slots; the vec4 store binds c4 where the scalar one binds c.
    const names = (k: typeof gemmVec4Kernel) => k.iface.bindings.map((b) => `${b.binding}:${b.name}:${b.kind}`);
    expect(names(gemmVec4Kernel8)).toEqual(names(gemmVec4Kernel));
    expect(names(gemmVec4StoreKernel8)).toEqual(names(gemmVec4StoreKernel));
    expect(names(gemmVec4Kernel)).toEqual([
      '0:params:uniform',
      '1:a:read-only-storage',
      '2:b:read-only-storage',
      '3:bias:read-only-storage',
      '4:c:storage',
      '5:a4:read-only-storage',
      '6:b4:read-only-storage',
    ]);
    expect(names(gemmVec4StoreKernel)[4]).toBe('4:c4:storage');
  });
});
