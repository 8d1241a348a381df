// lstmWeightGrad.wgsl — the three weight gradients of an LSTM backward pass in one dispatch, from the
// gate-interleaved gate gradients of lstmStepVec4.wgsl:
//
//   dU[i, g·u + j] = Σ_r h_prev[r, i] · dG[r, j][g]      (i < u:  recurrent kernel, [u, 4u] Keras order)
//   dW[f, g·u + j] = Σ_r x[r, f]      · dG[r, j][g]      (f < F:  input kernel,     [F, 4u] Keras order)
//   db[g·u + j]    = Σ_r               dG[r, j][g]       (bias,                     [4u] Keras order)
//
// over the R = T·B rows r of every timestep and batch row. That is one product A'ᵀ·dG with A' = [h_prev | x | 1]
// ([R, u + F + 1]), so the long-K, small-M·N products dU = Hᵀ·dG, dW = Xᵀ·dG and the column sum share a
// dispatch and their loads of dG. A row of dG is [u] vec4 (gates i, f, g, o of unit j), `dg` reads it as vec4s.
//
// Each invocation owns 4 rows of A' (4 h units, or 4 of the F features and the bias row) × UNITS_PER units
// (4·UNITS_PER columns of dG) and walks all R rows in order (deterministic, no atomics): per r it loads 4
// scalars of h or x and UNITS_PER vec4s of dG for 16·UNITS_PER FMAs. The row blocks are numbered h first (⌈u/4⌉
// blocks, rows past u clamped and never stored), then x and the bias row (⌈(F+1)/4⌉ blocks: row F of that part
// is the constant 1, rows past it 0); a block reads one buffer only, so the choice is once per invocation.
// The blocks of one row block are consecutive invocations (unit block fastest), so a SIMD group agrees on it.
//
// Why not the GEMM: at the Keras tutorial's shape (u = 50, F = 1, R = 1920) dU is 50×200×1920 with A's rows
// (50 floats) not vec4-aligned, in seven 64×32 tiles for two cores, dW is 1×200×1920 in one tile, and the
// bias column sum (entry bias_grad of lstmStepVec4.wgsl) is one workgroup; here they are ~180 small
// invocations. The measurements are in src/kernels/lstmStep.ts (recordLstmBackward). Reading h as aligned
// vec4s where u is a multiple of 4 (1 load for 4 scalars) measured no faster at u = 128 and 256 and was dropped.
//
// Bindings: 0 params (uniform) · 1 h (read: the states) · 2 x (read) · 3 dg vec4 (read: dG [R, u])
//           4 du · 5 dw · 6 db (rw)

struct WeightGradParams {
  rows: u32,
  units: u32,
  features: u32,
  /** Float offsets of h_prev's row 0 in h and of x's row 0 in x. */
  h_offset: u32,
  x_offset: u32,
}


/** A' rows of the h part: u rounded up to the block's rows. */
fn h_rows(span: u32) -> u32 {
  return ((params.units + span - 1u) / span) * span;
}

@group(0) @binding(0) var<uniform> params: WeightGradParams;
@group(0) @binding(1) var<storage, read> h: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> dg: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> du: array<f32>;
@group(0) @binding(5) var<storage, read_write> dw: array<f32>;
@group(0) @binding(6) var<storage, read_write> db: array<f32>;

/** Stores the 4 gate sums of A' row `row` (h part first, then x and the bias row) for unit j, Keras order. */
fn store_row_span(row: u32, j: u32, v: vec4<f32>, span: u32) {
  let p = params;
  let u = p.units;
  if (j >= u) { return; }
  let hrows = h_rows(span);
  if (row < hrows) {
    if (row >= u) { return; }
    let base = row * 4u * u + j;
    du[base] = v.x;
    du[base + u] = v.y;
    du[base + 2u * u] = v.z;
    du[base + 3u * u] = v.w;
    return;
  }
  let f = row - hrows;
  if (f < p.features) {
    let base = f * 4u * u + j;
    dw[base] = v.x;
    dw[base + u] = v.y;
    dw[base + 2u * u] = v.z;
    dw[base + 3u * u] = v.w;
  } else if (f == p.features) {
    db[j] = v.x;
    db[u + j] = v.y;
    db[2u * u + j] = v.z;
    db[3u * u + j] = v.w;
  }
}

/** 4 consecutive A' rows from `first` (A' numbering: h rows padded to a multiple of `span`, then x and the bias row): the column of h or x each reads (clamped), or in the x part whether it is x (kind 1), the bias row's one (2) or padding (0). */
struct Rows {
  first: u32,
  is_h: bool,
  col: vec4<u32>,
  kind: vec4<u32>,
}

fn rows_at(first: u32, span: u32) -> Rows {
  let p = params;
  let hrows = h_rows(span);
  var out: Rows;
  out.first = first;
  let i = vec4<u32>(0u, 1u, 2u, 3u);
  if (first < hrows) {
    out.is_h = true;
    out.col = min(vec4<u32>(first) + i, vec4<u32>(p.units - 1u));
    out.kind = vec4<u32>(1u);
  } else {
    out.is_h = false;
    let f = vec4<u32>(first - hrows) + i;
    out.col = min(f, vec4<u32>(max(p.features, 1u) - 1u));
    out.kind = select(select(vec4<u32>(0u), vec4<u32>(2u), f == vec4<u32>(p.features)), vec4<u32>(1u), f < vec4<u32>(p.features));
  }
  return out;
}

fn rows_of(rb: u32) -> Rows {
  return rows_at(rb * 4u, 4u);
}

fn store_row(row: u32, j: u32, v: vec4<f32>) {
  store_row_span(row, j, v, 4u);
}

/** A' rows `rw.col` of dataset row r. */
fn a_values(rw: Rows, r: u32) -> vec4<f32> {
  let p = params;
  if (rw.is_h) {
    let base = p.h_offset + r * p.units;
    return vec4<f32>(h[base + rw.col.x], h[base + rw.col.y], h[base + rw.col.z], h[base + rw.col.w]);
  }
  let base = p.x_offset + r * p.features;
  let xv = vec4<f32>(x[base + rw.col.x], x[base + rw.col.y], x[base + rw.col.z], x[base + rw.col.w]);
  return select(select(vec4<f32>(0.0), vec4<f32>(1.0), rw.kind == vec4<u32>(2u)), xv, rw.kind == vec4<u32>(1u));
}



/** 4 rows × 4 units (16 columns of dG): per dataset row 4 h/x scalars and 4 dG vec4s for 64 FMAs. */
@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let idx = gid.x + gid.y * groups.x * WG;
  let ublocks = (p.units + 3u) / 4u;
  let rblocks = h_rows(4u) / 4u + (p.features + 4u) / 4u;
  if (idx >= ublocks * rblocks) { return; }
  let first = (idx / ublocks) * 4u;
  let rw0 = rows_at(first + 0u, 4u);
  let xm0 = select(vec4<f32>(0.0), vec4<f32>(1.0), rw0.kind == vec4<u32>(1u));
  let one0 = select(vec4<f32>(0.0), vec4<f32>(1.0), rw0.kind == vec4<u32>(2u));
  let j0 = (idx % ublocks) * 4u;
  let last = p.units - 1u;
  let j1 = min(j0 + 1u, last);
  let j2 = min(j0 + 2u, last);
  let j3 = min(j0 + 3u, last);
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var b0 = vec4<f32>(0.0);
  var b1 = vec4<f32>(0.0);
  var b2 = vec4<f32>(0.0);
  var b3 = vec4<f32>(0.0);
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  var d0 = vec4<f32>(0.0);
  var d1 = vec4<f32>(0.0);
  var d2 = vec4<f32>(0.0);
  var d3 = vec4<f32>(0.0);
  // One loop per part, so the choice of buffer is made once, not per row (SwiftShader would run both).
  if (rw0.is_h) {
    for (var r = 0u; r < p.rows; r++) {
      let hb = p.h_offset + r * p.units;
      let av0 = vec4<f32>(h[hb + rw0.col.x], h[hb + rw0.col.y], h[hb + rw0.col.z], h[hb + rw0.col.w]);
      let gb = r * p.units;
      let q0 = dg[gb + j0];
      let q1 = dg[gb + j1];
      let q2 = dg[gb + j2];
      let q3 = dg[gb + j3];
      a0 = fma(vec4<f32>(av0.x), q0, a0);
      a1 = fma(vec4<f32>(av0.y), q0, a1);
      a2 = fma(vec4<f32>(av0.z), q0, a2);
      a3 = fma(vec4<f32>(av0.w), q0, a3);
      b0 = fma(vec4<f32>(av0.x), q1, b0);
      b1 = fma(vec4<f32>(av0.y), q1, b1);
      b2 = fma(vec4<f32>(av0.z), q1, b2);
      b3 = fma(vec4<f32>(av0.w), q1, b3);
      c0 = fma(vec4<f32>(av0.x), q2, c0);
      c1 = fma(vec4<f32>(av0.y), q2, c1);
      c2 = fma(vec4<f32>(av0.z), q2, c2);
      c3 = fma(vec4<f32>(av0.w), q2, c3);
      d0 = fma(vec4<f32>(av0.x), q3, d0);
      d1 = fma(vec4<f32>(av0.y), q3, d1);
      d2 = fma(vec4<f32>(av0.z), q3, d2);
      d3 = fma(vec4<f32>(av0.w), q3, d3);
    }
  } else {
    for (var r = 0u; r < p.rows; r++) {
      let xb = p.x_offset + r * p.features;
      let av0 = fma(vec4<f32>(x[xb + rw0.col.x], x[xb + rw0.col.y], x[xb + rw0.col.z], x[xb + rw0.col.w]), xm0, one0);
      let gb = r * p.units;
      let q0 = dg[gb + j0];
      let q1 = dg[gb + j1];
      let q2 = dg[gb + j2];
      let q3 = dg[gb + j3];
      a0 = fma(vec4<f32>(av0.x), q0, a0);
      a1 = fma(vec4<f32>(av0.y), q0, a1);
      a2 = fma(vec4<f32>(av0.z), q0, a2);
      a3 = fma(vec4<f32>(av0.w), q0, a3);
      b0 = fma(vec4<f32>(av0.x), q1, b0);
      b1 = fma(vec4<f32>(av0.y), q1, b1);
      b2 = fma(vec4<f32>(av0.z), q1, b2);
      b3 = fma(vec4<f32>(av0.w), q1, b3);
      c0 = fma(vec4<f32>(av0.x), q2, c0);
      c1 = fma(vec4<f32>(av0.y), q2, c1);
      c2 = fma(vec4<f32>(av0.z), q2, c2);
      c3 = fma(vec4<f32>(av0.w), q2, c3);
      d0 = fma(vec4<f32>(av0.x), q3, d0);
      d1 = fma(vec4<f32>(av0.y), q3, d1);
      d2 = fma(vec4<f32>(av0.z), q3, d2);
      d3 = fma(vec4<f32>(av0.w), q3, d3);
    }
  }
  store_row_span(first + 0u, j0, a0, 4u);
  store_row_span(first + 1u, j0, a1, 4u);
  store_row_span(first + 2u, j0, a2, 4u);
  store_row_span(first + 3u, j0, a3, 4u);
  if (j0 + 1u <= last) {
    store_row_span(first + 0u, j1, b0, 4u);
    store_row_span(first + 1u, j1, b1, 4u);
    store_row_span(first + 2u, j1, b2, 4u);
    store_row_span(first + 3u, j1, b3, 4u);
  }
  if (j0 + 2u <= last) {
    store_row_span(first + 0u, j2, c0, 4u);
    store_row_span(first + 1u, j2, c1, 4u);
    store_row_span(first + 2u, j2, c2, 4u);
    store_row_span(first + 3u, j2, c3, 4u);
  }
  if (j0 + 3u <= last) {
    store_row_span(first + 0u, j3, d0, 4u);
    store_row_span(first + 1u, j3, d1, 4u);
    store_row_span(first + 2u, j3, d2, 4u);
    store_row_span(first + 3u, j3, d3, 4u);
  }
}

/** 8 rows × 4 units (16 columns of dG): per dataset row 8 h/x scalars and 4 dG vec4s for 128 FMAs. */
@compute @workgroup_size(WG)
fn main8x4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = params;
  let idx = gid.x + gid.y * groups.x * WG;
  let ublocks = (p.units + 3u) / 4u;
  let rblocks = h_rows(8u) / 8u + (p.features + 8u) / 8u;
  if (idx >= ublocks * rblocks) { return; }
  let first = (idx / ublocks) * 8u;
  let rw0 = rows_at(first + 0u, 8u);
  let xm0 = select(vec4<f32>(0.0), vec4<f32>(1.0), rw0.kind == vec4<u32>(1u));
  let one0 = select(vec4<f32>(0.0), vec4<f32>(1.0), rw0.kind == vec4<u32>(2u));
  let rw1 = rows_at(first + 4u, 8u);
  let xm1 = select(vec4<f32>(0.0), vec4<f32>(1.0), rw1.kind == vec4<u32>(1u));
  let one1 = select(vec4<f32>(0.0), vec4<f32>(1.0), rw1.kind == vec4<u32>(2u));
  let j0 = (idx % ublocks) * 4u;
  let last = p.units - 1u;
  let j1 = min(j0 + 1u, last);
  let j2 = min(j0 + 2u, last);
  let j3 = min(j0 + 3u, last);
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0);
  var b0 = vec4<f32>(0.0);
  var b1 = vec4<f32>(0.0);
  var b2 = vec4<f32>(0.0);
  var b3 = vec4<f32>(0.0);
  var b4 = vec4<f32>(0.0);
  var b5 = vec4<f32>(0.0);
  var b6 = vec4<f32>(0.0);
  var b7 = vec4<f32>(0.0);
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  var c4 = vec4<f32>(0.0);
  var c5 = vec4<f32>(0.0);
  var c6 = vec4<f32>(0.0);
  var c7 = vec4<f32>(0.0);
  var d0 = vec4<f32>(0.0);
  var d1 = vec4<f32>(0.0);
  var d2 = vec4<f32>(0.0);
  var d3 = vec4<f32>(0.0);
  var d4 = vec4<f32>(0.0);
  var d5 = vec4<f32>(0.0);
  var d6 = vec4<f32>(0.0);
  var d7 = vec4<f32>(0.0);
  // One loop per part, so the choice of buffer is made once, not per row (SwiftShader would run both).
  if (rw0.is_h) {
    for (var r = 0u; r < p.rows; r++) {
      let hb = p.h_offset + r * p.units;
      let av0 = vec4<f32>(h[hb + rw0.col.x], h[hb + rw0.col.y], h[hb + rw0.col.z], h[hb + rw0.col.w]);
      let av1 = vec4<f32>(h[hb + rw1.col.x], h[hb + rw1.col.y], h[hb + rw1.col.z], h[hb + rw1.col.w]);
      let gb = r * p.units;
      let q0 = dg[gb + j0];
      let q1 = dg[gb + j1];
      let q2 = dg[gb + j2];
      let q3 = dg[gb + j3];
      a0 = fma(vec4<f32>(av0.x), q0, a0);
      a1 = fma(vec4<f32>(av0.y), q0, a1);
      a2 = fma(vec4<f32>(av0.z), q0, a2);
      a3 = fma(vec4<f32>(av0.w), q0, a3);
      a4 = fma(vec4<f32>(av1.x), q0, a4);
      a5 = fma(vec4<f32>(av1.y), q0, a5);
      a6 = fma(vec4<f32>(av1.z), q0, a6);
      a7 = fma(vec4<f32>(av1.w), q0, a7);
      b0 = fma(vec4<f32>(av0.x), q1, b0);
      b1 = fma(vec4<f32>(av0.y), q1, b1);
      b2 = fma(vec4<f32>(av0.z), q1, b2);
      b3 = fma(vec4<f32>(av0.w), q1, b3);
      b4 = fma(vec4<f32>(av1.x), q1, b4);
      b5 = fma(vec4<f32>(av1.y), q1, b5);
      b6 = fma(vec4<f32>(av1.z), q1, b6);
      b7 = fma(vec4<f32>(av1.w), q1, b7);
      c0 = fma(vec4<f32>(av0.x), q2, c0);
      c1 = fma(vec4<f32>(av0.y), q2, c1);
      c2 = fma(vec4<f32>(av0.z), q2, c2);
      c3 = fma(vec4<f32>(av0.w), q2, c3);
      c4 = fma(vec4<f32>(av1.x), q2, c4);
      c5 = fma(vec4<f32>(av1.y), q2, c5);
      c6 = fma(vec4<f32>(av1.z), q2, c6);
      c7 = fma(vec4<f32>(av1.w), q2, c7);
      d0 = fma(vec4<f32>(av0.x), q3, d0);
      d1 = fma(vec4<f32>(av0.y), q3, d1);
      d2 = fma(vec4<f32>(av0.z), q3, d2);
      d3 = fma(vec4<f32>(av0.w), q3, d3);
      d4 = fma(vec4<f32>(av1.x), q3, d4);
      d5 = fma(vec4<f32>(av1.y), q3, d5);
      d6 = fma(vec4<f32>(av1.z), q3, d6);
      d7 = fma(vec4<f32>(av1.w), q3, d7);
    }
  } else {
    for (var r = 0u; r < p.rows; r++) {
      let xb = p.x_offset + r * p.features;
      let av0 = fma(vec4<f32>(x[xb + rw0.col.x], x[xb + rw0.col.y], x[xb + rw0.col.z], x[xb + rw0.col.w]), xm0, one0);
      let av1 = fma(vec4<f32>(x[xb + rw1.col.x], x[xb + rw1.col.y], x[xb + rw1.col.z], x[xb + rw1.col.w]), xm1, one1);
      let gb = r * p.units;
      let q0 = dg[gb + j0];
      let q1 = dg[gb + j1];
      let q2 = dg[gb + j2];
      let q3 = dg[gb + j3];
      a0 = fma(vec4<f32>(av0.x), q0, a0);
      a1 = fma(vec4<f32>(av0.y), q0, a1);
      a2 = fma(vec4<f32>(av0.z), q0, a2);
      a3 = fma(vec4<f32>(av0.w), q0, a3);
      a4 = fma(vec4<f32>(av1.x), q0, a4);
      a5 = fma(vec4<f32>(av1.y), q0, a5);
      a6 = fma(vec4<f32>(av1.z), q0, a6);
      a7 = fma(vec4<f32>(av1.w), q0, a7);
      b0 = fma(vec4<f32>(av0.x), q1, b0);
      b1 = fma(vec4<f32>(av0.y), q1, b1);
      b2 = fma(vec4<f32>(av0.z), q1, b2);
      b3 = fma(vec4<f32>(av0.w), q1, b3);
      b4 = fma(vec4<f32>(av1.x), q1, b4);
      b5 = fma(vec4<f32>(av1.y), q1, b5);
      b6 = fma(vec4<f32>(av1.z), q1, b6);
      b7 = fma(vec4<f32>(av1.w), q1, b7);
      c0 = fma(vec4<f32>(av0.x), q2, c0);
      c1 = fma(vec4<f32>(av0.y), q2, c1);
      c2 = fma(vec4<f32>(av0.z), q2, c2);
      c3 = fma(vec4<f32>(av0.w), q2, c3);
      c4 = fma(vec4<f32>(av1.x), q2, c4);
      c5 = fma(vec4<f32>(av1.y), q2, c5);
      c6 = fma(vec4<f32>(av1.z), q2, c6);
      c7 = fma(vec4<f32>(av1.w), q2, c7);
      d0 = fma(vec4<f32>(av0.x), q3, d0);
      d1 = fma(vec4<f32>(av0.y), q3, d1);
      d2 = fma(vec4<f32>(av0.z), q3, d2);
      d3 = fma(vec4<f32>(av0.w), q3, d3);
      d4 = fma(vec4<f32>(av1.x), q3, d4);
      d5 = fma(vec4<f32>(av1.y), q3, d5);
      d6 = fma(vec4<f32>(av1.z), q3, d6);
      d7 = fma(vec4<f32>(av1.w), q3, d7);
    }
  }
  store_row_span(first + 0u, j0, a0, 8u);
  store_row_span(first + 1u, j0, a1, 8u);
  store_row_span(first + 2u, j0, a2, 8u);
  store_row_span(first + 3u, j0, a3, 8u);
  store_row_span(first + 4u, j0, a4, 8u);
  store_row_span(first + 5u, j0, a5, 8u);
  store_row_span(first + 6u, j0, a6, 8u);
  store_row_span(first + 7u, j0, a7, 8u);
  if (j0 + 1u <= last) {
    store_row_span(first + 0u, j1, b0, 8u);
    store_row_span(first + 1u, j1, b1, 8u);
    store_row_span(first + 2u, j1, b2, 8u);
    store_row_span(first + 3u, j1, b3, 8u);
    store_row_span(first + 4u, j1, b4, 8u);
    store_row_span(first + 5u, j1, b5, 8u);
    store_row_span(first + 6u, j1, b6, 8u);
    store_row_span(first + 7u, j1, b7, 8u);
  }
  if (j0 + 2u <= last) {
    store_row_span(first + 0u, j2, c0, 8u);
    store_row_span(first + 1u, j2, c1, 8u);
    store_row_span(first + 2u, j2, c2, 8u);
    store_row_span(first + 3u, j2, c3, 8u);
    store_row_span(first + 4u, j2, c4, 8u);
    store_row_span(first + 5u, j2, c5, 8u);
    store_row_span(first + 6u, j2, c6, 8u);
    store_row_span(first + 7u, j2, c7, 8u);
  }
  if (j0 + 3u <= last) {
    store_row_span(first + 0u, j3, d0, 8u);
    store_row_span(first + 1u, j3, d1, 8u);
    store_row_span(first + 2u, j3, d2, 8u);
    store_row_span(first + 3u, j3, d3, 8u);
    store_row_span(first + 4u, j3, d4, 8u);
    store_row_span(first + 5u, j3, d5, 8u);
    store_row_span(first + 6u, j3, d6, 8u);
    store_row_span(first + 7u, j3, d7, 8u);
  }
}
