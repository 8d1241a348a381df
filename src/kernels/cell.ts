/**
 * What every recurrent cell's kernels share: the sizes of one layer's pass. Time-major buffers hold row
 * r = t·batch + b; `features` is the width of x_t, `units` of h_t.
 */
export interface CellDims {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
}
