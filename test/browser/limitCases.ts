/**
 * Device limits: a model or a batch too large for a buffer fails with a DeviceLimitError before anything is
 * allocated, and products and recurrences more than 65 535 workgroups long still compute every element.
 */
import { createRuntime, layers, lstmForward, sequential, type Runtime, type Tensor } from '../../src/index';
import { Plan } from '../../src/gpu/plan';
import { recordGemm, type GemmVariant } from '../../src/kernels/gemm';
import { caught, inScope } from './harnessCore';

/** A runtime on a device with WebGPU's default limits (128 MiB bindings, 256 MiB buffers), on any adapter. */
async function defaultLimitsRuntime(): Promise<Runtime> {
  const adapter = await navigator.gpu.requestAdapter();
  return createRuntime({ device: await adapter!.requestDevice() });
}

function lstmModel(r: Runtime, units: number, inputShape: number[]) {
  const m = sequential(r, { seed: 3 });
  m.add(layers.lstm({ units, inputShape }));
  m.add(layers.dense({ units: 1 }));
  return m;
}

export const limitCases = {
  async modelTooLarge() {
    const r = await defaultLimitsRuntime();
    const limits = { maxStorageBufferBindingSize: r.limits.maxStorageBufferBindingSize, maxBufferSize: r.limits.maxBufferSize };
    const before = r.stats.buffers;
    // 4u(1 + u + 1) LSTM weights: 3000 units is 144 MB (past 128 MiB bindings), 5000 units 400 MB (past 256 MiB buffers)
    const binding = await caught(async () => lstmModel(r, 3000, [1, 1]).compile({ optimizer: 'adam', loss: 'mse' }));
    const buffer = await caught(async () => lstmModel(r, 5000, [1, 1]).compile({ optimizer: 'adam', loss: 'mse' }));
    const allocated = r.stats.buffers - before;

    // Weights that fit, activations that do not: a batch of 1400 × 100 steps × 4·64 gates is 143 MB.
    const small = lstmModel(r, 64, [100, 1]);
    small.compile({ optimizer: 'sgd', loss: 'mse' });
    const live = r.stats.buffers;
    const x: Tensor = { data: new Float32Array(1400 * 100).fill(0.1), shape: [1400, 100, 1] };
    const batch = await caught(() => small.predict(x, { batchSize: 1400 }));
    const leftBehind = r.stats.buffers - live;
    const after = await small.predict({ data: x.data.subarray(0, 300), shape: [3, 100, 1] });
    small.dispose();
    r.dispose();
    return { limits, binding, buffer, allocated, batch, leftBehind, afterFinite: Array.from(after.data).every(Number.isFinite) };
  },

  /** C = A·B + bias with m = 2 097 153 rows, n = k = 1: 65 537 tiles, one more than a grid dimension holds. */
  /** `tileRows`: rows of C per workgroup of the variant (gemm.wgsl 32, gemmVec4.wgsl 64): m spans 65 537 tiles. */
  bigGemm(spec: { variant: GemmVariant; tileRows: number } = { variant: 'plain', tileRows: 32 }) {
    return inScope(async (r) => {
      const m = 65537 * spec.tileRows - (spec.tileRows - 1);
      const aData = Float32Array.from({ length: m }, (_, i) => (i % 1009) / 1009 - 0.5);
      const a = r.upload('a', aData);
      const b = r.upload('b', Float32Array.of(2));
      const bias = r.upload('bias', Float32Array.of(0.5));
      const c = r.createBuffer('c', m * 4); // NaN-poisoned: a row no workgroup reached stays NaN
      const plan = new Plan(r, 'big gemm');
      recordGemm(plan, { a, b, c, bias, m, n: 1, k: 1, variant: spec.variant });
      plan.run();
      const out = await r.read(c, m);
      plan.destroy();
      for (const buf of [a, b, c, bias]) r.destroyBuffer(buf);
      // 2a is exact in f32, so every row must be exactly fround(2a + 0.5)
      let wrong = 0;
      let first = -1;
      for (let i = 0; i < m; i++) {
        if (out[i] !== Math.fround(2 * aData[i]! + 0.5)) {
          wrong += 1;
          if (first < 0) first = i;
        }
      }
      return { summary: Float32Array.of(m, wrong, first, out[m - 1]!) };
    });
  },

  /**
   * An LSTM step over batch × units = 4 194 305 (units 1), past 65 535 workgroups of 64: every row must equal
   * the same row computed in a batch of 7 (x repeats with period 7, so row b equals small row b mod 7).
   */
  async bigBatchLstm() {
    return inScope(async (r) => {
      const batch = 65535 * 64 + 65;
      const weights = {
        kernel: { data: Float32Array.of(0.5, -0.4, 0.3, 0.8), shape: [1, 4] },
        recurrentKernel: { data: Float32Array.of(0.2, 0.1, -0.3, 0.4), shape: [1, 4] },
        bias: { data: Float32Array.of(0.1, 1, 0, -0.1), shape: [4] },
      };
      const value = (b: number) => (b % 7) / 3 - 1;
      // The plain step kernel (one invocation per row and unit) is the one that needs this many workgroups; the
      // blocked variants cover 16 (row, unit) pairs per invocation and would need a batch past the binding limit.
      const options = { variant: 'step' } as const;
      const small = await lstmForward(r, { ...weights, x: { data: Float32Array.from({ length: 7 }, (_, b) => value(b)), shape: [7, 1, 1] } }, options);
      const big = await lstmForward(r, { ...weights, x: { data: Float32Array.from({ length: batch }, (_, b) => value(b)), shape: [batch, 1, 1] } }, options);
      let wrong = 0;
      for (let b = 0; b < batch; b++) if (big.output.data[b] !== small.output.data[b % 7]) wrong += 1;
      return { summary: Float32Array.of(batch, wrong, big.output.data[batch - 1]!, small.output.data[(batch - 1) % 7]!) };
    });
  },
};
