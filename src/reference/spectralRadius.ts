/**
 * Float64 CPU twin of shaders/spectralRadius.wgsl: the power iteration the echo-state initializer runs too
 * (src/layers/powerIteration.ts), the same start vector and the same mean of log growths.
 */
export { POWER_ITERATION, powerIterationStart, spectralRadius, type PowerIteration } from '../layers/powerIteration';
