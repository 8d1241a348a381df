// bidirectionalMerge.wgsl — how a Bidirectional layer combines its forward and backward outputs (Keras
// merge_mode), and the gradient of that combination. MODE: 0 concat, 1 sum, 2 mul, 3 ave.
//
// Entry `merge`, for rows r < rows and units j < units, a = forward output, b = backward output:
//   concat  out[r, j] = a[r, j]   out[r, units + j] = b[r, j]      (out is [rows, 2·units])
//   sum     out[r, j] = a + b     mul  a · b     ave  (a + b) / 2   (out is [rows, units])
// Entry `split`, the backward pass, from dout to the two inputs' gradients (da, db compact [rows, units]):
//   concat  da = dout[r, j], db = dout[r, units + j]    sum  da = db = dout
//   mul     da = dout · b,   db = dout · a               ave  da = db = dout / 2
// `merge` with MODE sum also adds the two input gradients dX of the inner layers into the wrapper's dX.
//
// Both inputs are read where the recurrent kernels left them: a_offset and b_offset (floats) point at the h
// slots holding the outputs in input-time order, forward after x_t and backward after x_t, which is the order
// Keras merges in (it flips the backward layer's sequence back to input time first). One invocation per (r, j).
//
// Bindings: 0 params (uniform) · 1 a (read) · 2 b (read) · 3 out (write; merge)
//           4 dout (read; split) · 5 da (write; split) · 6 db (write; split)

struct MergeParams {
  rows: u32,
  units: u32,
  a_offset: u32,
  b_offset: u32,
}

override MODE: u32 = 0u;

@group(0) @binding(0) var<uniform> params: MergeParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read_write> da: array<f32>;
@group(0) @binding(6) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(WG)
fn merge(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = params;
  if (idx >= p.rows * p.units) { return; }
  let r = idx / p.units;
  let j = idx % p.units;
  let va = a[p.a_offset + idx];
  let vb = b[p.b_offset + idx];
  switch MODE {
    case 0u: {
      out[r * 2u * p.units + j] = va;
      out[r * 2u * p.units + p.units + j] = vb;
    }
    case 1u: { out[idx] = va + vb; }
    case 2u: { out[idx] = va * vb; }
    default: { out[idx] = 0.5 * (va + vb); }
  }
}

@compute @workgroup_size(WG)
fn split(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let p = params;
  if (idx >= p.rows * p.units) { return; }
  let r = idx / p.units;
  let j = idx % p.units;
  switch MODE {
    case 0u: {
      da[idx] = dout[r * 2u * p.units + j];
      db[idx] = dout[r * 2u * p.units + p.units + j];
    }
    case 1u: {
      da[idx] = dout[idx];
      db[idx] = dout[idx];
    }
    case 2u: {
      da[idx] = dout[idx] * b[p.b_offset + idx];
      db[idx] = dout[idx] * a[p.a_offset + idx];
    }
    default: {
      da[idx] = 0.5 * dout[idx];
      db[idx] = 0.5 * dout[idx];
    }
  }
}
