// spectralRadius.wgsl — the spectral radius ρ(W) of a square matrix by power iteration, all iterations in one
// dispatch of one workgroup. CPU twin: src/reference/spectralRadius.ts.
//
//   v_{i+1} = v_i·W / g_i,   g_i = ‖v_i·W‖₂,   ρ ≈ exp( mean of log g_i over the iterations from average_from )
//
// ‖v·W^k‖^(1/k) tends to ρ(W) whatever the dominant eigenvalue is: a real one, or a complex pair (the usual case
// for a random reservoir), where v·W^k turns in a plane and no single Rayleigh quotient converges. Averaging the
// log growth over the second half of the iterations removes the start vector's transient; what is left is the
// pair's turning, whose effect shrinks as 1/(iterations − average_from).
//
// Invocation l of the workgroup owns columns j = l, l + WG, ...; v ping-pongs between the two halves of `v`
// ([2, units], the host writes the start vector into the first); the norm is a workgroup tree reduction. A zero
// product (a nilpotent or empty matrix) stops the loop with result = [0, 1].
//
// Bindings: 0 params · 1 matrix [units, units] (read) · 2 v [2, units] (rw) · 3 result [2] (write: mean log growth,
// zero flag)

struct RadiusParams {
  units: u32,
  iterations: u32,
  average_from: u32,
}

@group(0) @binding(0) var<uniform> params: RadiusParams;
@group(0) @binding(1) var<storage, read> matrix: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> result: array<f32>;

/** Room for a workgroup of up to 256 invocations (WG a power of two: the reduction halves it). */
var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) l: u32) {
  let u = params.units;
  var log_sum = 0.0;
  for (var it = 0u; it < params.iterations; it++) {
    let src = (it % 2u) * u;
    let dst = u - src;
    var squares = 0.0;
    for (var j = l; j < u; j += WG) {
      var s = 0.0;
      for (var k = 0u; k < u; k++) { s = fma(v[src + k], matrix[k * u + j], s); }
      v[dst + j] = s;
      squares = fma(s, s, squares);
    }
    partial[l] = squares;
    workgroupBarrier();
    for (var half = WG / 2u; half > 0u; half /= 2u) {
      if (l < half) { partial[l] += partial[l + half]; }
      workgroupBarrier();
    }
    // Uniform across the workgroup (it loads after a barrier), so the early return below keeps barriers uniform.
    let norm = sqrt(workgroupUniformLoad(&partial[0]));
    if (norm == 0.0) {
      if (l == 0u) { result[0] = 0.0; result[1] = 1.0; }
      return;
    }
    for (var j = l; j < u; j += WG) { v[dst + j] /= norm; }
    if (it >= params.average_from) { log_sum += log(norm); }
    storageBarrier();
  }
  if (l == 0u) {
    result[0] = log_sum / f32(params.iterations - params.average_from);
    result[1] = 0.0;
  }
}
