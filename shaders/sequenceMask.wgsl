// sequenceMask.wgsl — Keras's timestep mask: which steps of a padded sequence are real, and what follows from it
// outside the recurrent kernels (those read the mask themselves: direction.wgsl).
//
// A mask is one float per row of a time-major sequence, rows r = t·batch + b: 1 where x_t of row b is real,
// 0 where it is padding. It travels beside the activations from the layer that makes it to the layers that read it.
//
//   from_values  m[r] = 1 if any x[r, c] ≠ mask_value, else 0      Masking (mask_value), Embedding maskZero (ids, 0)
//   apply        y[r, c] = x[r, c] · m[r]                           Masking's output; a Bidirectional sequence's
//                                                                    zeros at masked steps; and both their gradients
//   add_into     y[i] += x[x_offset + i]                                      dh carried past masked first steps into dh_0
//   loss_weights y[r] = m[r] · rows / Σ m  (0 where m = 0; all 0 when nothing is real)
//
// loss_weights is Keras 3's mask on a loss or metric (losses/loss.py apply_mask): a masked step weighs 0 and
// each real one rows/valid, so the batch mean over all rows is the mean over the real steps. One workgroup
// counts the real rows (fixed strides, then a fixed tree: the same bits every run) and writes every weight.
//
// Bindings: 0 params · 1 x (read) · 2 mask (read) · 3 mask_out (rw) · 4 y (rw)

struct MaskParams {
  /** Rows (from_values, apply, loss_weights) or elements (add_into). */
  rows: u32,
  cols: u32,
  /** Where x starts in its buffer, in floats. */
  x_offset: u32,
  mask_value: f32,
}


@group(0) @binding(0) var<uniform> params: MaskParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> mask_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;


@compute @workgroup_size(WG)
fn from_values(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flat_index(gid, groups);
  let p = params;
  if (r >= p.rows) { return; }
  var real = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    if (x[p.x_offset + r * p.cols + c] != p.mask_value) { real = 1.0; }
  }
  mask_out[r] = real;
}

@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows * p.cols) { return; }
  // select, not a product: a padded step's NaN or Inf must not leak through as 0·Inf.
  y[i] = select(0.0, x[p.x_offset + i], mask[i / p.cols] != 0.0);
}

@compute @workgroup_size(WG)
fn add_into(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  let p = params;
  if (i >= p.rows) { return; }
  y[i] += x[p.x_offset + i];
}

const COUNT_WG: u32 = 64u;
var<workgroup> partial: array<f32, COUNT_WG>;

@compute @workgroup_size(COUNT_WG)
fn loss_weights(@builtin(local_invocation_index) lid: u32) {
  let p = params;
  var count = 0.0;
  for (var r = lid; r < p.rows; r += COUNT_WG) {
    count += select(0.0, 1.0, mask[r] != 0.0);
  }
  partial[lid] = count;
  workgroupBarrier();
  for (var half = COUNT_WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  let valid = partial[0];
  let weight = select(0.0, f32(p.rows) / valid, valid > 0.0);
  for (var r = lid; r < p.rows; r += COUNT_WG) {
    y[r] = select(0.0, weight, mask[r] != 0.0);
  }
}
