/**
 * The block templates of the register-blocked GRU (shaders/blocks/gru.ts), without a GPU: they refuse arguments
 * they do not know (a typo in a `//! generate` line must fail the build, not emit another kernel), and the
 * expansions for 4 and 8 rows, or for different lane sets, differ only where they should — so a template bug
 * that touches one shape (a wrong register, a lane in the wrong place) cannot hide in a shape the GPU tests do not
 * run (weight_grad's 4-row block runs only in the benchmark). The GPU tests (test/gruStep.gpu.test.ts) check the
 * kernels' numbers against the CPU reference.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandDirectives } from '../scripts/wgsl/expand';
import { stripComments } from '../scripts/wgsl/strip';
import { blocks } from '../shaders/blocks/index';
import { gruBlocks } from '../shaders/blocks/gru';

const { gruForwardBlock, gruGatherBlock, gruUhEntry, gruBlockEntry, gruWeightGradEntry } = gruBlocks;

/**
 * Where a template's text names a batch row (or, in weight_grad, a row of A′): the row digit of its registers
 * (s53: row 5, unit 3; d6; hv2; …) and of its offsets (b0 + 5u). Unit indices (w3, u2, j0 + 1u) are not rows.
 */
const ROW_TOKENS = {
  forward: [/(?<=\bs)[0-7](?=[0-3]\b)/g, /(?<=\b(?:x|xr|hv|v))[0-7]\b/g, /(?<=\bb0 \+ )[0-7](?=u\b)/g],
  gather: [/(?<=\b[dg])[0-7]\b/g, /(?<=\bb0 \+ )[0-7](?=u\b)/g],
  uh: [/(?<=\b[xav])[0-7]\b/g, /(?<=\bb0 \+ )[0-7](?=u\b)/g],
  // i0 is also the block's first row of A′ (`let i0 = select(…)`, then `i0 + 3u`): there it is no row's index
  weightGrad: [/(?<=\ba)[0-7](?=[0-3]\b)/g, /(?<=\b[hx])[0-7]\b/g, /(?<=\bi)[0-7]\b(?! \+| = select)/g, /(?<=\bi0 \+ )[0-7](?=u\b)/g],
};

/**
 * Checks that every per-row statement of a `rows`-row expansion is row 0's with the row renumbered — each
 * statement names one row, and each run of them is rows 0, 1, …, rows − 1 in order, each row the same statements
 * — and returns the text with every run folded to its row-0 statements (rows written R), which must not depend
 * on `rows`. A statement is a line, or a line naming a row that opens a scope, with that scope.
 */
function foldRows(text: string, tokens: RegExp[], rows: number): string {
  const statements: string[] = [];
  let open = 0;
  for (const line of text.split('\n')) {
    const depth = (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    if (open > 0) {
      statements[statements.length - 1] += `\n${line}`;
      open += depth;
    } else {
      statements.push(line);
      if (depth > 0 && tokens.some((t) => line.search(t) >= 0)) open = depth;
    }
  }
  const labelled = statements.map((st) => {
    const found = new Set(tokens.flatMap((t) => st.match(t) ?? []));
    expect(found.size, `one row per statement: ${st}`).toBeLessThanOrEqual(1);
    return { row: found.size ? Number([...found][0]) : null, text: tokens.reduce((acc, t) => acc.replace(t, 'R'), st) };
  });
  const folded: string[] = [];
  for (let i = 0; i < labelled.length;) {
    if (labelled[i]!.row === null) {
      folded.push(labelled[i++]!.text);
      continue;
    }
    // a run ends at a statement without a row, or where the rows start over (two runs back to back)
    let end = i + 1;
    while (end < labelled.length && labelled[end]!.row !== null && labelled[end]!.row! >= labelled[end - 1]!.row!) end++;
    const run = labelled.slice(i, end);
    const per = run.findIndex((s) => s.row !== 0);
    const block = run.slice(0, per < 0 ? run.length : per);
    expect(run.length, `a run of ${rows} rows: ${run[0]!.text}`).toBe(block.length * rows);
    run.forEach((s, k) => {
      expect(s.row, `rows in order: ${s.text}`).toBe(Math.floor(k / block.length));
      expect(s.text, `row ${s.row} is row 0 renumbered`).toBe(block[k % block.length]!.text);
    });
    folded.push(...block.map((s) => s.text));
    i = end;
  }
  return folded.join('\n');
}

/**
 * The cell loop a block ends with (shaders/blocks/gru.ts, cellStores / cellCalls) names every row in one line
 * (`let vals = array<…>(s00, …, s73);`) and counts them in its bound; those two lines are checked on their own,
 * and folded here to the same text for 4 and 8 rows. So is the row count of the block's masked-skip test
 * (`rows_run(…, 4u)`).
 */
const VALS = /^(\s*)let vals = array<vec4<f32>, \d+>\((.*)\);$/m;
function withoutCellLoopSize(text: string): string {
  return text
    .replace(VALS, '$1let vals = …;')
    .replace(/for \(var r = 0u; r < \d+u; r\+\+\)/, 'for (var r = 0u; r < …; r++)')
    .replace(/rows_run\((.*), \d+u\)/, 'rows_run($1, …)');
}
/** The registers the weight-gradient store loop's array holds, in order. */
function cellLoopSums(text: string): string[] {
  return /let sums = array<vec4<f32>, \d+>\((.*)\);/.exec(text)![1]!.split(', ');
}
/** The registers the cell loop's array holds, in order. */
function cellLoopValues(text: string): string[] {
  return VALS.exec(text)![2]!.split(', ');
}
const rowsOf = (n: number) => Array.from({ length: n }, (_, r) => r);

/** The lines of `a` and `b` that differ (the texts must have as many lines). */
function changedLines(a: string, b: string): [string, string][] {
  const la = a.split('\n');
  const lb = b.split('\n');
  expect(lb.length, 'same number of lines').toBe(la.length);
  return la.flatMap((l, i) => (l === lb[i] ? [] : [[l.trim(), lb[i]!.trim()] as [string, string]]));
}

describe('GRU block templates: arguments', () => {
  it('are registered under their names for //! generate', () => {
    for (const [name, template] of Object.entries(gruBlocks)) expect(blocks[name], name).toBe(template);
  });

  it('refuse unknown, misspelt and missing arguments and shapes no kernel has', () => {
    const forward = { name: 'f', rows: 4, lanes: 'xyz' };
    expect(() => gruForwardBlock({ ...forward, row: 4 })).toThrow("unknown argument 'row'; it takes name, rows, lanes");
    expect(() => gruForwardBlock({ ...forward, rows: 6 })).toThrow("'rows' must be one of 4, 8; got 6");
    expect(() => gruForwardBlock({ ...forward, rows: '4' })).toThrow('\'rows\' must be one of 4, 8; got "4"');
    expect(() => gruForwardBlock({ ...forward, lanes: 'xyzw' })).toThrow('\'lanes\' must be one of "xyz", "xy"; got "xyzw"');
    expect(() => gruForwardBlock({ rows: 4, lanes: 'xy' })).toThrow("'name' must be a WGSL identifier; got undefined");
    expect(() => gruForwardBlock({ ...forward, name: 'forward block' })).toThrow("'name' must be a WGSL identifier");
    expect(() => gruGatherBlock({ name: 'g', rows: 8, lanes: 'xy', cell: 'reset_cell' })).toThrow('\'cell\' must be one of "backward_cell", "update_cell"');
    expect(() => gruGatherBlock({ name: 'g', rows: 8, lanes: 'xy' })).toThrow("'cell' must be one of");
    expect(() => gruUhEntry({ entry: 'e', rows: 4, cell: 'forward_cell' })).toThrow('\'cell\' must be one of "candidate_cell", "reset_cell"');
    expect(() => gruBlockEntry({ entry: 'e', rows: 4, params: 'wg_params', block: 'b' })).toThrow('\'params\' must be one of "params", "back_params"');
    expect(() => gruBlockEntry({ entry: 'e', rows: 4, params: 'params', block: '1b' })).toThrow("'block' must be a WGSL identifier");
    expect(() => gruWeightGradEntry({ entry: 'weight_grad', rows: 2 })).toThrow("'rows' must be one of 4, 8; got 2");
    expect(() => gruWeightGradEntry({ entry: 'weight_grad', rows: 4, lanes: 'xyz' })).toThrow("unknown argument 'lanes'");
  });

  it('fail the build at the //! generate line that gave them', () => {
    const source = 'fn a() {}\n//! generate gruForwardBlock {"name": "f", "rows": 16, "lanes": "xyz"}\n';
    expect(() => expandDirectives('gruX', source)).toThrow("shaders/gruX.wgsl:2: block 'gruForwardBlock': 'rows' must be one of 4, 8; got 16");
  });
});

describe('GRU block templates: 4 against 8 rows', () => {
  // Folded to row 0 (foldRows checks every row is row 0 renumbered), 8 rows is 4 rows but for the lines that
  // count rows.
  it('gruForwardBlock', () => {
    for (const lanes of ['xyz', 'xy']) {
      const four = foldRows(withoutCellLoopSize(gruForwardBlock({ name: 'f', rows: 4, lanes })), ROW_TOKENS.forward, 4);
      const eight = gruForwardBlock({ name: 'f', rows: 8, lanes });
      expect(foldRows(withoutCellLoopSize(eight), ROW_TOKENS.forward, 8)).toBe(four);
      expect(eight.match(/\bs7[0-3] = vec4<f32>\(fma/g)?.length, 'row 7: 4 k × 4 units').toBe(16);
      // the cells: row r's sums, unit c, are vals[4r + c]
      expect(cellLoopValues(eight)).toEqual(rowsOf(8).flatMap((r) => [0, 1, 2, 3].map((c) => `s${r}${c}`)));
      expect(eight).toContain(
        'scratch[out + b * quads] = vec4<f32>(forward_cell(p, b, j0 + 0u, vals[4u * r + 0u]), forward_cell(p, b, j0 + 1u, vals[4u * r + 1u])',
      );
    }
  });

  it('gruGatherBlock', () => {
    for (const [lanes, cell] of [
      ['xyz', 'backward_cell'],
      ['xy', 'update_cell'],
    ]) {
      const four = foldRows(withoutCellLoopSize(gruGatherBlock({ name: 'g', rows: 4, lanes, cell })), ROW_TOKENS.gather, 4);
      const eight = gruGatherBlock({ name: 'g', rows: 8, lanes, cell });
      expect(foldRows(withoutCellLoopSize(eight), ROW_TOKENS.gather, 8)).toBe(four);
      expect(cellLoopValues(eight)).toEqual(rowsOf(8).map((r) => `d${r}`));
    }
  });

  const entryCounts: [string, string][] = [
    ['if (idx >= block_count(p.batch, p.units, 4u)) { return; }', 'if (idx >= block_count(p.batch, p.units, 8u)) { return; }'],
    ['let o = block_origin(idx, p.units);', 'let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);'],
  ];

  it('gruUhEntry: and the entry counts 8-row blocks', () => {
    for (const cell of ['candidate_cell', 'reset_cell']) {
      const four = foldRows(withoutCellLoopSize(gruUhEntry({ entry: 'e', rows: 4, cell })), ROW_TOKENS.uh, 4);
      const eight = foldRows(withoutCellLoopSize(gruUhEntry({ entry: 'e', rows: 8, cell })), ROW_TOKENS.uh, 8);
      expect(changedLines(four, eight)).toEqual(entryCounts);
      expect(cellLoopValues(gruUhEntry({ entry: 'e', rows: 8, cell }))).toEqual(rowsOf(8).map((r) => `a${r}`));
    }
  });

  it('gruBlockEntry: only the block count and the origin change', () => {
    const four = gruBlockEntry({ entry: 'e', rows: 4, params: 'back_params', block: 'b' });
    const eight = gruBlockEntry({ entry: 'e', rows: 8, params: 'back_params', block: 'b' });
    expect(changedLines(four, eight)).toEqual(entryCounts);
  });

  it('gruWeightGradEntry: and the row-block arithmetic counts 8', () => {
    // the store loop's array and bound are checked below
    const sized = (t: string) => t.replace(/let sums = array<vec4<f32>, \d+>\(.*\);/, 'let sums = …;').replace(/k < \d+u;/, 'k < …;');
    const four = foldRows(sized(gruWeightGradEntry({ entry: 'w', rows: 4 })), ROW_TOKENS.weightGrad, 4);
    const eight = gruWeightGradEntry({ entry: 'w', rows: 8 });
    expect(changedLines(four, foldRows(sized(eight), ROW_TOKENS.weightGrad, 8))).toEqual([
      ['let h_blocks = (u + 3u) / 4u;', 'let h_blocks = (u + 7u) / 8u;'],
      ['if (idx >= (h_blocks + (p.features + 4u) / 4u) * quads) { return; }', 'if (idx >= (h_blocks + (p.features + 8u) / 8u) * quads) { return; }'],
      ['let i0 = select((rb - h_blocks) * 4u, rb * 4u, of_h);', 'let i0 = select((rb - h_blocks) * 8u, rb * 8u, of_h);'],
    ]);
    // stored by one loop: sums[k] is row k / 4, unit k % 4
    expect(cellLoopSums(eight)).toEqual(rowsOf(8).flatMap((r) => [0, 1, 2, 3].map((c) => `a${r}${c}`)));
    expect(eight).toContain('for (var k = 0u; k < 32u; k++) { store_weight_grad(of_h, i0 + k / 4u, j0 + k % 4u, sums[k]); }');
  });
});

describe('GRU block templates: lane sets', () => {
  it('gruForwardBlock: (z, r) differs from (z, r, n) only in the recurrent FMAs, never in the x·Wp sums', () => {
    const xyz = gruForwardBlock({ name: 'f', rows: 4, lanes: 'xyz' });
    const xy = gruForwardBlock({ name: 'f', rows: 4, lanes: 'xy' });
    const changed = changedLines(xyz, xy);
    // per k of the quad (4) and row (4): the broadcast of h's lane and one line of 4 FMAs
    expect(changed).toHaveLength(32);
    for (const [a, b] of changed) {
      if (a.startsWith('let v')) {
        expect(b).toBe(a.replace('vec3<f32>(hv', 'vec2<f32>(hv'));
      } else {
        expect(a).toMatch(/^(s\d\d = vec4<f32>\(fma\(w\d\.xyz, v\d, s\d\d\.xyz\), s\d\d\.w\); ?){4}$/);
        expect(b).toBe(a.replace(/\.xyz/g, '.xy').replace(/\.w\)/g, '.zw)'));
      }
    }
    expect(xyz).toContain('s00 = fma(w0, v0, s00);');
    expect(xy).toContain('s00 = fma(w0, v0, s00);');
  });

  it('gruGatherBlock: (z, r) differs from (z, r, n) only in the U columns and the dG lanes it reads', () => {
    const xyz = gruGatherBlock({ name: 'g', rows: 4, lanes: 'xyz', cell: 'backward_cell' });
    const xy = gruGatherBlock({ name: 'g', rows: 4, lanes: 'xy', cell: 'backward_cell' });
    expect(changedLines(xyz, xy)).toEqual([
      [
        'let w = mat4x3<f32>(scratch[u0 + k].xyz, scratch[u1 + k].xyz, scratch[u2 + k].xyz, scratch[u3 + k].xyz);',
        'let w = mat4x2<f32>(scratch[u0 + k].xy, scratch[u1 + k].xy, scratch[u2 + k].xy, scratch[u3 + k].xy);',
      ],
      ['d0 += dgates[g0 + k].xyz * w;', 'd0 += dgates[g0 + k].xy * w;'],
      ['d1 += dgates[g1 + k].xyz * w;', 'd1 += dgates[g1 + k].xy * w;'],
      ['d2 += dgates[g2 + k].xyz * w;', 'd2 += dgates[g2 + k].xy * w;'],
      ['d3 += dgates[g3 + k].xyz * w;', 'd3 += dgates[g3 + k].xy * w;'],
    ]);
  });

  it('the cell calls follow row and unit: cell (b0 + r, j0 + c) takes register r, lane c', () => {
    const gather = gruGatherBlock({ name: 'g', rows: 8, lanes: 'xyz', cell: 'backward_cell' });
    const calls = gather.split('\n').filter((l) => l.includes('backward_cell('));
    const lanes = ['x', 'y', 'z', 'w'];
    // one loop over the rows r, whose vals[r] is register d<r>; unit c reads its lane c
    expect(cellLoopValues(gather)).toEqual(rowsOf(8).map((r) => `d${r}`));
    expect(gather).toContain('for (var r = 0u; r < 8u; r++) {');
    expect(calls.map((l) => l.trim())).toEqual(lanes.map((lane, c) => `backward_cell(p, b0 + r, j0 + ${c}u, vals[r].${lane}, last);`));
    const reset = gruUhEntry({ entry: 'e', rows: 4, cell: 'reset_cell' });
    expect(cellLoopValues(reset)).toEqual(rowsOf(4).map((r) => `a${r}`));
    expect(reset).toContain('reset_cell(p, b0 + r, k0 + 2u, vals[r].z);');
    expect(reset).toContain('a2 = fma(w3, vec4<f32>(v2.w), fma(w2, vec4<f32>(v2.z), fma(w1, vec4<f32>(v2.y), fma(w0, vec4<f32>(v2.x), a2))));');
  });
});

describe('GRU shader sources', () => {
  it('write no 8-row block out by hand: every unrolled block comes from a template', () => {
    // registers and offsets of rows 4..7 (through_recurrent, written once, has rows 0..3 only)
    const upperRow = /\b[sa][4-7][0-3]\b|\b(?:x|xr|hv|v|d|g|a|h|i)[4-7]\b|\b(?:b0|i0) \+ [4-7]u\b/;
    for (const file of ['gruStepVec4', 'gruStepVec4Pack', 'gruStepVec4Forward', 'gruStepVec4Backward', 'gruStepVec4WeightGrad']) {
      const code = stripComments(readFileSync(new URL(`../shaders/${file}.wgsl`, import.meta.url), 'utf8'));
      expect(
        code.split('\n').filter((l) => upperRow.test(l)),
        file,
      ).toEqual([]);
      expect(code.split('\n').length, `${file} stays small`).toBeLessThan(600);
    }
  });
});
