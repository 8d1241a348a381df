/**
 * A Dense layer's forward pass on the CPU path (wasm/dense.ts through src/cpu/dense.ts) against the float64 twin
 * (src/reference/dense.ts): every activation, output widths that are and are not multiples of 4 (the padded
 * columns), row counts on and off the GEMM's 4-row tiles, with and without a bias; and its backward pass.
 */
import { describe, it } from 'vitest';
import { WasmDense } from '../src/cpu/dense';
import { DENSE_ACTIVATIONS } from '../src/kernels/dense';
import { denseBackward, denseForward } from '../src/reference/dense';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { rng, uniform } from './support/random';
import { GEMM, GRADIENT_RELATIVE_TO_MAX } from './support/tolerances';

const SHAPES = [
  { rows: 1, inputs: 1, units: 1 },
  { rows: 7, inputs: 5, units: 3 },
  { rows: 32, inputs: 50, units: 1 },
  { rows: 9, inputs: 33, units: 12 },
  { rows: 64, inputs: 256, units: 32 },
];

describe('Dense in WebAssembly against the float64 twin', () => {
  const cases = DENSE_ACTIVATIONS.flatMap((activation) => SHAPES.flatMap((s) => [true, false].map((bias) => ({ ...s, activation, bias }))));
  it.each(cases.map((c, i) => [`${c.activation} rows ${c.rows} ${c.inputs}→${c.units}${c.bias ? '' : ' no bias'}`, c, i] as const))(
    '%s',
    (_label, c, index) => {
      const random = rng(500 + index);
      const x = uniform(random, c.rows * c.inputs, 1);
      const kernel = uniform(random, c.inputs * c.units, 1 / Math.sqrt(c.inputs));
      const bias = c.bias ? uniform(random, c.units, 0.5) : null;
      const got = new WasmDense(c.inputs, c.units, kernel, bias, c.activation).forward(x, c.rows);
      const want = denseForward({ x, kernel, ...(bias ? { bias } : {}), rows: c.rows, inputs: c.inputs, units: c.units, activation: c.activation });
      expectClose(got, want, GEMM, 'Y');
    },
  );

  it.each(cases.map((c, i) => [`backward: ${c.activation} rows ${c.rows} ${c.inputs}→${c.units}${c.bias ? '' : ' no bias'}`, c, i] as const))(
    '%s',
    (_label, c, index) => {
      const random = rng(900 + index);
      const x = uniform(random, c.rows * c.inputs, 1);
      const kernel = uniform(random, c.inputs * c.units, 1 / Math.sqrt(c.inputs));
      const bias = c.bias ? uniform(random, c.units, 0.5) : null;
      const dY = uniform(random, c.rows * c.units, 1);
      const dense = new WasmDense(c.inputs, c.units, kernel, bias, c.activation);
      const got = dense.backward(dY, dense.forward(x, c.rows));
      const want = denseBackward({ x, kernel, ...(bias ? { bias } : {}), rows: c.rows, inputs: c.inputs, units: c.units, activation: c.activation }, dY);
      expectCloseRelativeToMax(got.dX, want.dX, GRADIENT_RELATIVE_TO_MAX, 'dX');
      expectCloseRelativeToMax(got.dKernel, want.dKernel, GRADIENT_RELATIVE_TO_MAX, 'dKernel');
      expectCloseRelativeToMax(got.dBias, want.dBias, GRADIENT_RELATIVE_TO_MAX, 'dBias');
    },
  );
});
