// lossWatch.wgsl — notices, on the GPU, the first batch of an epoch whose loss was not finite.
//
// fit reads the loss accumulator back once per epoch, never per batch, so a NaN or ±Infinity in batch 3 of
// 100 would otherwise show only as a NaN epoch mean, with 97 more optimizer steps taken on NaN weights. This
// one-invocation kernel runs after each batch's loss has been added into accum[loss_slot]:
//
//   accum[watch_slot]      += 1                            (batches so far this epoch)
//   accum[watch_slot + 1]   = that count, the first time accum[loss_slot] is not finite (0 while it is)
//
// The running sum is non-finite from the first non-finite batch loss on (NaN and ±Inf absorb every later
// addend, and Inf + −Inf is NaN), so its first non-finite batch is the first bad batch. The host zeroes the
// accumulator at each epoch start and reads both slots with the epoch's single readback. Counts are exact in
// f32 up to 2^24 batches per epoch.
//
// Finiteness is tested on the bits (exponent all ones), not with x == x or comparisons against a largest
// float, which fast-math compilers may fold away.
//
// Bindings: 0 params (uniform) · 1 accum (read-write)

struct WatchParams {
  loss_slot: u32,
  watch_slot: u32,
}

@group(0) @binding(0) var<uniform> params: WatchParams;
@group(0) @binding(1) var<storage, read_write> accum: array<f32>;

fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(1)
fn main() {
  let batch = accum[params.watch_slot] + 1.0;
  accum[params.watch_slot] = batch;
  if (accum[params.watch_slot + 1u] == 0.0 && !is_finite(accum[params.loss_slot])) {
    accum[params.watch_slot + 1u] = batch;
  }
}
