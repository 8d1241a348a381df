// batchedMatmul.wgsl — one small matrix product per batch row, on operands addressed by strides, so the same
// kernel reads a time-major sequence [T, batch, C] as [T, C] or as its transpose [C, T] per batch row without a copy:
// what Keras's Dot layer and the dot-product Attention compute, and their gradients.
//
//   O_b[i, j] = alpha · s · Σ_k A_b[i, k] · B_b[k, j]            (+ O_b[i, j] before, when ACCUMULATE)
//
//   A_b[i, k] = a[a_offset + b·a_sb + i·a_si + k·a_sk]   and likewise B (b_sk, b_sj) and O (o_si, o_sj);
//   s = scale[scale_index], a weight on the GPU (Attention's learned scale), or 1 when scale_index is NO_SCALE.
//
// A time-major sequence X[t, b, c] sits at t·batch·C + b·C + c: per batch row b, its [T, C] matrix has strides
// (si, sk) = (batch·C, 1) and its transpose (1, batch·C), from offset b·C. One invocation per 4×4 block of the
// output, each element summing k in order: the same bits every run. CPU twin: src/reference/batchedMatmul.ts.
//
// Bindings: 0 params · 1 a (read) · 2 bm (read) · 3 scale (read) · 4 o (rw). a and bm may be one buffer; o not.

struct MatmulParams {
  batches: u32,
  m: u32,
  n: u32,
  k: u32,
  a_offset: u32,
  a_sb: u32,
  a_si: u32,
  a_sk: u32,
  b_offset: u32,
  b_sb: u32,
  b_sk: u32,
  b_sj: u32,
  o_offset: u32,
  o_sb: u32,
  o_si: u32,
  o_sj: u32,
  scale_index: u32,
  alpha: f32,
}

const NO_SCALE: u32 = 0xffffffffu;
override ACCUMULATE: bool = false;

@group(0) @binding(0) var<uniform> params: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> bm: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;

/** Writes (or, with ACCUMULATE, adds) one output element, when it lies inside the matrix. */
fn put(b: u32, i: u32, j: u32, v: f32) {
  let p = params;
  if (i >= p.m || j >= p.n) { return; }
  let at = p.o_offset + b * p.o_sb + i * p.o_si + j * p.o_sj;
  if (ACCUMULATE) { o[at] += v; } else { o[at] = v; }
}

fn put_row(b: u32, i: u32, j0: u32, v: vec4<f32>) {
  put(b, i, j0, v.x);
  put(b, i, j0 + 1u, v.y);
  put(b, i, j0 + 2u, v.z);
  put(b, i, j0 + 3u, v.w);
}

// One invocation per 4×4 block of O_b: four loads of A and four of B feed sixteen multiply-adds, and a sixteenth of
// the invocations (SwiftShader pays per workgroup; see DESIGN.md). Rows and columns past the edge read the last one
// (clamped) and are not written.
@compute @workgroup_size(WG)
fn matmul(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  let mb = (p.m + 3u) / 4u;
  let nb = (p.n + 3u) / 4u;
  if (idx >= p.batches * mb * nb) { return; }
  let j0 = (idx % nb) * 4u;
  let i0 = ((idx / nb) % mb) * 4u;
  let b = idx / (nb * mb);
  let a_base = p.a_offset + b * p.a_sb;
  let b_base = p.b_offset + b * p.b_sb;
  let ar = vec4<u32>(a_base + i0 * p.a_si, a_base + min(i0 + 1u, p.m - 1u) * p.a_si, a_base + min(i0 + 2u, p.m - 1u) * p.a_si, a_base + min(i0 + 3u, p.m - 1u) * p.a_si);
  let bc = vec4<u32>(b_base + j0 * p.b_sj, b_base + min(j0 + 1u, p.n - 1u) * p.b_sj, b_base + min(j0 + 2u, p.n - 1u) * p.b_sj, b_base + min(j0 + 3u, p.n - 1u) * p.b_sj);
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  for (var k = 0u; k < p.k; k++) {
    let ka = k * p.a_sk;
    let kb = k * p.b_sk;
    let bk = vec4<f32>(bm[bc.x + kb], bm[bc.y + kb], bm[bc.z + kb], bm[bc.w + kb]);
    c0 += a[ar.x + ka] * bk;
    c1 += a[ar.y + ka] * bk;
    c2 += a[ar.z + ka] * bk;
    c3 += a[ar.w + ka] * bk;
  }
  var s = p.alpha;
  if (p.scale_index != NO_SCALE) { s *= scale[p.scale_index]; }
  put_row(b, i0, j0, s * c0);
  put_row(b, i0 + 1u, j0, s * c1);
  put_row(b, i0 + 2u, j0, s * c2);
  put_row(b, i0 + 3u, j0, s * c3);
}
