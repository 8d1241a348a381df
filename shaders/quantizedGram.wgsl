// quantizedGram.wgsl — C += ZᵀZ for rows whose values lie in [−2, 2], each block of rows summed exactly in integers: the Gram matrix
// of an echo-state readout (src/model/ridge.ts), several times cheaper than shaders/crossProducts.wgsl's
// double-float on every product.
//
// fitRidge needs ZᵀZ to ~48 bits (reservoir states are so collinear that float32 sums leave the small-α system
// singular; see crossProducts.wgsl). Two-sum on every product costs ~30 float operations; integers cost 6. Each
// value is first rounded to a multiple of 2⁻²⁴ (`quantize`: q = round(z·2²⁴), |q| ≤ 2²⁵) — as fine as float32 is
// from 0.5 to 1, a smaller change than the reservoir's own float32 rounding — and the result is the Gram matrix of
// those rounded rows: exact within each block, the blocks added in double-float (~2⁻⁴⁸ relative each), symmetric.
// crossProducts.wgsl reads the same integers (A_FIXED), so ZᵀY and Σz are of the same rows. With q = h·2¹³ + l
// (h = q >> 13 in [−2¹², 2¹²], l = q & 0x1fff in [0, 2¹³)) and k = h + l:
//
//   q_i·q_j = (h_i h_j)·2²⁶ + (k_i k_j − h_i h_j − l_i l_j)·2¹³ + l_i l_j       (three products, not four)
//
// three i32 sums of terms below 2²⁶ (k_i k_j below 2²⁸), so over BLOCK = 31 rows Σ h·h and Σ l·l stay in i32's range,
// and so does the middle sum Σ k·k − Σ h·h − Σ l·l, even where Σ k·k wraps (WGSL's i32 wraps modulo 2³²). After each block the exact
// integer those sums stand for is cut into three float32s without rounding and added to the output's double-float
// pair (hi + lo, Knuth's two-sum), kept as crossProducts.wgsl keeps it, so the host reads both alike.
// Why [−2, 2]: the rows are tanh states (|x| ≤ 1 for any leak rate from a zero start) moved by one of them (the
// shift `quantize` subtracts); the caller guarantees it, and a value outside is clamped. CPU twin:
// src/reference/quantizedGram.ts.
//
// `quantize`: one invocation per value: columns col0 … col0 + n − 1 of rows z_stride apart from z_offset, each
// moved by its shift (shaders/shiftRows.wgsl's, fused here) → q, [rows, n rounded up to 4], the padding 0.
// crossProducts.wgsl reads q too (A_FIXED) for ZᵀY and Σz. `gram`: one invocation per 4×4 tile of C on or above
// the diagonal; a tile on the diagonal also writes its entries below, which the host ignores as it mirrors the
// upper triangle.
//
// Bindings: 0 params · 1 z (read) · 2 q (write; `gram` reads it as 3) · 4 hi (rw) · 5 lo (rw) · 6 shift (read)
//
//! include exactSums

struct GramParams {
  rows: u32,
  n: u32,
  z_offset: u32,
  z_stride: u32,
  col0: u32,
  /** Always 0: opaque_zero() (shaders/exactSums.wgsl). */
  zero: u32,
}

@group(0) @binding(0) var<uniform> params: GramParams;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read_write> q_out: array<i32>;
@group(0) @binding(3) var<storage, read> q: array<vec4<i32>>;
@group(0) @binding(4) var<storage, read_write> hi: array<f32>;
@group(0) @binding(5) var<storage, read_write> lo: array<f32>;
@group(0) @binding(6) var<storage, read> shift: array<f32>;

const BLOCK: u32 = 31u;
/** One unit of q_i·q_j: 2⁻⁴⁸. */
const UNIT: f32 = 3.552713678800501e-15;

/** q's columns: n rounded up to whole vec4s, the padding 0, so `gram` reads four columns in one load. */
fn padded() -> u32 {
  return (params.n + 3u) / 4u * 4u;
}

@compute @workgroup_size(WG)
fn quantize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let np = padded();
  if (i >= params.rows * np) { return; }
  let row = i / np;
  let col = i % np;
  var v = 0;
  if (col < params.n) {
    let j = params.col0 + col;
    v = i32(round(clamp(z[params.z_offset + row * params.z_stride + j] - shift[j], -2.0, 2.0) * 16777216.0));
  }
  q_out[i] = v;
}

/** For exactSums.wgsl's opaque(). */
fn opaque_zero() -> u32 {
  return params.zero;
}

/** Adds the integer a·2²⁶ + m·2¹³ + l (in units of 2⁻⁴⁸) to output k's pair, exactly cut into three float32s. */
fn fold(k: u32, a: i32, m: i32, l: i32) {
  // Carry the low sums up so each is below 2¹³: the integer is then a2·2²⁶ + (m1 mod 2¹³)·2¹³ + (l mod 2¹³), |a2| < 2³⁰.
  let m1 = m + (l >> 13u);
  let a2 = a + (m1 >> 13u);
  // a2's top (≤ 24 significant bits) as one float; its low 6 bits join the rest in r (< 2³², unsigned), split at
  // bit 8 into two floats.
  let top = a2 & ~0x3f;
  let r = (u32(a2 & 0x3f) << 26u) + (u32(m1 & 0x1fff) << 13u) + u32(l & 0x1fff);
  var t = two_sum(hi[k], f32(top) * (UNIT * 67108864.0));
  var c = lo[k] + t.y;
  t = two_sum(t.x, f32(r & ~0xffu) * UNIT);
  c += t.y;
  t = two_sum(t.x, f32(r & 0xffu) * UNIT);
  c += t.y;
  let n = two_sum(t.x, c);
  hi[k] = n.x;
  lo[k] = n.y;
}

/** Writes a block's sums for row i of a tile (a row past the last column writes nothing); sk holds Σ k_i k_j. */
fn fold_row(i: u32, j0: u32, sa: vec4<i32>, sk: vec4<i32>, sl: vec4<i32>) {
  let n = params.n;
  if (i >= n) { return; }
  let m = sk - sa - sl;
  for (var b = 0u; b < 4u; b++) {
    if (j0 + b < n) { fold(i * n + j0 + b, sa[b], m[b], sl[b]); }
  }
}

@compute @workgroup_size(WG)
fn gram(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let flat = flat_index(gid, groups);
  let p = params;
  // Tiles on and above the diagonal, row by row.
  let t = (p.n + 3u) / 4u;
  if (flat >= t * (t + 1u) / 2u) { return; }
  let tile = upper_triangle(flat, t);
  let ti = tile.x;
  let tj = tile.y;
  let i0 = ti * 4u;
  let j0 = tj * 4u;
  var r = 0u;
  // `gram` reads q from row z_offset on.
  var at = p.z_offset * t;
  while (r < p.rows) {
    let end = min(r + BLOCK, p.rows);
    // Row a of the tile against its four columns: sa Σ h·h, sk Σ k·k, sl Σ l·l.
    var sa0 = vec4<i32>(0); var sk0 = vec4<i32>(0); var sl0 = vec4<i32>(0);
    var sa1 = vec4<i32>(0); var sk1 = vec4<i32>(0); var sl1 = vec4<i32>(0);
    var sa2 = vec4<i32>(0); var sk2 = vec4<i32>(0); var sl2 = vec4<i32>(0);
    var sa3 = vec4<i32>(0); var sk3 = vec4<i32>(0); var sl3 = vec4<i32>(0);
    for (; r < end; r++) {
      let qi = q[at + ti];
      let qj = q[at + tj];
      at += t;
      let h_i = qi >> vec4<u32>(13u);
      let l_i = qi & vec4<i32>(0x1fff);
      let k_i = h_i + l_i;
      let h_j = qj >> vec4<u32>(13u);
      let l_j = qj & vec4<i32>(0x1fff);
      let k_j = h_j + l_j;
      sa0 += h_i.x * h_j; sk0 += k_i.x * k_j; sl0 += l_i.x * l_j;
      sa1 += h_i.y * h_j; sk1 += k_i.y * k_j; sl1 += l_i.y * l_j;
      sa2 += h_i.z * h_j; sk2 += k_i.z * k_j; sl2 += l_i.z * l_j;
      sa3 += h_i.w * h_j; sk3 += k_i.w * k_j; sl3 += l_i.w * l_j;
    }
    fold_row(i0, j0, sa0, sk0, sl0);
    fold_row(i0 + 1u, j0, sa1, sk1, sl1);
    fold_row(i0 + 2u, j0, sa2, sk2, sl2);
    fold_row(i0 + 3u, j0, sa3, sk3, sl3);
  }
}
