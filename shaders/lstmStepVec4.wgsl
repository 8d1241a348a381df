// lstmStepVec4.wgsl — the LSTM step of lstmStep.wgsl (same equations, same buffers, same results), register-
// blocked: U is read gate-interleaved as vec4s and each invocation owns a 4×4 block of (batch row, unit).
//
// Equations (Keras semantics, gate order i, f, c(g), o), as in lstmStep.wgsl:
//   forward   z = xproj[t, b, :] + h_{t−1}[b, :] · U;  i, f, o = σ(z);  g = act(z);  c_t = f⊙c_{t−1} + i⊙g;
//             h_t = o⊙act(c_t)
//   backward  dh_t = dy_t + dG[t', b, :] · U[j, :]ᵀ (t' the step run after t; dh_T from dh_last);
//             do = dh·a·σ'(o), dc = dc_{t+1} + dh·o·act'(a), di = dc·g·σ'(i), df = dc·c_{t−1}·σ'(f),
//             dg = dc·i·act'(g), dc_{t−1} = dc·f                                      (a = act(c_t))
// States h and c are [T+1, batch, units] slots, gates and dG are [T, batch, 4u] in Keras order, exactly as in
// lstmStep.wgsl (direction.wgsl decides the slots), so every GEMM around the steps is unchanged.
//
// What differs is how the recurrent products read memory. On SwiftShader each load is a per-lane gather, so the
// lever is fewer loads per FMA (DESIGN.md):
//   entry `pack`      Up[k, j] = vec4(U[k, j], U[k, u+j], U[k, 2u+j], U[k, 3u+j]): the four gate weights of unit
//                     j from row k in one vec4. One dispatch per plan run (U changes with every optimizer step).
//   entry `forward`   an invocation owns batch rows b0..b0+3 × units j0..j0+3. Per k it loads 4 h scalars and
//                     4 Up vec4s (8 loads) for 64 FMAs (the plain step: 5 loads for 4 FMAs), as 4 mat4x4 += mat·h.
//   entry `backward`  the same block. dh[b, j] = Σ_k dot(dGi[b, k], Up[j, k]) where dGi is the previous step's
//                     gate gradient stored gate-interleaved too (one vec4 per (b, k)): per k, 4 + 4 vec4 loads
//                     for 64 FMAs. dGi lives in two halves (step parity picks which half is read and which
//                     written), besides dgates in Keras order for the weight GEMMs. Up and both halves share one
//                     scratch buffer, bound once read-write (WebGPU forbids binding a buffer both read-only
//                     and writable in one dispatch).
// Rows past `batch` and units past `units` read clamped (valid) elements and are never stored.
//
// Bindings, pack:     0 pack_params · 1 recurrent U [u, 4u] (read) · 2 packed Up [u, u] vec4 (rw)
// Bindings, forward:  0 params · 3 xproj (read) · 4 packed_f Up (read) · 5 h (rw) · 6 c (rw) · 7 gates (rw)
// Bindings, backward: 0 back_params · 9 saved_gates (read) · 10 saved_c (read) · 11 dy (read) · 12 dh_last (read)
//                     13 dc (rw) · 14 dgates (rw) · 15 scratch (rw: Up [u, u] vec4 at 0, dGi [2, batch, u] vec4
//                     at dgi_offset)

struct PackParams {
  units: u32,
}

struct StepParams {
  t: u32,
  batch: u32,
  units: u32,
}

struct BackParams {
  t: u32,
  batch: u32,
  units: u32,
  timesteps: u32,
  dy_is_sequence: u32,
  /** dGi half this step writes (0 or 1); it reads the other, written by the step run before it. */
  parity: u32,
  /** vec4s per half of dGi (batch·units), and where the first half starts in `scratch`. */
  half: u32,
  dgi_offset: u32,
}

override WG: u32 = 64;
override ACTIVATION: u32 = 0u;
override RECURRENT_ACTIVATION: u32 = 2u;

@group(0) @binding(0) var<uniform> pack_params: PackParams;
@group(0) @binding(1) var<storage, read> recurrent: array<f32>;
@group(0) @binding(2) var<storage, read_write> packed: array<vec4<f32>>;

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(3) var<storage, read> xproj: array<f32>;
@group(0) @binding(4) var<storage, read> packed_f: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> h: array<f32>;
@group(0) @binding(6) var<storage, read_write> c: array<f32>;
@group(0) @binding(7) var<storage, read_write> gates: array<f32>;

@group(0) @binding(0) var<uniform> back_params: BackParams;
@group(0) @binding(9) var<storage, read> saved_gates: array<f32>;
@group(0) @binding(10) var<storage, read> saved_c: array<f32>;
@group(0) @binding(11) var<storage, read> dy: array<f32>;
@group(0) @binding(12) var<storage, read> dh_last: array<f32>;
@group(0) @binding(13) var<storage, read_write> dc: array<f32>;
@group(0) @binding(14) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(15) var<storage, read_write> scratch: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn pack(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let u = pack_params.units;
  if (idx >= u * u) { return; }
  let k = idx / u;
  let j = idx % u;
  let row = k * 4u * u + j;
  packed[idx] = vec4<f32>(recurrent[row], recurrent[row + u], recurrent[row + 2u * u], recurrent[row + 3u * u]);
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
  let gate_row = (p.t * p.batch + b) * 4u * units + j;
  let i = act(zr.x + xproj[gate_row], RECURRENT_ACTIVATION);
  let f = act(zr.y + xproj[gate_row + units], RECURRENT_ACTIVATION);
  let g = act(zr.z + xproj[gate_row + 2u * units], ACTIVATION);
  let o = act(zr.w + xproj[gate_row + 3u * units], RECURRENT_ACTIVATION);
  let prev = (prev_slot(p.t) * p.batch + b) * units + j;
  let next = (next_slot(p.t) * p.batch + b) * units + j;
  let c_t = f * c[prev] + i * g;
  c[next] = c_t;
  h[next] = o * act(c_t, ACTIVATION);
  gates[gate_row] = i;
  gates[gate_row + units] = f;
  gates[gate_row + 2u * units] = g;
  gates[gate_row + 3u * units] = o;
}

/** One forward step of the 4×4 block at (batch row b0, unit j0): recurrent sums, then the 16 cell updates. */
fn forward_block(p: StepParams, b0: u32, j0: u32) {
  let units = p.units;
  let last_b = p.batch - 1u;
  let last_j = units - 1u;
  let base = prev_slot(p.t) * p.batch;
  let h0 = (base + b0) * units;
  let h1 = (base + min(b0 + 1u, last_b)) * units;
  let h2 = (base + min(b0 + 2u, last_b)) * units;
  let h3 = (base + min(b0 + 3u, last_b)) * units;
  let q = vec4<u32>(j0, min(j0 + 1u, last_j), min(j0 + 2u, last_j), min(j0 + 3u, last_j));
  // acc_r column q holds the recurrent sums (i, f, g, o) of row b0+r, unit j0+q.
  var acc0 = mat4x4<f32>();
  var acc1 = mat4x4<f32>();
  var acc2 = mat4x4<f32>();
  var acc3 = mat4x4<f32>();
  for (var k = 0u; k < units; k++) {
    let row = k * units;
    let w = mat4x4<f32>(packed_f[row + q.x], packed_f[row + q.y], packed_f[row + q.z], packed_f[row + q.w]);
    acc0 += w * h[h0 + k];
    acc1 += w * h[h1 + k];
    acc2 += w * h[h2 + k];
    acc3 += w * h[h3 + k];
  }
  forward_cell(p, b0, j0, acc0[0]);
  forward_cell(p, b0, j0 + 1u, acc0[1]);
  forward_cell(p, b0, j0 + 2u, acc0[2]);
  forward_cell(p, b0, j0 + 3u, acc0[3]);
  forward_cell(p, b0 + 1u, j0, acc1[0]);
  forward_cell(p, b0 + 1u, j0 + 1u, acc1[1]);
  forward_cell(p, b0 + 1u, j0 + 2u, acc1[2]);
  forward_cell(p, b0 + 1u, j0 + 3u, acc1[3]);
  forward_cell(p, b0 + 2u, j0, acc2[0]);
  forward_cell(p, b0 + 2u, j0 + 1u, acc2[1]);
  forward_cell(p, b0 + 2u, j0 + 2u, acc2[2]);
  forward_cell(p, b0 + 2u, j0 + 3u, acc2[3]);
  forward_cell(p, b0 + 3u, j0, acc3[0]);
  forward_cell(p, b0 + 3u, j0 + 1u, acc3[1]);
  forward_cell(p, b0 + 3u, j0 + 2u, acc3[2]);
  forward_cell(p, b0 + 3u, j0 + 3u, acc3[3]);
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = params;
  if (idx >= ((p.batch + 3u) / 4u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  forward_block(p, origin.x, origin.y);
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
  let gate_row = (p.t * p.batch + b) * 4u * units + j;
  let i = saved_gates[gate_row];
  let f = saved_gates[gate_row + units];
  let g = saved_gates[gate_row + 2u * units];
  let o = saved_gates[gate_row + 3u * units];
  let c_prev = saved_c[(prev_slot(p.t) * p.batch + b) * units + j];
  let a = act(saved_c[(next_slot(p.t) * p.batch + b) * units + j], ACTIVATION);
  let dct = dc[at] + dh * o * act_grad_from_output(a, ACTIVATION);
  let dgate = vec4<f32>(
    dct * g * act_grad_from_output(i, RECURRENT_ACTIVATION),
    dct * c_prev * act_grad_from_output(f, RECURRENT_ACTIVATION),
    dct * i * act_grad_from_output(g, ACTIVATION),
    dh * a * act_grad_from_output(o, RECURRENT_ACTIVATION),
  );
  dgates[gate_row] = dgate.x;
  dgates[gate_row + units] = dgate.y;
  dgates[gate_row + 2u * units] = dgate.z;
  dgates[gate_row + 3u * units] = dgate.w;
  scratch[p.dgi_offset + p.parity * p.half + at] = dgate;
  dc[at] = dct * f;
}

/** One backward step of the 4×4 block at (batch row b0, unit j0): gather dh from dGi, then the 16 cells. */
fn backward_block(p: BackParams, b0: u32, j0: u32) {
  let units = p.units;
  let last = is_last_step(p.t, p.timesteps);
  // dh_r[q] = Σ_k dot(dGi[b0+r, k], Up[j0+q, k]), from the half the previous step wrote.
  var dh0 = vec4<f32>(0.0);
  var dh1 = vec4<f32>(0.0);
  var dh2 = vec4<f32>(0.0);
  var dh3 = vec4<f32>(0.0);
  if (!last) {
    let last_b = p.batch - 1u;
    let last_j = units - 1u;
    let from_half = p.dgi_offset + (1u - p.parity) * p.half;
    let g0 = from_half + b0 * units;
    let g1 = from_half + min(b0 + 1u, last_b) * units;
    let g2 = from_half + min(b0 + 2u, last_b) * units;
    let g3 = from_half + min(b0 + 3u, last_b) * units;
    let u0 = j0 * units;
    let u1 = min(j0 + 1u, last_j) * units;
    let u2 = min(j0 + 2u, last_j) * units;
    let u3 = min(j0 + 3u, last_j) * units;
    for (var k = 0u; k < units; k++) {
      let w = mat4x4<f32>(scratch[u0 + k], scratch[u1 + k], scratch[u2 + k], scratch[u3 + k]);
      dh0 += scratch[g0 + k] * w;
      dh1 += scratch[g1 + k] * w;
      dh2 += scratch[g2 + k] * w;
      dh3 += scratch[g3 + k] * w;
    }
  }
  // This step writes only its own half of dGi, so the reads above never race with the writes below.
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

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = back_params;
  if (idx >= ((p.batch + 3u) / 4u) * ((p.units + 3u) / 4u)) { return; }
  let origin = block_origin(idx, p.units);
  backward_block(p, origin.x, origin.y);
}
