// gemm.wgsl — C = act(op(A) · op(B) + bias), the matrix product behind every dense step of webrnn.
//
//   C[M, N] = act(op(A)[M, K] · op(B)[K, N] + bias[N])     (bias when HAS_BIAS; act = ACTIVATION, linear by
//                                                           default, from activations.wgsl prepended)
//   op(A) = A stored [M, K] row-major, or Aᵀ with A stored [K, M] when TRANS_A
//   op(B) = B stored [K, N] row-major, or Bᵀ with B stored [N, K] when TRANS_B
//
// Uses in an LSTM layer (time-major rows r = t·batch + b):
//   input projection  XW[T·B, 4u] = X[T·B, in] · W[in, 4u] + b        (plain, HAS_BIAS)
//   kernel gradient   dW[in, 4u]  = Xᵀ · dG                            (TRANS_A)
//   recurrent grad.   dU[u, 4u]   = H_{t−1}ᵀ · dG                      (TRANS_A)
//   input gradient    dX[T·B, in] = dG · Wᵀ                            (TRANS_B)
// and a Dense layer's forward pass Y = act(X·W + b) in one dispatch (the activation fused as an epilogue).
//
// Each invocation owns a 4×4 block of C and keeps it in registers: 8 loads feed 16 FMAs, and no workgroup
// barrier is needed (barriers are expensive on SwiftShader, see DESIGN.md). A workgroup of 8×8 invocations
// covers a 32×32 tile. Out-of-range rows and columns read a clamped (valid) element and are never stored.
// `*_offset` are element offsets, so a kernel can read one timestep's slice of a larger buffer.
//
// Bindings: 0 params (uniform) · 1 a (read) · 2 b (read) · 3 bias (read; any buffer when !HAS_BIAS) · 4 c (write)
//
//! include activations

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
override ACTIVATION: u32 = 3u; // linear

@group(0) @binding(0) var<uniform> params: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

fn load_a(row: u32, col: u32) -> f32 {
  if (TRANS_A) { return a[params.a_offset + col * params.m + row]; }
  return a[params.a_offset + row * params.k + col];
}

fn load_b(row: u32, col: u32) -> f32 {
  if (TRANS_B) { return b[params.b_offset + col * params.k + row]; }
  return b[params.b_offset + row * params.n + col];
}

fn store_row(row: u32, col0: u32, v: vec4<f32>) {
  if (row >= params.m) { return; }
  for (var j = 0u; j < 4u; j++) {
    let col = col0 + j;
    if (col >= params.n) { return; }
    var out = v[j];
    if (HAS_BIAS) { out += bias[col]; }
    c[params.c_offset + row * params.n + col] = act(out, ACTIVATION);
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // The 32×32 tiles of C are numbered row by row and spread over x and y (grid1d in src/gpu/kernel.ts), so a
  // product more than 65 535 tiles tall (m > 2 097 120: the input projection of a long batch) stays inside
  // WebGPU's per-dimension workgroup limit. Tiles past the last one get rows ≥ m and return.
  let col_tiles = (params.n + 31u) / 32u;
  let tile = wg.x + wg.y * groups.x;
  let row0 = ((tile / col_tiles) * 8u + lid.y) * 4u;
  let col0 = ((tile % col_tiles) * 8u + lid.x) * 4u;
  if (row0 >= params.m || col0 >= params.n) { return; }
  let last_row = params.m - 1u;
  let last_col = params.n - 1u;
  let r = vec4<u32>(row0, min(row0 + 1u, last_row), min(row0 + 2u, last_row), min(row0 + 3u, last_row));
  let q = vec4<u32>(col0, min(col0 + 1u, last_col), min(col0 + 2u, last_col), min(col0 + 3u, last_col));
  // Four vec4 accumulators, one per output row, and no indexing into private arrays: SwiftShader keeps them
  // in registers this way (a dynamically indexed array<array<f32, 4>, 4> ran about 2× slower there).
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < params.k; kk++) {
    let bv = vec4<f32>(load_b(kk, q.x), load_b(kk, q.y), load_b(kk, q.z), load_b(kk, q.w));
    acc0 = fma(vec4<f32>(load_a(r.x, kk)), bv, acc0);
    acc1 = fma(vec4<f32>(load_a(r.y, kk)), bv, acc1);
    acc2 = fma(vec4<f32>(load_a(r.z, kk)), bv, acc2);
    acc3 = fma(vec4<f32>(load_a(r.w, kk)), bv, acc3);
  }
  store_row(row0, col0, acc0);
  store_row(row0 + 1u, col0, acc1);
  store_row(row0 + 2u, col0, acc2);
  store_row(row0 + 3u, col0, acc3);
}
