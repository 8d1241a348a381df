/**
 * The fused LSTM weight gradients (shaders/lstmWeightGrad.wgsl: dU, dW and db from the gate-interleaved dG in
 * one dispatch) on WebGPU against the float64 twin (src/reference/lstmWeightGrad.ts), for every block shape.
 */
import { describe, expect, it } from 'vitest';
import { LSTM_WEIGHT_GRAD_BLOCKS } from '../src/kernels/lstmWeightGrad';
import { lstmWeightGrad } from '../src/reference/lstmWeightGrad';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { GEMM } from './support/tolerances';

const SHAPES = [
  // the Keras tutorial's layer (R = T·B = 1920, 50 units: not a multiple of 4 or 8, one feature)
  { rows: 1920, units: 50, features: 1 },
  // one unit, one row; features that fill a block exactly and spill the bias row into the next one
  { rows: 1, units: 1, features: 1 },
  { rows: 13, units: 7, features: 7 },
  { rows: 9, units: 9, features: 8 },
  { rows: 21, units: 12, features: 3 },
  { rows: 5, units: 17, features: 16 },
];
const TABLE = SHAPES.flatMap((s) => LSTM_WEIGHT_GRAD_BLOCKS.map((block) => ({ ...s, block })));

describe.skipIf(skipGpu)('lstmWeightGrad on WebGPU', () => {
  const page = useHarness();

  it.each(TABLE)('rows=$rows units=$units features=$features block=$block', async (c) => {
    const random = rng(c.rows * 100 + c.units * 10 + c.features);
    // h_prev and x start at offsets inside their buffers, as in a layer (slot 0 of h, a stacked layer's x)
    const hOffset = c.units * 3;
    const xOffset = 5;
    const h = uniform(random, hOffset + c.rows * c.units, 1);
    const x = uniform(random, xOffset + c.rows * c.features, 1);
    const dg = uniform(random, c.rows * 4 * c.units, 1);
    const result = await page.run('lstmWeightGrad', {
      h: { data: encodeFloats(h), shape: [h.length] },
      x: { data: encodeFloats(x), shape: [x.length] },
      dg: { data: encodeFloats(dg), shape: [dg.length] },
      rows: c.rows,
      units: c.units,
      features: c.features,
      hOffset,
      xOffset,
      block: c.block,
    });
    expect(result.validationError).toBeNull();
    expect(result.dispatches).toBe(1);
    expect(result.liveBuffersAfter).toBe(0);
    const expected = lstmWeightGrad(h.subarray(hOffset), x.subarray(xOffset), dg, c.rows, c.units, c.features);
    const tol = { atol: GEMM.atol * Math.sqrt(c.rows), rtol: GEMM.rtol };
    expectClose(result.outputs.dU!, expected.dU, tol, 'dU');
    expectClose(result.outputs.dW!, expected.dW, tol, 'dW');
    expectClose(result.outputs.db!, expected.db, tol, 'db');
  });
});
