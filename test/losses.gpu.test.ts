/**
 * Every loss on WebGPU (shaders/losses.wgsl through recordLoss) against its float64 twin
 * (src/reference/losses.ts): dP of the batch-mean loss, and the sum and row count ADDED to the accumulator.
 * Rows are not multiples of the workgroup size (64), inputs and outputs sit at element offsets, and output
 * buffers start as NaN so any element written out of place, or not written, fails.
 */
import { describe, expect, it } from 'vitest';
import type { LossConfig, LossKind } from '../src/kernels/losses';
import { loss } from '../src/reference/losses';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { ACCUMULATED_SUM, LOSS_GRADIENT } from './support/tolerances';
import { lossData, withOffset } from './support/trainingData';

const cfg = (kind: LossKind, fromLogits = false, delta = 1): LossConfig => ({ kind, fromLogits, delta });
const enc = (data: Float32Array) => ({ data: encodeFloats(data), shape: [data.length] });

const LOSSES: LossConfig[] = [
  cfg('mse'),
  cfg('mae'),
  cfg('huber'),
  cfg('huber', false, 0.4),
  cfg('binaryCrossentropy'),
  cfg('binaryCrossentropy', true),
  cfg('categoricalCrossentropy'),
  cfg('categoricalCrossentropy', true),
  cfg('sparseCategoricalCrossentropy'),
  cfg('sparseCategoricalCrossentropy', true),
];
const SHAPES = [
  { rows: 67, cols: 5 },
  { rows: 1, cols: 1 },
  { rows: 130, cols: 3 },
];
const CASES = LOSSES.flatMap((c) =>
  SHAPES.map((s) => ({ ...s, c, name: `${c.kind}${c.fromLogits ? ' fromLogits' : ''} δ=${c.delta} [${s.rows}, ${s.cols}]` })),
);

describe.skipIf(skipGpu)('losses on WebGPU', () => {
  const page = useHarness();

  async function check(c: LossConfig, rows: number, cols: number, p: Float32Array, y: Float32Array) {
    const [pOffset, yOffset, outOffset] = [5, 3, 7];
    const accum = Float32Array.of(0.25, 3, 7);
    const result = await page.run('trainingLoss', {
      loss: c,
      p: enc(withOffset(p, pOffset)),
      y: enc(withOffset(y, yOffset)),
      rows,
      cols,
      pOffset,
      yOffset,
      outOffset,
      accum: enc(accum),
    });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(2);
    const expected = loss(c, p, y, rows, cols);
    const dP = new Float64Array(outOffset + rows * cols).fill(Number.NaN);
    dP.set(expected.dPredictions, outOffset);
    expectClose(result.outputs.dP!, dP, LOSS_GRADIENT, 'dP');
    // ADDED, not stored: the seeded values stay under the sums; slot 2 is another metric's and stays 7.
    expectClose(result.outputs.accum!, [0.25 + expected.sum, 3 + rows, 7], ACCUMULATED_SUM, 'accum');
  }

  it.each(CASES)('$name', async ({ c, rows, cols }) => {
    const { p, y } = lossData(rows * 31 + cols, rows, cols, c);
    await check(c, rows, cols, p, y);
  });

  it.each([cfg('binaryCrossentropy', true), cfg('categoricalCrossentropy', true), cfg('sparseCategoricalCrossentropy', true)])(
    '$kind: logits of ±80 stay finite and exact (stable log-sigmoid, log-sum-exp)',
    async (c) => {
      const { p, y } = lossData(5, 9, 4, c, 80);
      await check(c, 9, 4, p, y);
    },
  );

  it('probabilities at and beyond the clip bounds (0, 1, 1e-9) follow the Keras clip', async () => {
    for (const c of [cfg('binaryCrossentropy'), cfg('categoricalCrossentropy'), cfg('sparseCategoricalCrossentropy')]) {
      const p = Float32Array.of(0, 0.5, 1, 1e-9, 0.3, 0.7);
      const y = c.kind === 'sparseCategoricalCrossentropy' ? Float32Array.of(1, 0) : Float32Array.of(1, 0, 1, 0, 1, 0);
      await check(c, 2, 3, p, y);
    }
  });

  it('a sparse label that is no class id makes its row NaN (and so the sum), not a wrong number', async () => {
    const c = cfg('sparseCategoricalCrossentropy', true);
    const { p } = lossData(8, 3, 4, c);
    await check(c, 3, 4, p, Float32Array.of(1, 4, 0));
  });
});
