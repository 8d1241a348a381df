/**
 * The unrolled blocks of the register-blocked LSTM (shaders/lstmStepVec4*.wgsl, shaders/lstmSeq.wgsl): one
 * template per block, each writing the block for R = 4 or 8 batch rows × 4 units per invocation.
 *
 *   lstmForwardBlock {"rows": R}    fn forward_blockR(p: LstmVec4StepParams, b0, j0): the recurrent sums h_{t−1}·Up of
 *                                   the block (with x_t·Wp + bp fused in when FUSED_INPUT), then its 4R
 *                                   forward_cell calls
 *   lstmBackwardBlock {"rows": R}   fn backward_blockR(p: BackParams, b0, j0): the gather dh = dG[t']·Upᵀ of the
 *                                   block, then its 4R backward_cell calls
 *
 * The cell functions, structs and bindings they use are in shaders/lstmStepVec4.wgsl (the file every user of
 * these blocks includes). What the templates write is the shape SwiftShader runs fastest (measured: see
 * bench/results/lstm-kernels.md): named registers z<r><q> / dh<r> (not arrays or matrices as accumulators),
 * the h lanes read as .x/.y/.z/.w (a loop index into a vector compiles as a dynamic index, ~20 % slower), rows
 * in the inner position so each Up vec4 loaded feeds R FMAs. Row 0 is b0 itself (a block's first row always
 * exists); rows past it and units past j0 are clamped to the last valid one, so every load is in bounds and the
 * cell functions drop what lies outside.
 */
import type { BlockTemplate } from './wgsl.ts';
import { LANES, lines, oneOf, onlyArgs, range } from './wgsl.ts';

/** Batch rows per invocation the kernels use (the host picks 8 for a batch of 8 or more). */
export const LSTM_BLOCK_ROWS = [4, 8] as const;
/** Units per invocation: one vec4 of compact h or of Up spans 4 units. */
const UNITS = range(4);

/** Batch row b0 + r, clamped to the last row. */
const row = (r: number) => (r === 0 ? 'b0' : `min(b0 + ${r}u, last_b)`);
/** Unit j0 + q, clamped to the last unit. */
const unit = (q: number) => (q === 0 ? 'j0' : `min(j0 + ${q}u, last_j)`);

function rowsOf(args: Record<string, unknown>): number {
  onlyArgs(args, ['rows']);
  return oneOf(args, 'rows', LSTM_BLOCK_ROWS);
}

/** Up (or Wp) vec4s of the block's 4 units in the k-th row `row`: w0..w3. */
const weights = () => UNITS.map((q) => `let w${q} = scratch[row + q.${LANES[q]}];`);

/** Row r's four sums take w0..w3 times the broadcast v<r>: one line per row, the FMA order of the old kernel. */
const fmaRow = (r: number) => UNITS.map((q) => `z${r}${q} = fma(w${q}, v${r}, z${r}${q});`).join(' ');

/**
 * The block's 4R cell updates: a loop over the sums copied into an array, not 4R calls written out. Each call
 * inlines a whole cell (four activations, its loads and stores), and 32 inlined copies took SwiftShader 2–3 s to
 * compile for forward8 against 0.5 s as a loop (bench/results/lstm-kernels.md#compile-time): most of a first
 * predict's wait. The loop's dynamic index is outside the inner product, where it costs nothing measurable.
 */
function cellLoop(R: number, sums: string, call: string): string {
  return lines(0, `let sums = ${sums};`, `for (var i = 0u; i < ${4 * R}u; i++) {`, lines(1, call), '}');
}

export const lstmForwardBlock: BlockTemplate = (args) => {
  const R = rowsOf(args);
  const rows = range(R);
  return lines(
    0,
    `/** One forward step of the ${R}×4 block at (batch row b0, unit j0): recurrent sums, then the ${4 * R} cell updates. */`,
    `fn forward_block${R}(p: LstmVec4StepParams, b0: u32, j0: u32) {`,
    lines(
      1,
      'let units = p.units;',
      'let quads = (units + 3u) / 4u;',
      'let last_b = p.batch - 1u;',
      'let last_j = units - 1u;',
      rows.map((r) => `let x${r} = p.hc_read + ${row(r)} * quads;`),
      `let q = vec4<u32>(${UNITS.map(unit).join(', ')});`,
      `// z<r><q>: the recurrent sums (i, f, g, o) of row b0+r, unit j0+q. ${4 * R} named vec4 registers updated with`,
      '// fma (mat4x4 accumulators updated as mat·scalar ran ~25 % slower on SwiftShader).',
      rows.map((r) => UNITS.map((q) => `var z${r}${q} = vec4<f32>(0.0);`).join(' ')),
      `// A block none of whose rows takes x_t (masked: direction.wgsl) skips the sums; its cells carry the states.`,
      `if (rows_run(p.t, p.batch, b0, ${R}u)) {`,
      'if (FUSED_INPUT) {',
      lines(
        1,
        "// x_t·W + b as F more rows of the same product: the sums start at bp and take x's features like h's units.",
        UNITS.map((q) => `let b${q}v = scratch[p.bp + q.${LANES[q]}];`),
        rows.map((r) => UNITS.map((q) => `z${r}${q} = b${q}v;`).join(' ')),
        'let rows = p.x_offset + p.t * p.batch * p.features;',
        rows.map((r) => `let r${r} = rows + ${row(r)} * p.features;`),
        'for (var f = 0u; f < p.features; f++) {',
        lines(
          1,
          'let row = p.wp + f * units;',
          weights(),
          rows.flatMap((r) => [`let v${r} = vec4<f32>(x_in[r${r} + f]);`, fmaRow(r)]),
        ),
        '}',
      ),
      '}',
      'for (var kq = 0u; kq < quads; kq++) {',
      lines(
        1,
        `// h_{t−1} of the ${R} rows at k = 4kq .. 4kq+3 (zero past \`units\`).`,
        rows.map((r) => `let hv${r} = scratch[x${r} + kq];`),
        '// k = 4kq + 0 .. 3, unrolled: indexing hv by a loop variable (a dynamic vector index) ran the forward pass',
        '// ~20 % slower on SwiftShader.',
        LANES.flatMap((lane, s) => [
          '{',
          lines(
            1,
            `let row = min(kq * 4u + ${s}u, last_j) * units;`,
            weights(),
            rows.flatMap((r) => [`let v${r} = vec4<f32>(hv${r}.${lane});`, fmaRow(r)]),
          ),
          '}',
        ]),
      ),
      '}',
      '}',
      cellLoop(
        R,
        `array<vec4<f32>, ${4 * R}>(${rows.flatMap((r) => UNITS.map((q) => `z${r}${q}`)).join(', ')})`,
        'forward_cell(p, b0 + i / 4u, j0 + i % 4u, sums[i]);',
      ),
    ),
    '}',
  );
};

export const lstmBackwardBlock: BlockTemplate = (args) => {
  const R = rowsOf(args);
  const rows = range(R);
  return lines(
    0,
    `/** One backward step of the ${R}×4 block at (batch row b0, unit j0): gather dh from dG[t'], then the ${4 * R} cells. */`,
    `fn backward_block${R}(p: BackParams, b0: u32, j0: u32) {`,
    lines(
      1,
      'let units = p.units;',
      'let last = is_last_step(p.t, p.timesteps);',
      "// dh_r[q] = Σ_k dot(dG[t', b0+r, k], Up[j0+q, k]): the step run after this one wrote dG[t']. Per k, " + `${R} vec4s of dG[t'] and 4 of Up.`,
      rows.map((r) => `var dh${r} = vec4<f32>(0.0);`),
      `// A step t' none of the block's rows ran left their dG[t'] all 0: nothing to gather (direction.wgsl).`,
      `if (!last && rows_run(following_time(p.t), p.batch, b0, ${R}u)) {`,
      lines(
        1,
        'let last_b = p.batch - 1u;',
        'let last_j = units - 1u;',
        'let next = following_time(p.t) * p.batch;',
        rows.map((r) => `let g${r} = (next + ${row(r)}) * units;`),
        UNITS.map((q) => `let u${q} = ${unit(q)} * units;`),
        'for (var k = 0u; k < units; k++) {',
        lines(
          1,
          `let w = mat4x4<f32>(${UNITS.map((q) => `packed_b[u${q} + k]`).join(', ')});`,
          rows.map((r) => `dh${r} += dgates[g${r} + k] * w;`),
        ),
        '}',
      ),
      '}',
      "// This step writes dG[t] only; the reads above are of dG[t'], t' ≠ t, so they never race.",
      cellLoop(R, `array<vec4<f32>, ${R}>(${rows.map((r) => `dh${r}`).join(', ')})`, 'backward_cell(p, b0 + i / 4u, j0 + i % 4u, sums[i / 4u][i % 4u], last);'),
    ),
    '}',
  );
};

export const lstmBlocks: Record<string, BlockTemplate> = { lstmForwardBlock, lstmBackwardBlock };
