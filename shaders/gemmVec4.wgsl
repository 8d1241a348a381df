// gemmVec4.wgsl — the same product as gemm.wgsl, C = act(op(A) · op(B) + bias), read with vec4 loads where
// the layout allows. The plain gemm.wgsl stays as the reference variant and the fallback.
//
//   C[M, N] = act(op(A)[M, K] · op(B)[K, N] + bias[N])
//   op(A) = A stored [M, K] row-major, or Aᵀ with A stored [K, M] when TRANS_A
//   op(B) = B stored [K, N] row-major, or Bᵀ with B stored [N, K] when TRANS_B
//
// Each invocation owns an 8×4 block of C (8 rows, 4 columns) in eight vec4 registers and walks K four at a
// time: per chunk it reads one 4×4 tile of op(B) and two of op(A) and does 32 vec4 FMAs (a mat4x4 × vec4 per
// output row). Entries main8/main8_c4 (BLOCK_COLS = 8) own 8×8 blocks: two op(B) tiles share the two op(A)
// tiles, 16 loads per 64 vec4 FMAs instead of 12 per 32. A workgroup of WG_SIDE × WG_SIDE invocations covers
// 8·WG_SIDE rows × BLOCK_COLS·WG_SIDE columns; the host picks both (src/kernels/gemmVec4.ts). The blocks and
// entry points are written out by shaders/blocks/gemm.ts (gemmProductBlock, gemmEntry). The tiles come in as
// vec4 loads through `a4`/`b4`, vec4-typed bindings over the same buffers as `a`/`b` (read-only, so binding a
// buffer twice is allowed), whenever every vec4 of the tile is aligned:
//
//   A_VEC4:  TRANS_A ? M % 4 == 0 (a row of Aᵀ-storage holds 4 consecutive rows of op(A))
//                    : K % 4 == 0 (a row of A holds 4 consecutive k)              and a_offset % 4 == 0
//   B_VEC4:  TRANS_B ? K % 4 == 0 : N % 4 == 0                                     and b_offset % 4 == 0
//   entries `main_c4`, `main8_c4` store C rows as vec4 (N % 4 == 0 and c_offset % 4 == 0); `main`, `main8`
//   store scalars, optionally with their columns permuted from lstmStepVec4.wgsl's gate-interleaved order
//   (permute_units).
//
// Otherwise the tile is gathered with scalar loads (clamped to valid elements, as in gemm.wgsl), and a K that is
// not a multiple of 4 finishes with scalar steps. The host (src/kernels/gemmVec4.ts) checks the conditions;
// the shader trusts them. Rows past M are clamped for reading (a clamped row of a vec4 Aᵀ tile may read a
// misaligned but in-range vec4: those rows are never stored).
//
// On SwiftShader every load is a per-lane gather costing about as much as a dozen FMAs, so loads per FMA
// decide (DESIGN.md): this kernel against gemm.wgsl, and its block shapes against each other, are measured in
// bench/results/gemm-kernels.md.
//
// Bindings: 0 params (uniform) · 1 a · 2 b · 3 bias · 5 a4 · 6 b4 (all read) · 4 c or c4 (write)
//
//! include activations

struct GemmParams {
  m: u32,
  n: u32,
  k: u32,
  a_offset: u32,
  b_offset: u32,
  c_offset: u32,
  /** 0, or u: C's columns come in the gate-interleaved order 4j+gate of lstmStepVec4.wgsl and are stored at
      gate·u + j (Keras order). Entry `main` only. */
  permute_units: u32,
}

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override A_VEC4: bool = false;
override B_VEC4: bool = false;
override ACTIVATION: u32 = 3u; // linear
/** Columns per invocation: 4 (entries main, main_c4) or 8 (main8, main8_c4: two op(B) tiles share each op(A) tile). */
override BLOCK_COLS: u32 = 4u;
/** The workgroup is WG_SIDE × WG_SIDE invocations: a tile of 8·WG_SIDE rows × BLOCK_COLS·WG_SIDE columns. */
override WG_SIDE: u32 = 8u;

@group(0) @binding(0) var<uniform> params: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read_write> c4: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> a4: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> b4: array<vec4<f32>>;

fn load_a(row: u32, col: u32) -> f32 {
  if (TRANS_A) { return a[params.a_offset + col * params.m + row]; }
  return a[params.a_offset + row * params.k + col];
}

fn load_b(row: u32, col: u32) -> f32 {
  if (TRANS_B) { return b[params.b_offset + col * params.k + row]; }
  return b[params.b_offset + row * params.n + col];
}

/** op(A)[r, kk..kk+3] for the four rows r, as the rows of the result (result[i] = row r.i over 4 k). */
fn a_tile(r: vec4<u32>, kk: u32) -> mat4x4<f32> {
  if (A_VEC4) {
    if (TRANS_A) {
      // storage row kk+s holds op(A)[r.x..r.x+3, kk+s]: four loads give the transposed tile.
      let base = (params.a_offset + kk * params.m + r.x) / 4u;
      let q = params.m / 4u;
      return transpose(mat4x4<f32>(a4[base], a4[base + q], a4[base + 2u * q], a4[base + 3u * q]));
    }
    let q = params.k / 4u;
    let base = (params.a_offset + kk) / 4u;
    return mat4x4<f32>(a4[base + r.x * q], a4[base + r.y * q], a4[base + r.z * q], a4[base + r.w * q]);
  }
  return mat4x4<f32>(
    vec4<f32>(load_a(r.x, kk), load_a(r.x, kk + 1u), load_a(r.x, kk + 2u), load_a(r.x, kk + 3u)),
    vec4<f32>(load_a(r.y, kk), load_a(r.y, kk + 1u), load_a(r.y, kk + 2u), load_a(r.y, kk + 3u)),
    vec4<f32>(load_a(r.z, kk), load_a(r.z, kk + 1u), load_a(r.z, kk + 2u), load_a(r.z, kk + 3u)),
    vec4<f32>(load_a(r.w, kk), load_a(r.w, kk + 1u), load_a(r.w, kk + 2u), load_a(r.w, kk + 3u)),
  );
}

/** op(B)[kk+s, q] for s = 0..3 as the columns of the result (column s = row kk+s of op(B) over the 4 columns). */
fn b_tile(q: vec4<u32>, kk: u32) -> mat4x4<f32> {
  if (B_VEC4) {
    if (TRANS_B) {
      let r = params.k / 4u;
      let base = (params.b_offset + kk) / 4u;
      return transpose(mat4x4<f32>(b4[base + q.x * r], b4[base + q.y * r], b4[base + q.z * r], b4[base + q.w * r]));
    }
    let r = params.n / 4u;
    let base = (params.b_offset + kk * params.n + q.x) / 4u;
    return mat4x4<f32>(b4[base], b4[base + r], b4[base + 2u * r], b4[base + 3u * r]);
  }
  return mat4x4<f32>(
    vec4<f32>(load_b(kk, q.x), load_b(kk, q.y), load_b(kk, q.z), load_b(kk, q.w)),
    vec4<f32>(load_b(kk + 1u, q.x), load_b(kk + 1u, q.y), load_b(kk + 1u, q.z), load_b(kk + 1u, q.w)),
    vec4<f32>(load_b(kk + 2u, q.x), load_b(kk + 2u, q.y), load_b(kk + 2u, q.z), load_b(kk + 2u, q.w)),
    vec4<f32>(load_b(kk + 3u, q.x), load_b(kk + 3u, q.y), load_b(kk + 3u, q.z), load_b(kk + 3u, q.w)),
  );
}

//! generate gemmProductBlock {"cols": 4}

//! generate gemmProductBlock {"cols": 8}

fn finish(v: f32, col: u32) -> f32 {
  var out = v;
  if (HAS_BIAS) { out += bias[col]; }
  return act(out, ACTIVATION);
}

// The tiles of C are numbered row by row and spread over x and y (grid1d in src/gpu/kernel.ts), as in
// gemm.wgsl, so a product more than 65 535 tiles tall stays inside WebGPU's per-dimension workgroup limit.
// Tiles past the last one get rows ≥ m and return.
fn block_row(wg: vec3<u32>, lid: vec3<u32>, groups: vec3<u32>) -> u32 {
  let tile = wg.x + wg.y * groups.x;
  let cols = WG_SIDE * BLOCK_COLS;
  return ((tile / ((params.n + cols - 1u) / cols)) * WG_SIDE + lid.y) * 8u;
}

fn block_col(wg: vec3<u32>, lid: vec3<u32>, groups: vec3<u32>) -> u32 {
  let tile = wg.x + wg.y * groups.x;
  let cols = WG_SIDE * BLOCK_COLS;
  return ((tile % ((params.n + cols - 1u) / cols)) * WG_SIDE + lid.x) * BLOCK_COLS;
}

fn store_row(row: u32, col0: u32, v: vec4<f32>) {
  if (row >= params.m) { return; }
  for (var j = 0u; j < 4u; j++) {
    let col = col0 + j;
    if (col >= params.n) { return; }
    var dest = col;
    if (params.permute_units != 0u) { dest = (col % 4u) * params.permute_units + col / 4u; }
    c[params.c_offset + row * params.n + dest] = finish(v[j], col);
  }
}

fn store_row4(row: u32, col0: u32, v: vec4<f32>) {
  if (row >= params.m) { return; }
  c4[(params.c_offset + row * params.n + col0) / 4u] =
    vec4<f32>(finish(v.x, col0), finish(v.y, col0 + 1u), finish(v.z, col0 + 2u), finish(v.w, col0 + 3u));
}

//! generate gemmEntry {"entry": "main", "cols": 4, "store": "scalar"}

//! generate gemmEntry {"entry": "main_c4", "cols": 4, "store": "vec4"}

//! generate gemmEntry {"entry": "main8", "cols": 8, "store": "scalar"}

//! generate gemmEntry {"entry": "main8_c4", "cols": 8, "store": "vec4"}
