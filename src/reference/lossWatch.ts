/** Float64 twin of shaders/lossWatch.wgsl: one batch's update of the watch slots of a loss accumulator. */
export function lossWatch(accum: Float32Array | Float64Array, lossSlot: number, watchSlot: number): void {
  const batch = accum[watchSlot]! + 1;
  accum[watchSlot] = batch;
  if (accum[watchSlot + 1] === 0 && !Number.isFinite(accum[lossSlot]!)) accum[watchSlot + 1] = batch;
}
