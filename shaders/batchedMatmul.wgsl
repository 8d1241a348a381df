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
// (si, sk) = (batch·C, 1) and its transpose (1, batch·C), from offset b·C. One invocation per output element, each
// summing k in order: the same bits every run. CPU twin: src/reference/batchedMatmul.ts.
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

@compute @workgroup_size(WG)
fn matmul(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= p.batches * p.m * p.n) { return; }
  let j = idx % p.n;
  let i = (idx / p.n) % p.m;
  let b = idx / (p.n * p.m);
  let a0 = p.a_offset + b * p.a_sb + i * p.a_si;
  let b0 = p.b_offset + b * p.b_sb + j * p.b_sj;
  var sum = 0.0;
  for (var k = 0u; k < p.k; k++) {
    sum += a[a0 + k * p.a_sk] * bm[b0 + k * p.b_sk];
  }
  var s = p.alpha;
  if (p.scale_index != NO_SCALE) { s *= scale[p.scale_index]; }
  let at = p.o_offset + b * p.o_sb + i * p.o_si + j * p.o_sj;
  if (ACCUMULATE) { o[at] += s * sum; } else { o[at] = s * sum; }
}
