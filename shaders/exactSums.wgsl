// exactSums.wgsl — what the ridge readout's sums share (shaders/crossProducts.wgsl, shaders/quantizedGram.wgsl):
// Knuth's two-sum in float32 on a compiler that reassociates floats, and the index of the upper triangle they
// compute a Gram matrix over. Included by both; their CPU twins (src/reference/crossProducts.ts,
// src/reference/quantizedGram.ts) are float64 sums, which is what these make float32 reach.
//
// A shader that includes this file defines `fn opaque_zero() -> u32`, returning a uniform that is 0 at run time.

/**
 * v itself, in a way no compiler can see through: an xor with a uniform that is 0 at run time. Two-sum's error term
 * is 0 in real arithmetic, and a compiler that reassociates floats (SwiftShader's does: crossProducts.gpu.test.ts
 * measured float32 accuracy without this) folds it away; each rounded result must be a value it cannot reason about.
 */
fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) ^ opaque_zero());
}

/** (s, e) with s + e = x + y exactly (Knuth's two-sum, no branch). */
fn two_sum(x: f32, y: f32) -> vec2<f32> {
  let s = opaque(x + y);
  let v = opaque(s - x);
  return vec2<f32>(s, (x - opaque(s - v)) + (y - v));
}

/**
 * Entry `flat` of an n × n upper triangle (i ≤ j) numbered row by row, as (i, j): row i starts at i·n − i(i−1)/2.
 * The caller checks flat < n(n + 1)/2.
 */
fn upper_triangle(flat: u32, n: u32) -> vec2<u32> {
  let m = f32(2u * n + 1u);
  var i = u32(max(0.0, floor((m - sqrt(m * m - 8.0 * f32(flat))) / 2.0)));
  // The float estimate can be one off either way near a row's end.
  if (i > 0u && i * n - i * (i - 1u) / 2u > flat) { i -= 1u; }
  if ((i + 1u) * n - (i + 1u) * i / 2u <= flat) { i += 1u; }
  return vec2<u32>(i, i + (flat - (i * n - i * (i - 1u) / 2u)));
}
