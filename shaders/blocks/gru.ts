/**
 * Block templates of the register-blocked GRU (shaders/gruStepVec4*.wgsl): every piece of those kernels whose
 * loops over batch rows, units or vector lanes are written out, for each shape the host runs. A block of
 * `rows` batch rows × 4 units keeps its sums in named registers (s00, s01, …: SwiftShader compiles `v[s]` with
 * a loop variable as a dynamic vector index, and arrays and matrices of registers measured slower) and takes
 * FMAs only on the lanes its pass uses (`lanes`: z, r, n with reset_after, z, r alone in reset_before's first
 * dispatch and gather). The lane layout and the math are in the shader files' headers.
 *
 *   gruForwardBlock     fn: bp + x_t·Wp + h_{t−1}·Up of a block, then forward_cell for its cells
 *   gruGatherBlock      fn: dG[t′]·Upᵀ of a block (dh from the step run after t), then backward_cell or
 *                       update_cell for its cells
 *   gruUhEntry          entry: (r ⊙ h)·Uh (forward_candidate) or da·Uhᵀ (backward_reset) from a compact copy
 *                       and a vec4-packed Uh, then candidate_cell or reset_cell for its cells
 *   gruBlockEntry       entry: finds its block from the invocation index and calls a block fn
 *   gruWeightGradEntry  entry: [h_prev | x | 1]ᵀ·dG, `rows` rows of A′ × 4 units per invocation
 *
 * The cells a block ends with (a loop over its rows: one call per unit, or one vec4 store per row of the
 * compact copy the block owns) are written by `cellStores` and `cellCalls`, shared by the templates that end
 * that way.
 */
import { LANES, identifier, lines, oneOf, onlyArgs, range } from './wgsl.ts';

type Args = Record<string, unknown>;

/** Batch rows (or, in weight_grad, rows of A′) per block; a block always spans 4 units (one vec4 of j). */
const ROWS = [4, 8] as const;
/** The lanes of a recurrent sum a pass takes FMAs on: (z, r, n) or (z, r); the others pass through. */
const SUM_LANES = ['xyz', 'xy'] as const;
const UNITS = range(4);

/** Lines indented by `depth` two-space steps. */
const at = (depth: number, ls: string[]) => ls.map((l) => '  '.repeat(depth) + l);
/** The 4 statements of one row, on one line (the shape the old hand-written blocks had). */
const row4 = (f: (c: number) => string) => UNITS.map(f).join(' ');

const ENTRY_HEAD = '@compute @workgroup_size(WG)';
const ENTRY_ARGS = '(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>)';

/**
 * The opening of a step entry: returns past the last block, else `o` = (first batch row, first unit) of the
 * invocation's block. block_origin (shaders/gruStepVec4.wgsl) counts 4-row blocks; 8-row blocks double the row.
 */
function entryOrigin(rows: 4 | 8, params: string): string[] {
  return [
    'let idx = flat_index(gid, groups);',
    `let p = ${params};`,
    `if (idx >= block_count(p.batch, p.units, ${rows}u)) { return; }`,
    rows === 4 ? 'let o = block_origin(idx, p.units);' : 'let o = block_origin(idx, p.units) * vec2<u32>(2u, 1u);',
  ];
}

/**
 * A block's cells run as a loop over its rows (the 4 units of a row written out), on the block's sums copied
 * into the array `vals`, not as rows × 4 calls written out: each call inlines a whole cell, and 32 inlined
 * cells took SwiftShader seconds to compile one pipeline (the LSTM's forward8: 2–3 s against 0.5 s;
 * bench/results/lstm-kernels.md#compile-time, and gru-kernels.md for the GRU's). The loop sits outside the
 * inner products, where its dynamic index costs nothing measurable.
 *
 * cellStores: the cells of a block that own their rows' vec4 `out + b·quads` of a compact copy: per row inside
 * the batch, the 4 cells' returns stored as one vec4. `cell(c)` is the call for row b = b0 + r, unit j0+c.
 */
function cellStores(rows: number, vals: string, cell: (c: number) => string): string[] {
  return [
    `let vals = ${vals};`,
    `for (var r = 0u; r < ${rows}u; r++) {`,
    '  if (b0 + r < p.batch) {',
    '    let b = b0 + r;',
    `    scratch[out + b * quads] = vec4<f32>(${UNITS.map(cell).join(', ')});`,
    '  }',
    '}',
  ];
}

/** The cells of a block that store nothing compact: a loop over rows r, one call per unit c (the cell checks the bounds). */
function cellCalls(rows: number, vals: string, cell: (c: number) => string): string[] {
  return [`let vals = ${vals};`, `for (var r = 0u; r < ${rows}u; r++) {`, ...UNITS.map((c) => `  ${cell(c)};`), '}'];
}

/** The sums of a block, one vec4 per row and unit (`<prefix><r><c>`), as an array: vals[4r + c]. */
const perUnit = (rows: number, prefix: string) =>
  `array<vec4<f32>, ${4 * rows}>(${range(rows)
    .flatMap((r) => UNITS.map((c) => `${prefix}${r}${c}`))
    .join(', ')})`;
/** One vec4 per row (`<prefix><r>`, a lane per unit), as an array: vals[r]. */
const perRow = (rows: number, prefix: string) =>
  `array<vec4<f32>, ${rows}>(${range(rows)
    .map((r) => `${prefix}${r}`)
    .join(', ')})`;

/** gruForwardBlock {name, rows, lanes}: fn name(p: GruVec4StepParams, b0, j0), the sums and cells of one block. */
function forwardBlock(args: Args): string {
  onlyArgs(args, ['name', 'rows', 'lanes']);
  const name = identifier(args, 'name');
  const rows = oneOf(args, 'rows', ROWS);
  const lanes = oneOf(args, 'lanes', SUM_LANES);
  const rest = LANES.slice(lanes.length).join('');
  const R = range(rows);
  // s<r><c>: the sums (z, r, n, xh) of row b0+r, unit j0+c.
  const hFma = (r: number) => row4((c) => `s${r}${c} = vec4<f32>(fma(w${c}.${lanes}, v${r}, s${r}${c}.${lanes}), s${r}${c}.${rest});`);
  const loadW = UNITS.map((c) => `let w${c} = scratch[row + q.${LANES[c]}];`);
  return lines(0, [
    `fn ${name}(p: GruVec4StepParams, b0: u32, j0: u32) {`,
    ...at(1, [
      'let units = p.units;',
      'let quads = (units + 3u) / 4u;',
      'let last_b = p.batch - 1u;',
      'let last_j = units - 1u;',
      ...R.map((r) => `let x${r} = p.hc_read + min(b0 + ${r}u, last_b) * quads;`),
      'let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));',
      ...R.map((r) => row4((c) => `var s${r}${c} = vec4<f32>(0.0);`)),
      '// A block none of whose rows takes x_t (masked: direction.wgsl) skips the sums; its cells carry h.',
      `if (rows_run(p.t, p.batch, b0, ${rows}u)) {`,
      'if (FUSED_INPUT) {',
      ...at(1, [
        ...UNITS.map((c) => `let bv${c} = scratch[p.bp + q.${LANES[c]}];`),
        ...R.map((r) => row4((c) => `s${r}${c} = bv${c};`)),
        'let xt = p.x_offset + p.t * p.batch * p.features;',
        ...R.map((r) => `let xr${r} = xt + min(b0 + ${r}u, last_b) * p.features;`),
        'for (var f = 0u; f < p.features; f++) {',
        ...at(1, [
          'let row = p.wp + f * units;',
          ...loadW,
          ...R.flatMap((r) => [`let v${r} = vec4<f32>(x_in[xr${r} + f]);`, row4((c) => `s${r}${c} = fma(w${c}, v${r}, s${r}${c});`)]),
        ]),
        '}',
      ]),
      '}',
      'for (var kq = 0u; kq < quads; kq++) {',
      ...at(1, [
        ...R.map((r) => `let hv${r} = scratch[x${r} + kq];`),
        // one scope per k of the quad: h's lane k against Up's row kq·4 + k
        ...LANES.flatMap((lane, k) => [
          '{',
          ...at(1, [
            `let row = min(kq * 4u + ${k}u, last_j) * units;`,
            ...loadW,
            ...R.flatMap((r) => [`let v${r} = vec${lanes.length}<f32>(hv${r}.${lane});`, hFma(r)]),
          ]),
          '}',
        ]),
      ]),
      '}',
      '}',
      'let out = select(p.cq, p.hc_write, RESET_AFTER) + j0 / 4u;',
      ...cellStores(rows, perUnit(rows, 's'), (c) => `forward_cell(p, b, j0 + ${c}u, vals[4u * r + ${c}u])`),
    ]),
    '}',
  ]);
}

/**
 * gruGatherBlock {name, rows, lanes, cell}: fn name(p: GruVec4BackParams, b0, j0), the gradient reaching the block's
 * h_t through U from the step run after t (none at the last step), then its cells: backward_cell (the whole
 * reset_after cell) or update_cell (reset_before's dz, da, dh; the block stores its rows' compact da).
 */
function gatherBlock(args: Args): string {
  onlyArgs(args, ['name', 'rows', 'lanes', 'cell']);
  const name = identifier(args, 'name');
  const rows = oneOf(args, 'rows', ROWS);
  const lanes = oneOf(args, 'lanes', SUM_LANES);
  const cell = oneOf(args, 'cell', ['backward_cell', 'update_cell'] as const);
  const R = range(rows);
  const cells =
    cell === 'backward_cell'
      ? cellCalls(rows, perRow(rows, 'd'), (c) => `backward_cell(p, b0 + r, j0 + ${c}u, vals[r].${LANES[c]}, last)`)
      : [
          'let quads = (units + 3u) / 4u;',
          'let out = p.cq + j0 / 4u;',
          ...cellStores(rows, perRow(rows, 'd'), (c) => `update_cell(p, b, j0 + ${c}u, vals[r].${LANES[c]}, last)`),
        ];
  return lines(0, [
    `fn ${name}(p: GruVec4BackParams, b0: u32, j0: u32) {`,
    ...at(1, [
      'let units = p.units;',
      'let last = is_last_step(p.t, p.timesteps);',
      ...R.map((r) => `var d${r} = vec4<f32>(0.0);`),
      "// A step t' none of the block's rows ran left their dG[t'] all 0: nothing to gather (direction.wgsl).",
      `if (!last && rows_run(following_time(p.t), p.batch, b0, ${rows}u)) {`,
      ...at(1, [
        'let last_b = p.batch - 1u;',
        'let last_j = units - 1u;',
        'let base = following_time(p.t) * p.batch;',
        ...R.map((r) => `let g${r} = (base + min(b0 + ${r}u, last_b)) * units;`),
        ...UNITS.map((c) => `let u${c} = min(j0 + ${c}u, last_j) * units;`),
        'for (var k = 0u; k < units; k++) {',
        ...at(1, [
          `let w = mat4x${lanes.length}<f32>(${UNITS.map((c) => `scratch[u${c} + k].${lanes}`).join(', ')});`,
          ...R.map((r) => `d${r} += dgates[g${r} + k].${lanes} * w;`),
        ]),
        '}',
      ]),
      '}',
      ...cells,
    ]),
    '}',
  ]);
}

/**
 * The two products with Uh packed as vec4 over its output unit, keyed by the cell that takes them: the
 * forward candidate's (r ⊙ h_{t−1})·Uh over Uhq, and backward_reset's drh = da·Uhᵀ over Uht (its block's
 * units are k, the sum runs over j).
 */
const UH_PRODUCTS = {
  candidate_cell: { params: 'params', unit: 'j0', sum: 'kq', mat: 'uhq' },
  reset_cell: { params: 'back_params', unit: 'k0', sum: 'jq', mat: 'uht' },
} as const;

/** gruUhEntry {entry, rows, cell}: the entry point of one of UH_PRODUCTS, with its cells. */
function uhEntry(args: Args): string {
  onlyArgs(args, ['entry', 'rows', 'cell']);
  const entry = identifier(args, 'entry');
  const rows = oneOf(args, 'rows', ROWS);
  const cell = oneOf(args, 'cell', Object.keys(UH_PRODUCTS) as (keyof typeof UH_PRODUCTS)[]);
  const { params, unit, sum, mat } = UH_PRODUCTS[cell];
  const R = range(rows);
  // a_r += Σ over the quad's 4 lanes of v_r[lane] · w_lane, nested in lane order
  const fmaChain = (r: number) => LANES.reduce((acc, lane, k) => `fma(w${k}, vec4<f32>(v${r}.${lane}), ${acc})`, `a${r}`);
  const cells =
    cell === 'candidate_cell'
      ? ['let out = p.hc_write + j0 / 4u;', ...cellStores(rows, perRow(rows, 'a'), (c) => `candidate_cell(p, b, j0 + ${c}u, vals[r].${LANES[c]})`)]
      : cellCalls(rows, perRow(rows, 'a'), (c) => `reset_cell(p, b0 + r, k0 + ${c}u, vals[r].${LANES[c]})`);
  return lines(0, [
    ENTRY_HEAD,
    `fn ${entry}${ENTRY_ARGS} {`,
    ...at(1, [
      ...entryOrigin(rows, params),
      'let b0 = o.x;',
      `let ${unit} = o.y;`,
      'let units = p.units;',
      'let quads = (units + 3u) / 4u;',
      'let last_b = p.batch - 1u;',
      'let last_k = units - 1u;',
      `let mat = p.${mat} + ${unit} / 4u;`,
      ...R.flatMap((r) => [`let x${r} = p.cq + min(b0 + ${r}u, last_b) * quads;`, `var a${r} = vec4<f32>(0.0);`]),
      `for (var ${sum} = 0u; ${sum} < quads; ${sum}++) {`,
      ...at(1, [
        ...R.map((r) => `let v${r} = scratch[x${r} + ${sum}];`),
        ...UNITS.map((k) => `let w${k} = scratch[mat + min(${sum} * 4u + ${k}u, last_k) * quads];`),
        ...R.map((r) => `a${r} = ${fmaChain(r)};`),
      ]),
      '}',
      ...cells,
    ]),
    '}',
  ]);
}

/** gruBlockEntry {entry, rows, params, block}: the entry point that runs block fn `block` for its block. */
function blockEntry(args: Args): string {
  onlyArgs(args, ['entry', 'rows', 'params', 'block']);
  const entry = identifier(args, 'entry');
  const rows = oneOf(args, 'rows', ROWS);
  const params = oneOf(args, 'params', ['params', 'back_params'] as const);
  const block = identifier(args, 'block');
  return lines(0, [ENTRY_HEAD, `fn ${entry}${ENTRY_ARGS} {`, ...at(1, [...entryOrigin(rows, params), `${block}(p, o.x, o.y);`]), '}']);
}

/**
 * gruWeightGradEntry {entry, rows}: dU, dW and the biases in one pass, `rows` rows of A′ = [h_prev | x | 1]
 * × 4 units per invocation (shaders/gruStepVec4WeightGrad.wgsl has the math and the row blocks).
 */
function weightGradEntry(args: Args): string {
  onlyArgs(args, ['entry', 'rows']);
  const entry = identifier(args, 'entry');
  const rows = oneOf(args, 'rows', ROWS);
  const R = range(rows);
  const column = ['j0', 'c1', 'c2', 'c3'];
  const fmas = (a: string) => R.map((r) => row4((c) => `a${r}${c} = fma(${a}${r}, g${c}, a${r}${c});`));
  const xRow = (r: number) => `let x${r} = vec4<f32>(select(select(0.0, 1.0, i0 + ${r}u == F), wg_x[xr + min(i0 + ${r}u, last_f)], i0 + ${r}u < F));`;
  return lines(0, [
    ENTRY_HEAD,
    `fn ${entry}${ENTRY_ARGS} {`,
    ...at(1, [
      'let idx = flat_index(gid, groups);',
      'let p = wg_params;',
      'let u = p.units;',
      'let quads = (u + 3u) / 4u;',
      `let h_blocks = (u + ${rows - 1}u) / ${rows}u;`,
      `if (idx >= (h_blocks + (p.features + ${rows}u) / ${rows}u) * quads) { return; }`,
      'let rb = idx / quads;',
      'let j0 = (idx % quads) * 4u;',
      'let last_j = u - 1u;',
      ...column.slice(1).map((name, c) => `let ${name} = min(j0 + ${c + 1}u, last_j);`),
      ...R.map((r) => row4((c) => `var a${r}${c} = vec4<f32>(0.0);`)),
      'let of_h = rb < h_blocks;',
      `let i0 = select((rb - h_blocks) * ${rows}u, rb * ${rows}u, of_h);`,
      'if (of_h) {',
      ...at(1, [
        'let last_i = u - 1u;',
        ...R.map((r) => `let i${r} = min(i0 + ${r}u, last_i);`),
        'for (var r = 0u; r < p.rows; r++) {',
        ...at(1, [
          'let g = r * u;',
          ...UNITS.map((c) => `var g${c} = dg_sum[g + ${column[c]}];`),
          'let hr = p.h_offset + r * u;',
          ...R.map((r) => `var h${r} = vec4<f32>(wg_h[hr + i${r}]);`),
          'if (!RESET_AFTER) {',
          ...at(1, ['let rr = p.rh_offset + r * u;', ...R.map((r) => `h${r}.z = wg_rh[rr + i${r}];`), ...UNITS.map((c) => `g${c}.z = g${c}.w;`)]),
          '}',
          ...fmas('h'),
        ]),
        '}',
      ]),
      '} else {',
      ...at(1, [
        'let F = p.features;',
        'let last_f = max(F, 1u) - 1u;',
        'for (var r = 0u; r < p.rows; r++) {',
        ...at(1, [
          'let g = r * u;',
          ...UNITS.map((c) => `let g${c} = dg_sum[g + ${column[c]}];`),
          'let xr = p.x_offset + r * F;',
          ...R.map(xRow),
          ...fmas('x'),
        ]),
        '}',
      ]),
      '}',
      // The 4R stores as a loop over the sums (row k / 4, unit k % 4), not 4R inlined store_weight_grad calls,
      // for SwiftShader's compile time as with the cells above (bench/results/gru-kernels.md#compile-time).
      `let sums = ${perUnit(rows, 'a')};`,
      `for (var k = 0u; k < ${4 * rows}u; k++) { store_weight_grad(of_h, i0 + k / 4u, j0 + k % 4u, sums[k]); }`,
    ]),
    '}',
  ]);
}

export const gruBlocks = {
  gruForwardBlock: forwardBlock,
  gruGatherBlock: gatherBlock,
  gruUhEntry: uhEntry,
  gruBlockEntry: blockEntry,
  gruWeightGradEntry: weightGradEntry,
};
