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
// Each invocation owns SPAN rows of A' (SPAN = 4 in entry main4x4, 8 in main8x4: h units, or F features and the
// bias row) × 4 units (16 columns of dG) and walks all R rows in order (deterministic, no atomics): per r it
// loads SPAN scalars of h or x and 4 vec4s of dG for 16·SPAN FMAs. The row blocks are numbered h first (⌈u/SPAN⌉
// blocks, rows past u clamped and never stored), then x and the bias row (⌈(F+1)/SPAN⌉ blocks: row F of that part
// is the constant 1, rows past it 0); a block reads one buffer only, so the choice is once per invocation.
// The blocks of one row block are consecutive invocations (unit block fastest), so a SIMD group agrees on it.
// The entry points are written out by shaders/blocks/gemm.ts (lstmWeightGradEntry).
//
// Why not the GEMM: at the Keras tutorial's shape (u = 50, F = 1, R = 1920) dU is 50×200×1920 with A's rows
// (50 floats) not vec4-aligned, in seven 64×32 tiles for two cores, dW is 1×200×1920 in one tile, and the
// bias column sum (entry bias_grad of lstmStepVec4Pack.wgsl) is one workgroup; here they are ~180 small
// invocations. Where this kernel wins, and the block shapes tried, are in bench/results/gemm-kernels.md.
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

//! generate lstmWeightGradEntry {"entry": "main4x4", "rows": 4}

//! generate lstmWeightGradEntry {"entry": "main8x4", "rows": 8}
