// crossProducts.wgsl — C += Aᵀ·B summed in double-float: each output kept as an unevaluated pair hi + lo of f32s.
//
// fitRidge (src/model/ridge.ts) solves (ZᵀZ + αI) W = ZᵀY for reservoir states Z. Those states are strongly
// collinear (a reservoir driven by one smooth signal), so the small α that a free-running forecast needs leaves a
// system whose smallest eigenvalues sit far below float32's rounding of a plain GEMM's sums (measured: singular at
// α = 1e-3 for 400 units over 2000 steps, where float64 solves it at 1e-9). Here every product is split exactly into
// p + e (e = fma(a, b, −p), exact where fma is fused; else the product's own rounding stays) and added to the pair
// with Knuth's two-sum, so the sums keep ~48 bits however many rows and batches go in. The host reads hi and lo and
// adds them in float64. CPU twin: src/reference/crossProducts.ts.
//
// The product's split does not rely on a fused fma (SwiftShader's is not: with fma(x, y, −p) the system above
// stayed singular at α = 1e-7): each factor is cut into its top 12 significant bits (a bit mask, no arithmetic)
// and the rest, so each of the four partial products fits f32's 24 bits exactly, whatever the compiler contracts.
//
// A is [rows, a_cols] from a_offset, rows a_stride apart, B [rows, b_cols] from b_offset (row-major, rows
// contiguous); C is [a_cols, b_cols]. One invocation per output, looping over the rows; for a Gram matrix (symmetric) only i ≤ j.
//
// Bindings: 0 params · 1 a (read) · 2 b (read) · 3 hi (rw) · 4 lo (rw) · 5 a_fixed (read; A_FIXED)
//
//! include exactSums

/**
 * A is shaders/quantizedGram.wgsl's q (`a_fixed`: integers, value q·2⁻²⁴), the rows it sums ZᵀZ of, so that ZᵀY
 * and Σz are of the same rounded rows. f32(q) is exact: q came from a float32, so it has at most 24 significant bits.
 */
override A_FIXED: bool = false;

struct CrossParams {
  rows: u32,
  a_cols: u32,
  b_cols: u32,
  a_offset: u32,
  b_offset: u32,
  /** Floats (or integers) from one row of A to the next: a_cols, or q's padded width. */
  a_stride: u32,
  /** Always 0: opaque_zero() (shaders/exactSums.wgsl). */
  zero: u32,
  /** 1: A is B (a Gram matrix): only C[i, j] for i ≤ j is computed; the host mirrors it. */
  symmetric: u32,
}

@group(0) @binding(0) var<uniform> params: CrossParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> hi: array<f32>;
@group(0) @binding(4) var<storage, read_write> lo: array<f32>;
@group(0) @binding(5) var<storage, read> a_fixed: array<i32>;

/** x = hi + lo with hi the top 12 significant bits of x (cut by a mask) and lo the rest, both exact. */
fn split(x: f32) -> vec2<f32> {
  let h = bitcast<f32>(bitcast<u32>(x) & 0xfffff000u);
  return vec2<f32>(h, opaque(x - h));
}

/** For exactSums.wgsl's opaque(). */
fn opaque_zero() -> u32 {
  return params.zero;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let flat = flat_index(gid, groups);
  let p = params;
  var i: u32;
  var j: u32;
  if (p.symmetric != 0u) {
    let n = p.a_cols;
    if (flat >= n * (n + 1u) / 2u) { return; }
    let ij = upper_triangle(flat, n);
    i = ij.x;
    j = ij.y;
  } else {
    if (flat >= p.a_cols * p.b_cols) { return; }
    i = flat / p.b_cols;
    j = flat % p.b_cols;
  }
  let idx = i * p.b_cols + j;
  var s = hi[idx];
  var c = lo[idx];
  for (var r = 0u; r < p.rows; r++) {
    var x: f32;
    if (A_FIXED) { x = f32(a_fixed[p.a_offset + r * p.a_stride + i]) * (1.0 / 16777216.0); } else { x = a[p.a_offset + r * p.a_stride + i]; }
    let y = b[p.b_offset + r * p.b_cols + j];
    // x·y = xh·yh + (xh·yl + xl·yh) + xl·yl, each product exact: the big one two-summed, the rest small.
    let xs = split(x);
    let ys = split(y);
    let t = two_sum(s, opaque(xs.x * ys.x));
    s = t.x;
    let mid = two_sum(opaque(xs.x * ys.y), opaque(xs.y * ys.x));
    c += t.y + mid.x + (mid.y + xs.y * ys.y);
    // Fold c into s every row, so c holds only what s cannot: summing 2000 rows of it in plain float32 otherwise
    // cost ~2 decimal digits (measured: 5e-10 relative instead of 1e-12).
    let n = two_sum(s, c);
    s = n.x;
    c = n.y;
  }
  // Renormalize, so lo stays small next to hi for the next batch.
  let t = two_sum(s, c);
  hi[idx] = t.x;
  lo[idx] = t.y;
}
