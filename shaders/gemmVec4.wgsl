// gemmVec4.wgsl — the same product as gemm.wgsl, C = act(op(A) · op(B) + bias), read with vec4 loads where
// the layout allows. The plain gemm.wgsl stays as the reference variant and the fallback.
//
//   C[M, N] = act(op(A)[M, K] · op(B)[K, N] + bias[N])
//   op(A) = A stored [M, K] row-major, or Aᵀ with A stored [K, M] when TRANS_A
//   op(B) = B stored [K, N] row-major, or Bᵀ with B stored [N, K] when TRANS_B
//
// Each invocation owns a 4×4 block of C in four vec4 registers, like gemm.wgsl, but walks K four at a time:
// per chunk it reads a 4×4 tile of op(A) and one of op(B) and does 16 vec4 FMAs (as a mat4x4 × vec4 per output
// row). The tiles come in as vec4 loads through `a4`/`b4`, vec4-typed bindings over the same buffers as `a`/`b`
// (read-only, so binding a buffer twice is allowed), whenever every vec4 of the tile is aligned:
//
//   A_VEC4:  TRANS_A ? M % 4 == 0 (a row of Aᵀ-storage holds 4 consecutive rows of op(A))
//                    : K % 4 == 0 (a row of A holds 4 consecutive k)              and a_offset % 4 == 0
//   B_VEC4:  TRANS_B ? K % 4 == 0 : N % 4 == 0                                     and b_offset % 4 == 0
//   entry `main_c4` stores C rows as vec4 (N % 4 == 0 and c_offset % 4 == 0); entry `main` stores scalars.
//
// Otherwise the tile is gathered with scalar loads (clamped to valid elements, as in gemm.wgsl), and a K that is
// not a multiple of 4 finishes with scalar steps. The host (src/kernels/gemmVec4.ts) checks the conditions;
// the shader trusts them. On SwiftShader every load is a per-lane gather, so fewer, wider loads per FMA is the
// lever (DESIGN.md); the numbers that chose this kernel over gemm.wgsl are in src/kernels/gemmVec4.ts.
//
// Bindings: 0 params (uniform) · 1 a · 2 b · 3 bias · 5 a4 · 6 b4 (all read) · 4 c or c4 (write)

struct GemmParams {
  m: u32,
  n: u32,
  k: u32,
  a_offset: u32,
  b_offset: u32,
  c_offset: u32,
}

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override A_VEC4: bool = false;
override B_VEC4: bool = false;
override ACTIVATION: u32 = 3u; // linear

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

/** The 4×4 block of op(A)·op(B) whose top-left corner is (row0, col0), one vec4 per output row. */
fn product_block(row0: u32, col0: u32) -> mat4x4<f32> {
  let last_row = params.m - 1u;
  let last_col = params.n - 1u;
  // With vec4 loads the block's rows (TRANS_A) or columns (!TRANS_B) are read as one aligned vec4, so they
  // are never clamped; M or N is then a multiple of 4 and no clamp is needed.
  let r = vec4<u32>(row0, min(row0 + 1u, last_row), min(row0 + 2u, last_row), min(row0 + 3u, last_row));
  let q = vec4<u32>(col0, min(col0 + 1u, last_col), min(col0 + 2u, last_col), min(col0 + 3u, last_col));
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  let k4 = params.k & ~3u;
  for (var kk = 0u; kk < k4; kk += 4u) {
    let at = a_tile(r, kk);
    let bt = b_tile(q, kk);
    acc0 += bt * at[0];
    acc1 += bt * at[1];
    acc2 += bt * at[2];
    acc3 += bt * at[3];
  }
  for (var kk = k4; kk < params.k; kk++) {
    let bv = vec4<f32>(load_b(kk, q.x), load_b(kk, q.y), load_b(kk, q.z), load_b(kk, q.w));
    acc0 = fma(vec4<f32>(load_a(r.x, kk)), bv, acc0);
    acc1 = fma(vec4<f32>(load_a(r.y, kk)), bv, acc1);
    acc2 = fma(vec4<f32>(load_a(r.z, kk)), bv, acc2);
    acc3 = fma(vec4<f32>(load_a(r.w, kk)), bv, acc3);
  }
  return mat4x4<f32>(acc0, acc1, acc2, acc3);
}

fn finish(v: f32, col: u32) -> f32 {
  var out = v;
  if (HAS_BIAS) { out += bias[col]; }
  return act(out, ACTIVATION);
}

// The 32×32 tiles of C are numbered row by row and spread over x and y (grid1d in src/gpu/kernel.ts), as in
// gemm.wgsl, so a product more than 65 535 tiles tall stays inside WebGPU's per-dimension workgroup limit.
// Tiles past the last one get rows ≥ m and return.
fn block_row(wg: vec3<u32>, lid: vec3<u32>, groups: vec3<u32>) -> u32 {
  let tile = wg.x + wg.y * groups.x;
  return ((tile / ((params.n + 31u) / 32u)) * 8u + lid.y) * 4u;
}

fn block_col(wg: vec3<u32>, lid: vec3<u32>, groups: vec3<u32>) -> u32 {
  let tile = wg.x + wg.y * groups.x;
  return ((tile % ((params.n + 31u) / 32u)) * 8u + lid.x) * 4u;
}

fn store_row(row: u32, col0: u32, v: vec4<f32>) {
  if (row >= params.m) { return; }
  for (var j = 0u; j < 4u; j++) {
    let col = col0 + j;
    if (col >= params.n) { return; }
    c[params.c_offset + row * params.n + col] = finish(v[j], col);
  }
}

fn store_row4(row: u32, col0: u32, v: vec4<f32>) {
  if (row >= params.m) { return; }
  c4[(params.c_offset + row * params.n + col0) / 4u] =
    vec4<f32>(finish(v.x, col0), finish(v.y, col0 + 1u), finish(v.z, col0 + 2u), finish(v.w, col0 + 3u));
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row0 = block_row(wg, lid, groups);
  let col0 = block_col(wg, lid, groups);
  if (row0 >= params.m || col0 >= params.n) { return; }
  let acc = product_block(row0, col0);
  store_row(row0, col0, acc[0]);
  store_row(row0 + 1u, col0, acc[1]);
  store_row(row0 + 2u, col0, acc[2]);
  store_row(row0 + 3u, col0, acc[3]);
}

@compute @workgroup_size(8, 8)
fn main_c4(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row0 = block_row(wg, lid, groups);
  let col0 = block_col(wg, lid, groups);
  if (row0 >= params.m || col0 >= params.n) { return; }
  let acc = product_block(row0, col0);
  store_row4(row0, col0, acc[0]);
  store_row4(row0 + 1u, col0, acc[1]);
  store_row4(row0 + 2u, col0, acc[2]);
  store_row4(row0 + 3u, col0, acc[3]);
}
