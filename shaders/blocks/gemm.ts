/**
 * The unrolled blocks of the register-blocked products: shaders/gemmVec4.wgsl (C = act(op(A)·op(B) + bias)) and
 * shaders/lstmWeightGrad.wgsl (an LSTM's dU, dW and db as one product [h_prev | x | 1]ᵀ·dG). One template per
 * block kind, each writing every shape the kernels run:
 *
 *   gemmProductBlock {"cols": C}        struct Block8xC and fn product_block8xC(row0, col0): the 8×C block of
 *                                       op(A)·op(B) at (row0, col0), C = 4 or 8 columns (one or two op(B) tiles)
 *   gemmEntry {"entry": name, "cols": C, "store": "scalar" | "vec4"}
 *                                       the entry point that computes that block and stores its rows with
 *                                       store_row (scalars, optionally permuted) or store_row4 (aligned vec4s)
 *   lstmWeightGradEntry {"entry": name, "rows": R}
 *                                       the entry point for R rows of A' (4 or 8) × 4 units: accumulation over
 *                                       every dataset row, h part and x part, then the stores
 *
 * The helpers they call (a_tile, b_tile, load_a, load_b, block_row, block_col, store_row, store_row4; rows_at,
 * h_rows, store_row_span) and the bindings are written once in the shader files. What the templates write is
 * the shape SwiftShader runs fastest: named vec4 registers (acc0…, a0…), lanes as .x/.y/.z/.w and constant
 * matrix columns (a loop index into a vector compiles as a dynamic index there, ~20 % slower), and the FMA order
 * of the hand-written kernels these replaced, so results are bit for bit what they were.
 */
import { LANES, identifier, lines, oneOf, onlyArgs, range, type BlockTemplate } from './wgsl.ts';

/** Columns of C per invocation in gemmVec4.wgsl: one op(B) tile of 4 columns, or two sharing each op(A) tile. */
export const GEMM_BLOCK_COLS = [4, 8] as const;
/** Rows of A' per invocation in lstmWeightGrad.wgsl (4 units each): one or two groups of 4 rows. */
export const WEIGHT_GRAD_BLOCK_ROWS = [4, 8] as const;

// gemmVec4.wgsl: 8 rows of C per invocation, in two op(A) tiles of 4 rows (t: top, b: bottom); C/4 op(B) tiles of
// 4 columns. Accumulator acc{8·ct + 4·rt + i} holds row 4·rt + i of the block over column tile ct's 4 columns.
const ROW_TILES = range(2);
/** Per row tile: its 4 (clamped) row indices, its op(A) tile, and (scalar K tail) its 4 A values. */
const ROW = [
  { rows: 'r', tile: 'at', values: 'ar', name: 'top' },
  { rows: 's', tile: 'ab', values: 'as_', name: 'bottom' },
] as const;
/** Per column tile: its 4 (clamped) column indices, its op(B) tile, and (scalar K tail) its row of op(B). */
const COL = [
  { cols: 'q', tile: 'bt', values: 'bv', name: 'left' },
  { cols: 'w', tile: 'bu', values: 'bw', name: 'right' },
] as const;

const acc = (ct: number, rt: number, i: number) => `acc${8 * ct + 4 * rt + i}`;
/** Row row0 + n or column col0 + n. */
const plus = (base: string, n: number) => (n === 0 ? base : `${base} + ${n}u`);
/** The same, clamped to `last` for reading (rows always; column col0 exists, or the invocation returned). */
const clamped = (base: string, n: number, last: string) => (n === 0 && base === 'col0' ? base : `min(${plus(base, n)}, ${last})`);

function gemmCols(args: Record<string, unknown>, known: readonly string[]): number[] {
  onlyArgs(args, known);
  return range(oneOf(args, 'cols', GEMM_BLOCK_COLS) / 4);
}

/** The block's struct field for (row tile, column tile): top/bottom, with _left/_right when there are two column tiles. */
const field = (rt: number, ct: number, colTiles: number) => (colTiles === 1 ? ROW[rt]!.name : `${ROW[rt]!.name}_${COL[ct]!.name}`);
const blockType = (cols: number) => `Block8x${cols}`;
const blockFn = (cols: number) => `product_block8x${cols}`;

/** The struct of an 8×C block and the function that computes it: K four at a time with tiles, then scalar steps. */
export const gemmProductBlock: BlockTemplate = (args) => {
  const colTiles = gemmCols(args, ['cols']);
  const C = 4 * colTiles.length;
  const fields = colTiles.flatMap((ct) => ROW_TILES.map((rt) => field(rt, ct, colTiles.length)));
  const accs = colTiles.flatMap((ct) => ROW_TILES.flatMap((rt) => range(4).map((i) => acc(ct, rt, i))));
  const mats = colTiles.flatMap((ct) =>
    ROW_TILES.map(
      (rt) =>
        `mat4x4<f32>(${range(4)
          .map((i) => acc(ct, rt, i))
          .join(', ')})`,
    ),
  );
  // A value in the scalar tail feeds one FMA per column tile: with two it is loaded once into ar/as_.
  const aValue = (rt: number, i: number) => (colTiles.length === 1 ? `load_a(${ROW[rt]!.rows}.${LANES[i]}, kk)` : `${ROW[rt]!.values}.${LANES[i]}`);
  return lines(
    0,
    `/** Rows row0..row0+7 × columns col0..col0+${C - 1} of op(A)·op(B): per 4 k, ${8 + 4 * colTiles.length} vec4 loads (two op(A) tiles, ${colTiles.length === 1 ? 'one op(B) tile' : 'two op(B) tiles'}) for ${32 * colTiles.length} vec4 FMAs. */`,
    `struct ${blockType(C)} {`,
    fields.map((f) => `  ${f}: mat4x4<f32>,`),
    '}',
    '',
    `fn ${blockFn(C)}(row0: u32, col0: u32) -> ${blockType(C)} {`,
    lines(
      1,
      'let last_row = params.m - 1u;',
      'let last_col = params.n - 1u;',
      ROW_TILES.map(
        (rt) =>
          `let ${ROW[rt]!.rows} = vec4<u32>(${range(4)
            .map((i) => clamped('row0', 4 * rt + i, 'last_row'))
            .join(', ')});`,
      ),
      // A clamped column tile past the end reads valid columns and is never stored.
      colTiles.map(
        (ct) =>
          `let ${COL[ct]!.cols} = vec4<u32>(${range(4)
            .map((i) => clamped('col0', 4 * ct + i, 'last_col'))
            .join(', ')});`,
      ),
      accs.map((a) => `var ${a} = vec4<f32>(0.0);`),
      'let k4 = params.k & ~3u;',
      'for (var kk = 0u; kk < k4; kk += 4u) {',
      lines(
        1,
        colTiles.map((ct) => `let ${COL[ct]!.tile} = b_tile(${COL[ct]!.cols}, kk);`),
        ROW_TILES.flatMap((rt) => [
          `let ${ROW[rt]!.tile} = a_tile(${ROW[rt]!.rows}, kk);`,
          ...colTiles.flatMap((ct) => range(4).map((i) => `${acc(ct, rt, i)} += ${COL[ct]!.tile} * ${ROW[rt]!.tile}[${i}];`)),
        ]),
      ),
      '}',
      'for (var kk = k4; kk < params.k; kk++) {',
      lines(
        1,
        colTiles.map((ct) => `let ${COL[ct]!.values} = vec4<f32>(${LANES.map((l) => `load_b(kk, ${COL[ct]!.cols}.${l})`).join(', ')});`),
        colTiles.length === 1
          ? []
          : ROW_TILES.map((rt) => `let ${ROW[rt]!.values} = vec4<f32>(${LANES.map((l) => `load_a(${ROW[rt]!.rows}.${l}, kk)`).join(', ')});`),
        colTiles.flatMap((ct) =>
          ROW_TILES.flatMap((rt) => range(4).map((i) => `${acc(ct, rt, i)} = fma(vec4<f32>(${aValue(rt, i)}), ${COL[ct]!.values}, ${acc(ct, rt, i)});`)),
        ),
      ),
      '}',
      `return ${blockType(C)}(${mats.join(', ')});`,
    ),
    '}',
  );
};

/** An entry point of gemmVec4.wgsl: the invocation's 8×C block, stored row by row; a right tile past n is not stored. */
export const gemmEntry: BlockTemplate = (args) => {
  const colTiles = gemmCols(args, ['entry', 'cols', 'store']);
  const C = 4 * colTiles.length;
  const entry = identifier(args, 'entry');
  const store = oneOf(args, 'store', ['scalar', 'vec4'] as const) === 'vec4' ? 'store_row4' : 'store_row';
  return lines(
    0,
    `/** 8×${C} blocks of C, stored ${store === 'store_row4' ? 'as aligned vec4s' : 'as scalars (optionally permuted)'}. */`,
    '@compute @workgroup_size(WG_SIDE, WG_SIDE)',
    `fn ${entry}(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {`,
    lines(
      1,
      'let row0 = block_row(wg, lid, groups);',
      'let col0 = block_col(wg, lid, groups);',
      'if (row0 >= params.m || col0 >= params.n) { return; }',
      `let acc = ${blockFn(C)}(row0, col0);`,
      // Each column tile's 8 rows stored by a loop over an array of them, not 8 inlined stores: written out, the
      // stores took SwiftShader a third of the pipeline's compile (bench/results/gemm-kernels.md#compile-time).
      colTiles.flatMap((ct) => [
        ...(ct === 0 ? [] : [`if (${plus('col0', 4 * ct)} >= params.n) { return; }`]),
        `let ${COL[ct]!.name} = array<vec4<f32>, 8>(${ROW_TILES.flatMap((rt) => range(4).map((i) => `acc.${field(rt, ct, colTiles.length)}[${i}]`)).join(', ')});`,
        `for (var i = 0u; i < 8u; i++) { ${store}(row0 + i, ${plus('col0', 4 * ct)}, ${COL[ct]!.name}[i]); }`,
      ]),
    ),
    '}',
  );
};

// lstmWeightGrad.wgsl: R rows of A' (groups of 4: rw0, rw1) × 4 units j0..j3 (dG vec4s q0..q3). Register
// {a,b,c,d}{i} holds A' row first + i times unit q's 4 gate gradients (a: j0, …, d: j3).
const UNIT_REGS = ['a', 'b', 'c', 'd'] as const;
const UNITS = range(4);

/** An entry point of lstmWeightGrad.wgsl: R rows of A' × 4 units per invocation, all dataset rows in order. */
export const lstmWeightGradEntry: BlockTemplate = (args) => {
  onlyArgs(args, ['entry', 'rows']);
  const entry = identifier(args, 'entry');
  const R = oneOf(args, 'rows', WEIGHT_GRAD_BLOCK_ROWS);
  const groups = range(R / 4);
  const rows = range(R);
  const reg = (q: number, i: number) => `${UNIT_REGS[q]}${i}`;
  // Per dataset row r: the R values of A' (av<g>: rows first + 4g..4g+3), the 4 dG vec4s, 4R FMAs unit by unit.
  const loop = (setup: string, av: (g: number) => string) => [
    'for (var r = 0u; r < p.rows; r++) {',
    lines(
      1,
      setup,
      groups.map((g) => `let av${g} = ${av(g)};`),
      'let gb = r * p.units;',
      UNITS.map((q) => `let q${q} = dg[gb + j${q}];`),
      UNITS.flatMap((q) => rows.map((i) => `${reg(q, i)} = fma(vec4<f32>(av${i >> 2}.${LANES[i & 3]}), q${q}, ${reg(q, i)});`)),
    ),
    '}',
  ];
  const gather = (buf: string, base: string, g: number) => `vec4<f32>(${LANES.map((l) => `${buf}[${base} + rw${g}.col.${l}]`).join(', ')})`;
  return lines(
    0,
    `/** ${R} rows × 4 units (16 columns of dG): per dataset row ${R} h/x scalars and 4 dG vec4s for ${16 * R} FMAs. */`,
    '@compute @workgroup_size(WG)',
    `fn ${entry}(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {`,
    lines(
      1,
      'let p = params;',
      'let idx = gid.x + gid.y * groups.x * WG;',
      'let ublocks = (p.units + 3u) / 4u;',
      `let rblocks = h_rows(${R}u) / ${R}u + (p.features + ${R}u) / ${R}u;`,
      'if (idx >= ublocks * rblocks) { return; }',
      `let first = (idx / ublocks) * ${R}u;`,
      groups.flatMap((g) => [
        `let rw${g} = rows_at(first + ${4 * g}u, ${R}u);`,
        `let xm${g} = select(vec4<f32>(0.0), vec4<f32>(1.0), rw${g}.kind == vec4<u32>(1u));`,
        `let one${g} = select(vec4<f32>(0.0), vec4<f32>(1.0), rw${g}.kind == vec4<u32>(2u));`,
      ]),
      'let j0 = (idx % ublocks) * 4u;',
      'let last = p.units - 1u;',
      UNITS.slice(1).map((q) => `let j${q} = min(j0 + ${q}u, last);`),
      UNITS.flatMap((q) => rows.map((i) => `var ${reg(q, i)} = vec4<f32>(0.0);`)),
      '// One loop per part, so the choice of buffer is made once, not per row (SwiftShader would run both).',
      'if (rw0.is_h) {',
      lines(
        1,
        loop('let hb = p.h_offset + r * p.units;', (g) => gather('h', 'hb', g)),
      ),
      '} else {',
      lines(
        1,
        loop('let xb = p.x_offset + r * p.features;', (g) => `fma(${gather('x', 'xb', g)}, xm${g}, one${g})`),
      ),
      '}',
      // The 4R stores as a loop over the sums (unit q = k / R, row i = k % R), not 4R inlined store_row_span
      // calls: written out they took SwiftShader about a second to compile (bench/results/gemm-kernels.md).
      // Unit j0 exists (the invocation returned otherwise); j1..j3 are clamped copies past the last unit.
      `let sums = array<vec4<f32>, ${4 * R}u>(${UNITS.flatMap((q) => rows.map((i) => reg(q, i))).join(', ')});`,
      `for (var k = 0u; k < ${4 * R}u; k++) {`,
      lines(1, `let q = k / ${R}u;`, `if (j0 + q <= last) { store_row_span(first + k % ${R}u, j0 + q, sums[k], ${R}u); }`),
      '}',
    ),
    '}',
  );
};

export const gemmBlocks: Record<string, BlockTemplate> = { gemmProductBlock, gemmEntry, lstmWeightGradEntry };
