// lstmStepVec4.wgsl — the LSTM of lstmStep.wgsl (same equations, same results), register-blocked and laid out
// for vec4 loads: every per-gate quantity is stored gate-interleaved, one vec4 (i, f, g, o) per (row, unit).
//
// Equations (Keras semantics, gate order i, f, c(g), o), as in lstmStep.wgsl:
//   forward   z = x_t·W + b + h_{t−1}·U;  i, f, o = σ(z);  g = act(z);  c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙act(c_t)
//   backward  dh_t = dy_t + Σ_k Σ_gate dG[t', b, gate, k]·U[j, gate, k]   (t' the step run after t; dh_T = dh_last)
//             do = dh·a·σ'(o), dc = dc_{t+1} + dh·o·act'(a), di = dc·g·σ'(i), df = dc·c_{t−1}·σ'(f),
//             dg = dc·i·act'(g), dc_{t−1} = dc·f                                           (a = act(c_t))
// States h and c are the same [T+1, batch, units] slots as in lstmStep.wgsl (direction.wgsl picks them), so the
// layer's outputs and the dU GEMM read h as before. What this variant changes is private to it:
//
//   interleaved layouts   Up[k, j] = (U[k, j], U[k, u+j], U[k, 2u+j], U[k, 3u+j]) — U with its columns reordered
//                         to 4j+gate — and likewise Wp [F, u] and bp [u] (entry `pack`, one dispatch per pass:
//                         the weights change with every optimizer step). With them the input GEMM X·Wp + bp
//                         writes xproj interleaved, [T, B, u] vec4; the saved gates and the gate gradients dG are
//                         [T, B, u] vec4 too. A step then reads or writes one vec4 where lstmStep.wgsl moves four
//                         scalars. The GEMMs after the backward loop read dG as the matrix [T·B, 4u] with columns
//                         4j+gate: dX = dG·Wpᵀ and dh0 = dG₀·Upᵀ need no change; dU = Hᵀ·dG, dW = Xᵀ·dG and db
//                         are stored back in Keras order: one dispatch of lstmWeightGrad.wgsl for few units, else
//                         GEMMs with gemmVec4.wgsl's permute_units and entry `bias_grad` (4 column sums per vec4).
//   fused input           with FUSED_INPUT (few features: the host decides) there is no input GEMM: a block's
//                         sums start at bp and take x_t's F features (`x_in`) like F more units of h, 4 x
//                         scalars and 4 Wp vec4s per feature, where reading xproj costs 16 vec4s per block.
//   compact h             each step also writes h_t into `scratch` as [batch, up] (up = units rounded up to 4,
//                         zero-padded), in two halves used in turn, so the next step reads h_{t−1} as vec4s
//                         over k. Entry `init_state` copies the initial state in.
//   4×4 blocks            an invocation owns batch rows b0..b0+3 × units j0..j0+3. Forward, per 4 k: 4 vec4 of
//                         h and 16 of Up (20 loads) for 256 FMAs; lstmStep.wgsl: 5 loads for 4 FMAs. Backward,
//                         per k: 4 vec4 of dG[t'] and 4 of Up (8 loads) for 64 FMAs.
//   8×4 blocks            entries forward8/backward8 (the host uses them for a batch of 8 or more): rows
//                         b0..b0+7, so each Up vec4 feeds twice the FMAs. Forward, per 4 k: 8 h + 16 Up vec4s
//                         (24 loads) for 512 FMAs; backward, per k: 8 dG + 4 Up (12 loads) for 128 FMAs.
// Rows past `batch`, units past `units` and k past `units` read clamped (valid) elements and are never stored;
// their products meet a zero (h padding) or are dropped. On SwiftShader every load is a per-lane gather and
// costs about as much as a dozen FMAs, so loads per FMA decide the speed; the measurements that chose this
// layout are in src/kernels/lstmStep.ts.
//
// `scratch` (vec4s): Up [u·u] at 0 · Wp [F·u] at wp · bp [u] at bp · compact h [2, batch, up/4] at hc.
// The steps bind it read-write (they write compact h), so they read Up through the same binding: WebGPU
// forbids binding one buffer both read-only and writable in a dispatch.
//
// Bindings, pack:        0 pack_params · 1 recurrent U [u, 4u] · 2 kernel W [F, 4u] · 3 bias [4u] (read)
//                        4 packed (rw: the scratch)
// Bindings, init_state:  0 init_params · 5 h_init (read: the states) · 4 packed (rw)
// Bindings, forward:     0 params · 6 xproj [T, B, u] vec4 (read) · 20 x_in [T, B, F] (read) · 7 h (rw) · 8 c (rw)
//                        9 gates vec4 (rw) · 10 scratch (rw)      (xproj is unused with FUSED_INPUT, x_in without)
// Bindings, backward:    0 back_params · 11 packed_b (read: the scratch) · 12 saved_gates vec4 (read)
//                        13 saved_c (read) · 14 dy (read) · 15 dh_last (read) · 16 dc (rw) · 17 dgates vec4 (rw)
// Bindings, bias_grad:   0 bias_params · 18 dg_sum vec4 (read: dgates) · 19 db [4u] (rw)
//
//! include activations direction

struct PackParams {
  units: u32,
  features: u32,
  /** vec4 offsets of Wp and bp in `packed`. */
  wp: u32,
  bp: u32,
}

struct InitParams {
  batch: u32,
  units: u32,
  /** Float offset of the initial state's slot in h_init. */
  h_offset: u32,
  /** vec4 offset of the compact-h half the first step reads. */
  hc: u32,
}

struct StepParams {
  t: u32,
  batch: u32,
  units: u32,
  /** vec4 offsets of the compact-h halves this step reads (h_{t−1}) and writes (h_t). */
  hc_read: u32,
  hc_write: u32,
  /** FUSED_INPUT only: features, x's float offset in x_in, and the vec4 offsets of Wp and bp in scratch. */
  features: u32,
  x_offset: u32,
  wp: u32,
  bp: u32,
}

struct BackParams {
  t: u32,
  batch: u32,
  units: u32,
  timesteps: u32,
  dy_is_sequence: u32,
}

struct BiasParams {
  rows: u32,
  units: u32,
}

override ACTIVATION: u32 = 0u;
override RECURRENT_ACTIVATION: u32 = 2u;
override FUSED_INPUT: bool = false;

@group(0) @binding(0) var<uniform> pack_params: PackParams;
@group(0) @binding(1) var<storage, read> recurrent: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> packed: array<vec4<f32>>;

@group(0) @binding(0) var<uniform> init_params: InitParams;
@group(0) @binding(5) var<storage, read> h_init: array<f32>;

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(6) var<storage, read> xproj: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> h: array<f32>;
@group(0) @binding(8) var<storage, read_write> c: array<f32>;
@group(0) @binding(9) var<storage, read_write> gates: array<vec4<f32>>;
@group(0) @binding(10) var<storage, read_write> scratch: array<vec4<f32>>;
@group(0) @binding(20) var<storage, read> x_in: array<f32>;

@group(0) @binding(0) var<uniform> back_params: BackParams;
@group(0) @binding(11) var<storage, read> packed_b: array<vec4<f32>>;
@group(0) @binding(12) var<storage, read> saved_gates: array<vec4<f32>>;
@group(0) @binding(13) var<storage, read> saved_c: array<f32>;
@group(0) @binding(14) var<storage, read> dy: array<f32>;
@group(0) @binding(15) var<storage, read> dh_last: array<f32>;
@group(0) @binding(16) var<storage, read_write> dc: array<f32>;
@group(0) @binding(17) var<storage, read_write> dgates: array<vec4<f32>>;

@group(0) @binding(0) var<uniform> bias_params: BiasParams;
@group(0) @binding(18) var<storage, read> dg_sum: array<vec4<f32>>;
@group(0) @binding(19) var<storage, read_write> db: array<f32>;


/** Up (u·u vec4s), then Wp (F·u), then bp (u): one invocation per vec4. */
@compute @workgroup_size(WG)
fn pack(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let pp = pack_params;
  let u = pp.units;
  if (idx < u * u) {
    let row = (idx / u) * 4u * u + idx % u;
    packed[idx] = vec4<f32>(recurrent[row], recurrent[row + u], recurrent[row + 2u * u], recurrent[row + 3u * u]);
  } else if (idx < u * u + pp.features * u) {
    let i = idx - u * u;
    let row = (i / u) * 4u * u + i % u;
    packed[pp.wp + i] = vec4<f32>(kernel[row], kernel[row + u], kernel[row + 2u * u], kernel[row + 3u * u]);
  } else if (idx < u * u + pp.features * u + u) {
    let j = idx - u * u - pp.features * u;
    packed[pp.bp + j] = vec4<f32>(bias[j], bias[j + u], bias[j + 2u * u], bias[j + 3u * u]);
  }
}

/**
 * Compact h: the first half [batch, up] from the initial state slot, the second zeros. Both are zero past
 * `units`, and stay so: the steps write only units < `units`. One invocation per vec4.
 */
@compute @workgroup_size(WG)
fn init_state(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let ip = init_params;
  let quads = (ip.units + 3u) / 4u;
  if (idx >= 2u * ip.batch * quads) { return; }
  var v = vec4<f32>(0.0);
  if (idx < ip.batch * quads) {
    let b = idx / quads;
    let j = (idx % quads) * 4u;
    for (var q = 0u; q < 4u; q++) {
      if (j + q < ip.units) { v[q] = h_init[ip.h_offset + b * ip.units + j + q]; }
    }
  }
  packed[ip.hc + idx] = v;
}

/** The invocation's block: first batch row and first unit, from the flat index (units fastest). */
fn block_origin(idx: u32, units: u32) -> vec2<u32> {
  let unit_blocks = (units + 3u) / 4u;
  return vec2<u32>((idx / unit_blocks) * 4u, (idx % unit_blocks) * 4u);
}

/** Forward cell update of one (b, j) at step p.t from its recurrent sum `zr` (gates i, f, g, o), if (b, j) exists. */
fn forward_cell(p: StepParams, b: u32, j: u32, zr: vec4<f32>) {
  let units = p.units;
  if (b >= p.batch || j >= units) { return; }
  let at = (p.t * p.batch + b) * units + j;
  var z = zr;
  if (!FUSED_INPUT) { z += xproj[at]; }
  let gate = vec4<f32>(act(z.x, RECURRENT_ACTIVATION), act(z.y, RECURRENT_ACTIVATION), act(z.z, ACTIVATION), act(z.w, RECURRENT_ACTIVATION));
  let prev = (prev_slot(p.t) * p.batch + b) * units + j;
  let next = (next_slot(p.t) * p.batch + b) * units + j;
  let c_t = gate.y * c[prev] + gate.x * gate.z;
  let h_t = gate.w * act(c_t, ACTIVATION);
  c[next] = c_t;
  h[next] = h_t;
  gates[at] = gate;
  scratch[p.hc_write + b * ((units + 3u) / 4u) + j / 4u][j % 4u] = h_t;
}

/** One forward step of the 4×4 block at (batch row b0, unit j0): recurrent sums, then the 16 cell updates. */
fn forward_block(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let x0 = p.hc_read + b0 * quads;
  let x1 = p.hc_read + min(b0 + 1u, last_b) * quads;
  let x2 = p.hc_read + min(b0 + 2u, last_b) * quads;
  let x3 = p.hc_read + min(b0 + 3u, last_b) * quads;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  // z<r><q>: the recurrent sums (i, f, g, o) of row b0+r, unit j0+q. Sixteen named vec4 registers updated with
  // fma (mat4x4 accumulators updated as mat·scalar ran ~25 % slower on SwiftShader).
  var z00 = vec4<f32>(0.0); var z01 = vec4<f32>(0.0); var z02 = vec4<f32>(0.0); var z03 = vec4<f32>(0.0);
  var z10 = vec4<f32>(0.0); var z11 = vec4<f32>(0.0); var z12 = vec4<f32>(0.0); var z13 = vec4<f32>(0.0);
  var z20 = vec4<f32>(0.0); var z21 = vec4<f32>(0.0); var z22 = vec4<f32>(0.0); var z23 = vec4<f32>(0.0);
  var z30 = vec4<f32>(0.0); var z31 = vec4<f32>(0.0); var z32 = vec4<f32>(0.0); var z33 = vec4<f32>(0.0);
  if (FUSED_INPUT) {
    // x_t·W + b as F more rows of the same product: the sums start at bp and take x's features like h's units.
    let b0v = scratch[p.bp + q.x];
    let b1v = scratch[p.bp + q.y];
    let b2v = scratch[p.bp + q.z];
    let b3v = scratch[p.bp + q.w];
    z00 = b0v; z01 = b1v; z02 = b2v; z03 = b3v;
    z10 = b0v; z11 = b1v; z12 = b2v; z13 = b3v;
    z20 = b0v; z21 = b1v; z22 = b2v; z23 = b3v;
    z30 = b0v; z31 = b1v; z32 = b2v; z33 = b3v;
    let rows = p.x_offset + p.t * p.batch * p.features;
    let r0 = rows + b0 * p.features;
    let r1 = rows + min(b0 + 1u, last_b) * p.features;
    let r2 = rows + min(b0 + 2u, last_b) * p.features;
    let r3 = rows + min(b0 + 3u, last_b) * p.features;
    for (var f = 0u; f < p.features; f++) {
      let row = p.wp + f * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(x_in[r0 + f]);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(x_in[r1 + f]);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(x_in[r2 + f]);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(x_in[r3 + f]);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
    }
  }
  for (var kq = 0u; kq < quads; kq++) {
    // h_{t−1} of the four rows at k = 4kq .. 4kq+3 (zero past `units`).
    let hv0 = scratch[x0 + kq];
    let hv1 = scratch[x1 + kq];
    let hv2 = scratch[x2 + kq];
    let hv3 = scratch[x3 + kq];
    // k = 4kq + 0 .. 3, unrolled: indexing hv by a loop variable (a dynamic vector index) ran the forward pass
    // ~20 % slower on SwiftShader.
    {
      let row = min(kq * 4u + 0u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.x);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.x);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.x);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.x);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
    }
    {
      let row = min(kq * 4u + 1u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.y);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.y);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.y);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.y);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
    }
    {
      let row = min(kq * 4u + 2u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.z);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.z);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.z);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.z);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
    }
    {
      let row = min(kq * 4u + 3u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.w);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.w);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.w);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.w);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
    }
  }
  forward_cell(p, b0, j0, z00);
  forward_cell(p, b0, j0 + 1u, z01);
  forward_cell(p, b0, j0 + 2u, z02);
  forward_cell(p, b0, j0 + 3u, z03);
  forward_cell(p, b0 + 1u, j0, z10);
  forward_cell(p, b0 + 1u, j0 + 1u, z11);
  forward_cell(p, b0 + 1u, j0 + 2u, z12);
  forward_cell(p, b0 + 1u, j0 + 3u, z13);
  forward_cell(p, b0 + 2u, j0, z20);
  forward_cell(p, b0 + 2u, j0 + 1u, z21);
  forward_cell(p, b0 + 2u, j0 + 2u, z22);
  forward_cell(p, b0 + 2u, j0 + 3u, z23);
  forward_cell(p, b0 + 3u, j0, z30);
  forward_cell(p, b0 + 3u, j0 + 1u, z31);
  forward_cell(p, b0 + 3u, j0 + 2u, z32);
  forward_cell(p, b0 + 3u, j0 + 3u, z33);
}

/** As forward_block for an 8×4 block (batch rows b0..b0+7): 4 Up vec4s feed 32 vec4 FMAs per k. */
fn forward_block8(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let quads = (units + 3u) / 4u;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let x0 = p.hc_read + min(b0 + 0u, last_b) * quads;
  let x1 = p.hc_read + min(b0 + 1u, last_b) * quads;
  let x2 = p.hc_read + min(b0 + 2u, last_b) * quads;
  let x3 = p.hc_read + min(b0 + 3u, last_b) * quads;
  let x4 = p.hc_read + min(b0 + 4u, last_b) * quads;
  let x5 = p.hc_read + min(b0 + 5u, last_b) * quads;
  let x6 = p.hc_read + min(b0 + 6u, last_b) * quads;
  let x7 = p.hc_read + min(b0 + 7u, last_b) * quads;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  var z00 = vec4<f32>(0.0); var z01 = vec4<f32>(0.0); var z02 = vec4<f32>(0.0); var z03 = vec4<f32>(0.0);
  var z10 = vec4<f32>(0.0); var z11 = vec4<f32>(0.0); var z12 = vec4<f32>(0.0); var z13 = vec4<f32>(0.0);
  var z20 = vec4<f32>(0.0); var z21 = vec4<f32>(0.0); var z22 = vec4<f32>(0.0); var z23 = vec4<f32>(0.0);
  var z30 = vec4<f32>(0.0); var z31 = vec4<f32>(0.0); var z32 = vec4<f32>(0.0); var z33 = vec4<f32>(0.0);
  var z40 = vec4<f32>(0.0); var z41 = vec4<f32>(0.0); var z42 = vec4<f32>(0.0); var z43 = vec4<f32>(0.0);
  var z50 = vec4<f32>(0.0); var z51 = vec4<f32>(0.0); var z52 = vec4<f32>(0.0); var z53 = vec4<f32>(0.0);
  var z60 = vec4<f32>(0.0); var z61 = vec4<f32>(0.0); var z62 = vec4<f32>(0.0); var z63 = vec4<f32>(0.0);
  var z70 = vec4<f32>(0.0); var z71 = vec4<f32>(0.0); var z72 = vec4<f32>(0.0); var z73 = vec4<f32>(0.0);
  if (FUSED_INPUT) {
    let b0v = scratch[p.bp + q.x];
    let b1v = scratch[p.bp + q.y];
    let b2v = scratch[p.bp + q.z];
    let b3v = scratch[p.bp + q.w];
    z00 = b0v; z01 = b1v; z02 = b2v; z03 = b3v;
    z10 = b0v; z11 = b1v; z12 = b2v; z13 = b3v;
    z20 = b0v; z21 = b1v; z22 = b2v; z23 = b3v;
    z30 = b0v; z31 = b1v; z32 = b2v; z33 = b3v;
    z40 = b0v; z41 = b1v; z42 = b2v; z43 = b3v;
    z50 = b0v; z51 = b1v; z52 = b2v; z53 = b3v;
    z60 = b0v; z61 = b1v; z62 = b2v; z63 = b3v;
    z70 = b0v; z71 = b1v; z72 = b2v; z73 = b3v;
    let rows = p.x_offset + p.t * p.batch * p.features;
    let r0 = rows + min(b0 + 0u, last_b) * p.features;
    let r1 = rows + min(b0 + 1u, last_b) * p.features;
    let r2 = rows + min(b0 + 2u, last_b) * p.features;
    let r3 = rows + min(b0 + 3u, last_b) * p.features;
    let r4 = rows + min(b0 + 4u, last_b) * p.features;
    let r5 = rows + min(b0 + 5u, last_b) * p.features;
    let r6 = rows + min(b0 + 6u, last_b) * p.features;
    let r7 = rows + min(b0 + 7u, last_b) * p.features;
    for (var f = 0u; f < p.features; f++) {
      let row = p.wp + f * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(x_in[r0 + f]);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(x_in[r1 + f]);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(x_in[r2 + f]);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(x_in[r3 + f]);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
      let v4 = vec4<f32>(x_in[r4 + f]);
      z40 = fma(w0, v4, z40); z41 = fma(w1, v4, z41); z42 = fma(w2, v4, z42); z43 = fma(w3, v4, z43);
      let v5 = vec4<f32>(x_in[r5 + f]);
      z50 = fma(w0, v5, z50); z51 = fma(w1, v5, z51); z52 = fma(w2, v5, z52); z53 = fma(w3, v5, z53);
      let v6 = vec4<f32>(x_in[r6 + f]);
      z60 = fma(w0, v6, z60); z61 = fma(w1, v6, z61); z62 = fma(w2, v6, z62); z63 = fma(w3, v6, z63);
      let v7 = vec4<f32>(x_in[r7 + f]);
      z70 = fma(w0, v7, z70); z71 = fma(w1, v7, z71); z72 = fma(w2, v7, z72); z73 = fma(w3, v7, z73);
    }
  }
  for (var kq = 0u; kq < quads; kq++) {
    let hv0 = scratch[x0 + kq];
    let hv1 = scratch[x1 + kq];
    let hv2 = scratch[x2 + kq];
    let hv3 = scratch[x3 + kq];
    let hv4 = scratch[x4 + kq];
    let hv5 = scratch[x5 + kq];
    let hv6 = scratch[x6 + kq];
    let hv7 = scratch[x7 + kq];
    {
      let row = min(kq * 4u + 0u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.x);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.x);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.x);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.x);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
      let v4 = vec4<f32>(hv4.x);
      z40 = fma(w0, v4, z40); z41 = fma(w1, v4, z41); z42 = fma(w2, v4, z42); z43 = fma(w3, v4, z43);
      let v5 = vec4<f32>(hv5.x);
      z50 = fma(w0, v5, z50); z51 = fma(w1, v5, z51); z52 = fma(w2, v5, z52); z53 = fma(w3, v5, z53);
      let v6 = vec4<f32>(hv6.x);
      z60 = fma(w0, v6, z60); z61 = fma(w1, v6, z61); z62 = fma(w2, v6, z62); z63 = fma(w3, v6, z63);
      let v7 = vec4<f32>(hv7.x);
      z70 = fma(w0, v7, z70); z71 = fma(w1, v7, z71); z72 = fma(w2, v7, z72); z73 = fma(w3, v7, z73);
    }
    {
      let row = min(kq * 4u + 1u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.y);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.y);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.y);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.y);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
      let v4 = vec4<f32>(hv4.y);
      z40 = fma(w0, v4, z40); z41 = fma(w1, v4, z41); z42 = fma(w2, v4, z42); z43 = fma(w3, v4, z43);
      let v5 = vec4<f32>(hv5.y);
      z50 = fma(w0, v5, z50); z51 = fma(w1, v5, z51); z52 = fma(w2, v5, z52); z53 = fma(w3, v5, z53);
      let v6 = vec4<f32>(hv6.y);
      z60 = fma(w0, v6, z60); z61 = fma(w1, v6, z61); z62 = fma(w2, v6, z62); z63 = fma(w3, v6, z63);
      let v7 = vec4<f32>(hv7.y);
      z70 = fma(w0, v7, z70); z71 = fma(w1, v7, z71); z72 = fma(w2, v7, z72); z73 = fma(w3, v7, z73);
    }
    {
      let row = min(kq * 4u + 2u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.z);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.z);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.z);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.z);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
      let v4 = vec4<f32>(hv4.z);
      z40 = fma(w0, v4, z40); z41 = fma(w1, v4, z41); z42 = fma(w2, v4, z42); z43 = fma(w3, v4, z43);
      let v5 = vec4<f32>(hv5.z);
      z50 = fma(w0, v5, z50); z51 = fma(w1, v5, z51); z52 = fma(w2, v5, z52); z53 = fma(w3, v5, z53);
      let v6 = vec4<f32>(hv6.z);
      z60 = fma(w0, v6, z60); z61 = fma(w1, v6, z61); z62 = fma(w2, v6, z62); z63 = fma(w3, v6, z63);
      let v7 = vec4<f32>(hv7.z);
      z70 = fma(w0, v7, z70); z71 = fma(w1, v7, z71); z72 = fma(w2, v7, z72); z73 = fma(w3, v7, z73);
    }
    {
      let row = min(kq * 4u + 3u, last_j) * units;
      let w0 = scratch[row + q.x];
      let w1 = scratch[row + q.y];
      let w2 = scratch[row + q.z];
      let w3 = scratch[row + q.w];
      let v0 = vec4<f32>(hv0.w);
      z00 = fma(w0, v0, z00); z01 = fma(w1, v0, z01); z02 = fma(w2, v0, z02); z03 = fma(w3, v0, z03);
      let v1 = vec4<f32>(hv1.w);
      z10 = fma(w0, v1, z10); z11 = fma(w1, v1, z11); z12 = fma(w2, v1, z12); z13 = fma(w3, v1, z13);
      let v2 = vec4<f32>(hv2.w);
      z20 = fma(w0, v2, z20); z21 = fma(w1, v2, z21); z22 = fma(w2, v2, z22); z23 = fma(w3, v2, z23);
      let v3 = vec4<f32>(hv3.w);
      z30 = fma(w0, v3, z30); z31 = fma(w1, v3, z31); z32 = fma(w2, v3, z32); z33 = fma(w3, v3, z33);
      let v4 = vec4<f32>(hv4.w);
      z40 = fma(w0, v4, z40); z41 = fma(w1, v4, z41); z42 = fma(w2, v4, z42); z43 = fma(w3, v4, z43);
      let v5 = vec4<f32>(hv5.w);
      z50 = fma(w0, v5, z50); z51 = fma(w1, v5, z51); z52 = fma(w2, v5, z52); z53 = fma(w3, v5, z53);
      let v6 = vec4<f32>(hv6.w);
      z60 = fma(w0, v6, z60); z61 = fma(w1, v6, z61); z62 = fma(w2, v6, z62); z63 = fma(w3, v6, z63);
      let v7 = vec4<f32>(hv7.w);
      z70 = fma(w0, v7, z70); z71 = fma(w1, v7, z71); z72 = fma(w2, v7, z72); z73 = fma(w3, v7, z73);
    }
  }
  forward_cell(p, b0, j0, z00);
  forward_cell(p, b0, j0 + 1u, z01);
  forward_cell(p, b0, j0 + 2u, z02);
  forward_cell(p, b0, j0 + 3u, z03);
  forward_cell(p, b0 + 1u, j0, z10);
  forward_cell(p, b0 + 1u, j0 + 1u, z11);
  forward_cell(p, b0 + 1u, j0 + 2u, z12);
  forward_cell(p, b0 + 1u, j0 + 3u, z13);
  forward_cell(p, b0 + 2u, j0, z20);
  forward_cell(p, b0 + 2u, j0 + 1u, z21);
  forward_cell(p, b0 + 2u, j0 + 2u, z22);
  forward_cell(p, b0 + 2u, j0 + 3u, z23);
  forward_cell(p, b0 + 3u, j0, z30);
  forward_cell(p, b0 + 3u, j0 + 1u, z31);
  forward_cell(p, b0 + 3u, j0 + 2u, z32);
  forward_cell(p, b0 + 3u, j0 + 3u, z33);
  forward_cell(p, b0 + 4u, j0, z40);
  forward_cell(p, b0 + 4u, j0 + 1u, z41);
  forward_cell(p, b0 + 4u, j0 + 2u, z42);
  forward_cell(p, b0 + 4u, j0 + 3u, z43);
  forward_cell(p, b0 + 5u, j0, z50);
  forward_cell(p, b0 + 5u, j0 + 1u, z51);
  forward_cell(p, b0 + 5u, j0 + 2u, z52);
  forward_cell(p, b0 + 5u, j0 + 3u, z53);
  forward_cell(p, b0 + 6u, j0, z60);
  forward_cell(p, b0 + 6u, j0 + 1u, z61);
  forward_cell(p, b0 + 6u, j0 + 2u, z62);
  forward_cell(p, b0 + 6u, j0 + 3u, z63);
  forward_cell(p, b0 + 7u, j0, z70);
  forward_cell(p, b0 + 7u, j0 + 1u, z71);
  forward_cell(p, b0 + 7u, j0 + 2u, z72);
  forward_cell(p, b0 + 7u, j0 + 3u, z73);
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= ((p.batch + 3u) / 4u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  forward_block(p, origin.x, origin.y);
}

/** `forward` with 8-row blocks (batch ≥ 8: the host picks): the block (b0, j0) = (8·(idx / ⌈u/4⌉), 4·(idx % ⌈u/4⌉)). */
@compute @workgroup_size(WG)
fn forward8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = params;
  if (idx >= ((p.batch + 7u) / 8u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  forward_block8(p, origin.x * 2u, origin.y);
}

/** Backward cell update of one (b, j) at step p.t given the gathered dG·Uᵀ term `from_next`, if (b, j) exists. */
fn backward_cell(p: BackParams, b: u32, j: u32, from_next: f32, last: bool) {
  let units = p.units;
  if (b >= p.batch || j >= units) { return; }
  let at = b * units + j;
  var dh = from_next;
  if (last) { dh = dh_last[at]; }
  if (p.dy_is_sequence != 0u) {
    dh += dy[(p.t * p.batch + b) * units + j];
  } else if (last) {
    dh += dy[at];
  }
  let row = (p.t * p.batch + b) * units + j;
  let gate = saved_gates[row];
  let c_prev = saved_c[(prev_slot(p.t) * p.batch + b) * units + j];
  let a = act(saved_c[(next_slot(p.t) * p.batch + b) * units + j], ACTIVATION);
  let dct = dc[at] + dh * gate.w * act_grad_from_output(a, ACTIVATION);
  dgates[row] = vec4<f32>(
    dct * gate.z * act_grad_from_output(gate.x, RECURRENT_ACTIVATION),
    dct * c_prev * act_grad_from_output(gate.y, RECURRENT_ACTIVATION),
    dct * gate.x * act_grad_from_output(gate.z, ACTIVATION),
    dh * a * act_grad_from_output(gate.w, RECURRENT_ACTIVATION),
  );
  dc[at] = dct * gate.y;
}

/** One backward step of the 4×4 block at (batch row b0, unit j0): gather dh from dG[t'], then the 16 cells. */
fn backward_block(p: BackParams, b0: u32, j0: u32) {
  let units = p.units;
  let last = is_last_step(p.t, p.timesteps);
  // dh_r[q] = Σ_k dot(dG[t', b0+r, k], Up[j0+q, k]): the step run after this one wrote dG[t'].
  var dh0 = vec4<f32>(0.0);
  var dh1 = vec4<f32>(0.0);
  var dh2 = vec4<f32>(0.0);
  var dh3 = vec4<f32>(0.0);
  if (!last) {
    let last_b = p.batch - 1u;
    let last_j = units - 1u;
    let next = following_time(p.t) * p.batch;
    let g0 = (next + b0) * units;
    let g1 = (next + min(b0 + 1u, last_b)) * units;
    let g2 = (next + min(b0 + 2u, last_b)) * units;
    let g3 = (next + min(b0 + 3u, last_b)) * units;
    let u0 = j0 * units;
    let u1 = min(j0 + 1u, last_j) * units;
    let u2 = min(j0 + 2u, last_j) * units;
    let u3 = min(j0 + 3u, last_j) * units;
    for (var k = 0u; k < units; k++) {
      let w = mat4x4<f32>(packed_b[u0 + k], packed_b[u1 + k], packed_b[u2 + k], packed_b[u3 + k]);
      dh0 += dgates[g0 + k] * w;
      dh1 += dgates[g1 + k] * w;
      dh2 += dgates[g2 + k] * w;
      dh3 += dgates[g3 + k] * w;
    }
  }
  // This step writes dG[t] only; the reads above are of dG[t'], t' ≠ t, so they never race.
  backward_cell(p, b0, j0, dh0.x, last);
  backward_cell(p, b0, j0 + 1u, dh0.y, last);
  backward_cell(p, b0, j0 + 2u, dh0.z, last);
  backward_cell(p, b0, j0 + 3u, dh0.w, last);
  backward_cell(p, b0 + 1u, j0, dh1.x, last);
  backward_cell(p, b0 + 1u, j0 + 1u, dh1.y, last);
  backward_cell(p, b0 + 1u, j0 + 2u, dh1.z, last);
  backward_cell(p, b0 + 1u, j0 + 3u, dh1.w, last);
  backward_cell(p, b0 + 2u, j0, dh2.x, last);
  backward_cell(p, b0 + 2u, j0 + 1u, dh2.y, last);
  backward_cell(p, b0 + 2u, j0 + 2u, dh2.z, last);
  backward_cell(p, b0 + 2u, j0 + 3u, dh2.w, last);
  backward_cell(p, b0 + 3u, j0, dh3.x, last);
  backward_cell(p, b0 + 3u, j0 + 1u, dh3.y, last);
  backward_cell(p, b0 + 3u, j0 + 2u, dh3.z, last);
  backward_cell(p, b0 + 3u, j0 + 3u, dh3.w, last);
}

/** As backward_block for an 8×4 block (batch rows b0..b0+7): per k, 8 vec4s of dG[t'] and 4 of Up. */
fn backward_block8(p: BackParams, b0: u32, j0: u32) {
  let units = p.units;
  let last = is_last_step(p.t, p.timesteps);
  var dh0 = vec4<f32>(0.0);
  var dh1 = vec4<f32>(0.0);
  var dh2 = vec4<f32>(0.0);
  var dh3 = vec4<f32>(0.0);
  var dh4 = vec4<f32>(0.0);
  var dh5 = vec4<f32>(0.0);
  var dh6 = vec4<f32>(0.0);
  var dh7 = vec4<f32>(0.0);
  if (!last) {
    let last_b = p.batch - 1u;
    let last_j = units - 1u;
    let next = following_time(p.t) * p.batch;
    let g0 = (next + min(b0 + 0u, last_b)) * units;
    let g1 = (next + min(b0 + 1u, last_b)) * units;
    let g2 = (next + min(b0 + 2u, last_b)) * units;
    let g3 = (next + min(b0 + 3u, last_b)) * units;
    let g4 = (next + min(b0 + 4u, last_b)) * units;
    let g5 = (next + min(b0 + 5u, last_b)) * units;
    let g6 = (next + min(b0 + 6u, last_b)) * units;
    let g7 = (next + min(b0 + 7u, last_b)) * units;
    let u0 = j0 * units;
    let u1 = min(j0 + 1u, last_j) * units;
    let u2 = min(j0 + 2u, last_j) * units;
    let u3 = min(j0 + 3u, last_j) * units;
    for (var k = 0u; k < units; k++) {
      let w = mat4x4<f32>(packed_b[u0 + k], packed_b[u1 + k], packed_b[u2 + k], packed_b[u3 + k]);
      dh0 += dgates[g0 + k] * w;
      dh1 += dgates[g1 + k] * w;
      dh2 += dgates[g2 + k] * w;
      dh3 += dgates[g3 + k] * w;
      dh4 += dgates[g4 + k] * w;
      dh5 += dgates[g5 + k] * w;
      dh6 += dgates[g6 + k] * w;
      dh7 += dgates[g7 + k] * w;
    }
  }
  // This step writes dG[t] only; the reads above are of dG[t'], t' ≠ t, so they never race.
  backward_cell(p, b0, j0, dh0.x, last);
  backward_cell(p, b0, j0 + 1u, dh0.y, last);
  backward_cell(p, b0, j0 + 2u, dh0.z, last);
  backward_cell(p, b0, j0 + 3u, dh0.w, last);
  backward_cell(p, b0 + 1u, j0, dh1.x, last);
  backward_cell(p, b0 + 1u, j0 + 1u, dh1.y, last);
  backward_cell(p, b0 + 1u, j0 + 2u, dh1.z, last);
  backward_cell(p, b0 + 1u, j0 + 3u, dh1.w, last);
  backward_cell(p, b0 + 2u, j0, dh2.x, last);
  backward_cell(p, b0 + 2u, j0 + 1u, dh2.y, last);
  backward_cell(p, b0 + 2u, j0 + 2u, dh2.z, last);
  backward_cell(p, b0 + 2u, j0 + 3u, dh2.w, last);
  backward_cell(p, b0 + 3u, j0, dh3.x, last);
  backward_cell(p, b0 + 3u, j0 + 1u, dh3.y, last);
  backward_cell(p, b0 + 3u, j0 + 2u, dh3.z, last);
  backward_cell(p, b0 + 3u, j0 + 3u, dh3.w, last);
  backward_cell(p, b0 + 4u, j0, dh4.x, last);
  backward_cell(p, b0 + 4u, j0 + 1u, dh4.y, last);
  backward_cell(p, b0 + 4u, j0 + 2u, dh4.z, last);
  backward_cell(p, b0 + 4u, j0 + 3u, dh4.w, last);
  backward_cell(p, b0 + 5u, j0, dh5.x, last);
  backward_cell(p, b0 + 5u, j0 + 1u, dh5.y, last);
  backward_cell(p, b0 + 5u, j0 + 2u, dh5.z, last);
  backward_cell(p, b0 + 5u, j0 + 3u, dh5.w, last);
  backward_cell(p, b0 + 6u, j0, dh6.x, last);
  backward_cell(p, b0 + 6u, j0 + 1u, dh6.y, last);
  backward_cell(p, b0 + 6u, j0 + 2u, dh6.z, last);
  backward_cell(p, b0 + 6u, j0 + 3u, dh6.w, last);
  backward_cell(p, b0 + 7u, j0, dh7.x, last);
  backward_cell(p, b0 + 7u, j0 + 1u, dh7.y, last);
  backward_cell(p, b0 + 7u, j0 + 2u, dh7.z, last);
  backward_cell(p, b0 + 7u, j0 + 3u, dh7.w, last);
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= ((p.batch + 3u) / 4u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  backward_block(p, origin.x, origin.y);
}

/** `backward` with 8-row blocks, as forward8. */
@compute @workgroup_size(WG)
fn backward8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups);
  let p = back_params;
  if (idx >= ((p.batch + 7u) / 8u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  backward_block8(p, origin.x * 2u, origin.y);
}

/** db[gate·u + j] = Σ_r dG[r, j][gate]: one invocation per unit, rows in order (deterministic, no atomics). */
@compute @workgroup_size(WG)
fn bias_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let bp = bias_params;
  let u = bp.units;
  if (j >= u) { return; }
  var sum = vec4<f32>(0.0);
  for (var r = 0u; r < bp.rows; r++) {
    sum += dg_sum[r * u + j];
  }
  db[j] = sum.x;
  db[u + j] = sum.y;
  db[2u * u + j] = sum.z;
  db[3u * u + j] = sum.w;
}
