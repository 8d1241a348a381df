/**
 * The float64 CPU reference of the GRU (src/reference/gruStep.ts), checked on its own: one step against the
 * PyTorch and Keras equations written out by hand, goBackwards against a time-reversed input, and every gradient
 * of BPTT against central finite differences for each activation pair × resetAfter × goBackwards. Also the
 * argument errors and the kernels' binding counts (no GPU needed). The GPU tests then trust this reference.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../src/errors';
import { CELL_ACTIVATIONS, GATE_ACTIVATIONS } from '../src/kernels/activations';
import { defaultGruVariant, gruKernels } from '../src/kernels/gruStep';
import { gruVec4Kernels } from '../src/kernels/gruStepVec4';
import { checkGruGrads, checkGruInputs, resolveGruOptions } from '../src/ops/gruArgs';
import { gruBackward, gruForward, gruStep } from '../src/reference/gruStep';
import { expectClose } from './support/compare';
import { dotLoss, expectGradients, reverseTime } from './support/finiteDifferences';
import { rng } from './support/random';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const EXACT = { atol: 1e-14, rtol: 1e-14 };

describe('reference gruStep', () => {
  // features 2, units 2; Keras layout kernel [2, 6], recurrent [2, 6], columns z0 z1 r0 r1 h0 h1
  const x = [0.5, -1];
  const W = [0.1, 0.2, 0.3, 0.4, -0.5, 0.6, -0.7, 0.8, 0.9, -1.0, 1.1, -1.2];
  const R = [0.3, -0.2, 0.5, 0.1, -0.4, 0.7, 0.6, 0.2, -0.3, 0.8, 0.25, -0.6];
  const h = [0.3, -0.6];
  const col = (M: number[], rowVec: number[], c: number) => rowVec.reduce((s, v, k) => s + v * M[k * 6 + c]!, 0);

  it('resetAfter: PyTorch n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h', () => {
    const bIn = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06];
    const bRec = [-0.03, 0.02, -0.01, 0.05, -0.02, 0.04];
    const expected = [0, 1].map((j) => {
      const z = sigmoid(col(W, x, j) + bIn[j]! + col(R, h, j) + bRec[j]!);
      const r = sigmoid(col(W, x, 2 + j) + bIn[2 + j]! + col(R, h, 2 + j) + bRec[2 + j]!);
      const n = Math.tanh(col(W, x, 4 + j) + bIn[4 + j]! + r * (col(R, h, 4 + j) + bRec[4 + j]!));
      return (1 - z) * n + z * h[j]!;
    });
    const step = gruStep(x, Float64Array.from(h), W, R, [...bIn, ...bRec], { B: 1, F: 2, U: 2 });
    expectClose(step.h, expected, EXACT, 'h');
  });

  it('reset before: Keras hh = tanh(x·Wh + bh + (r ⊙ h)·Uh), r of every unit inside the product', () => {
    const bias = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06];
    const z = [0, 1].map((j) => sigmoid(col(W, x, j) + bias[j]! + col(R, h, j)));
    const r = [0, 1].map((j) => sigmoid(col(W, x, 2 + j) + bias[2 + j]! + col(R, h, 2 + j)));
    const rh = [r[0]! * h[0]!, r[1]! * h[1]!];
    const expected = [0, 1].map((j) => {
      const hh = Math.tanh(col(W, x, 4 + j) + bias[4 + j]! + col(R, rh, 4 + j));
      return z[j]! * h[j]! + (1 - z[j]!) * hh;
    });
    const step = gruStep(x, Float64Array.from(h), W, R, bias, { B: 1, F: 2, U: 2 }, { resetAfter: false });
    expectClose(step.h, expected, EXACT, 'h');
  });
});

function randomCase(seed: number, B: number, T: number, F: number, U: number, resetAfter: boolean) {
  const random = rng(seed);
  const r = (n: number, s = 1) => Float64Array.from({ length: n }, () => (random() * 2 - 1) * s);
  return {
    x: r(B * T * F),
    kernel: r(F * 3 * U, 0.6),
    recurrentKernel: r(U * 3 * U, 0.6),
    bias: r((resetAfter ? 2 : 1) * 3 * U, 0.3),
    h0: r(B * U, 0.5),
  };
}

type Params = ReturnType<typeof randomCase>;

function inputsOf(p: Params, B: number, T: number, F: number, U: number, resetAfter: boolean, initialState: boolean) {
  return {
    x: { data: p.x, shape: [B, T, F] },
    kernel: { data: p.kernel, shape: [F, 3 * U] },
    recurrentKernel: { data: p.recurrentKernel, shape: [U, 3 * U] },
    bias: { data: p.bias, shape: resetAfter ? [2, 3 * U] : [3 * U] },
    ...(initialState ? { initialState: [{ data: p.h0, shape: [B, U] }] as const } : {}),
  };
}

describe('reference gru goBackwards', () => {
  it.each([true, false])('equals the forward layer on time-reversed x, outputs in processing order (resetAfter %s)', (resetAfter) => {
    const [B, T, F, U] = [2, 5, 3, 4];
    const p = randomCase(11, B, T, F, U, resetAfter);
    const options = { resetAfter, returnSequences: true };
    const reversed = { ...p, x: reverseTime(p.x, B, T, F) };
    const dOutput = randomCase(12, B, T, U, 1, true).x; // [B, T, U] values: x of a case with U features
    const grads = { dOutput: { data: dOutput, shape: [B, T, U] } };
    const backwards = gruBackward(inputsOf(p, B, T, F, U, resetAfter, true), grads, { ...options, goBackwards: true });
    const plain = gruBackward(inputsOf(reversed, B, T, F, U, resetAfter, true), grads, options);
    expectClose(backwards.output.data, plain.output.data, EXACT, 'output');
    expectClose(backwards.h.data, plain.h.data, EXACT, 'h');
    expectClose(backwards.dX.data, reverseTime(plain.dX.data, B, T, F), EXACT, 'dX');
    expectClose(backwards.dKernel.data, plain.dKernel.data, EXACT, 'dKernel');
  });
});

// Every activation pair × resetAfter × goBackwards; within each (resetAfter, goBackwards) group the eight pairs
// also cover all four (returnSequences, initialState) combinations.
const ACTIVATION_PAIRS = CELL_ACTIVATIONS.flatMap((activation) => GATE_ACTIVATIONS.map((recurrentActivation) => ({ activation, recurrentActivation })));
const FD_CASES = [true, false].flatMap((resetAfter) =>
  [false, true].flatMap((goBackwards) =>
    ACTIVATION_PAIRS.map((pair, a) => {
      const g = (resetAfter ? 0 : 2) + (goBackwards ? 1 : 0);
      return { ...pair, resetAfter, goBackwards, returnSequences: (a + g) % 2 === 0, initialState: ((a >> 1) + g) % 2 === 0 };
    }),
  ),
);

describe('reference gruBackward vs finite differences (float64)', () => {
  it.each(FD_CASES)(
    '$activation/$recurrentActivation resetAfter=$resetAfter back=$goBackwards seq=$returnSequences h0=$initialState',
    ({ initialState, ...options }) => {
      const [B, T, F, U] = [2, 4, 3, 3];
      const params = randomCase(7, B, T, F, U, options.resetAfter);
      const random = rng(8);
      const dOutput = Float64Array.from({ length: options.returnSequences ? B * T * U : B * U }, () => random() * 2 - 1);
      const dh = Float64Array.from({ length: B * U }, () => random() * 2 - 1);
      const inputs = () => inputsOf(params, B, T, F, U, options.resetAfter, initialState);
      const analytic = gruBackward(inputs(), { dOutput: { data: dOutput, shape: [] }, dh: { data: dh, shape: [B, U] } }, options);
      const pairs = [
        ['x', 'dX'],
        ['kernel', 'dKernel'],
        ['recurrentKernel', 'dRecurrentKernel'],
        ['bias', 'dBias'],
        ...(initialState ? ([['h0', 'dh0']] as const) : []),
      ] as const;
      expectGradients(params, analytic, pairs, () => dotLoss(gruForward(inputs(), options), dOutput, dh));
    },
  );
});

describe('gru arguments', () => {
  const t = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1), shape });
  const good = () => ({ x: t([2, 5, 3]), kernel: t([3, 6]), recurrentKernel: t([2, 6]), bias: t([2, 6]) });

  it('derives the dimensions from Keras-layout weights; resetAfter defaults to true', () => {
    expect(checkGruInputs(good(), true).dims).toEqual({ batch: 2, timesteps: 5, features: 3, units: 2 });
    expect(resolveGruOptions()).toEqual({ activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: false, goBackwards: false, resetAfter: true });
  });

  it('wants a bias of the shape resetAfter implies, and says how to switch', () => {
    expect(() => checkGruInputs({ ...good(), bias: t([6]) }, true)).toThrow(ShapeError);
    expect(() => checkGruInputs({ ...good(), bias: t([6]) }, true)).toThrow(
      /bias must be \[2, 3·units\] with resetAfter: true .*pass resetAfter: false.* = \[2, 6\]; got \[6\]/,
    );
    expect(() => checkGruInputs(good(), false)).toThrow('bias must be [3·units] with resetAfter: false, units = 2 = [6]; got [2, 6]');
  });

  it('rejects kernels that are not 3·units wide, and bad states, options and gradients', () => {
    expect(() => checkGruInputs({ ...good(), kernel: t([3, 8]) }, true)).toThrow(
      /kernel must be \[features, 3·units\] \(Keras layout, gates z, r, h\); got \[3, 8\]/,
    );
    expect(() => checkGruInputs({ ...good(), recurrentKernel: t([6, 2]) }, true)).toThrow(
      'recurrentKernel must be [units, 3·units] with units = 2 (from kernel) = [2, 6]; got [6, 2]',
    );
    expect(() => checkGruInputs({ ...good(), initialState: [t([2, 2]), t([2, 2])] as never }, true)).toThrow(
      'initialState must be [h0], one tensor of shape [batch, units]',
    );
    expect(() => checkGruInputs({ ...good(), x: t([2, 5]) }, true)).toThrow('gru expects input x of rank 3, [batch, timesteps, features]; got shape [2, 5]');
    expect(() => resolveGruOptions({ resetAfter: 'no' as never })).toThrow(ValueError);
    expect(() => resolveGruOptions({ goBackwards: 1 as never })).toThrow('goBackwards must be true or false; got 1');
    const dims = { batch: 2, timesteps: 5, features: 3, units: 2 };
    expect(() => checkGruGrads({ dOutput: t([2, 2]) }, dims, true)).toThrow(
      'dOutput must be the output shape [batch, timesteps, units] = [2, 5, 2]; got [2, 2]',
    );
  });
});

describe('gruStep kernels', () => {
  it('bind at most 8 storage buffers per entry point (the WebGPU default limit)', () => {
    for (const kernel of Object.values(gruKernels)) {
      const storage = kernel.iface.bindings.filter((b) => b.kind !== 'uniform');
      expect(storage.length, kernel.label).toBeLessThanOrEqual(8);
    }
    // helpers' resources count for the entry that calls them: backward reads dgh and carry through `incoming`;
    // dh_T enters through carry, so the step mask (direction.wgsl) is the eighth, not a ninth
    expect(gruKernels.backward.iface.bindings.map((b) => b.name)).toEqual([
      'back_params',
      'recurrent_b',
      'saved_gates',
      'saved_h',
      'dy',
      'carry',
      'dgx',
      'dgh',
      'step_mask',
    ]);
  });

  it('vec4: at most 8 storage buffers per entry, the step mask included; reset_after binds no hcat (only forward_candidate writes it)', () => {
    for (const kernel of Object.values(gruVec4Kernels)) {
      const storage = kernel.iface.bindings.filter((b) => b.kind !== 'uniform');
      expect(storage.length, kernel.label).toBeLessThanOrEqual(8);
    }
    expect(gruVec4Kernels.forward.iface.bindings.map((b) => b.name).sort()).toEqual(['gates', 'h', 'params', 'scratch', 'step_mask', 'x_in', 'xproj']);
    expect(gruVec4Kernels.forwardCandidate.iface.bindings.map((b) => b.name).sort()).toEqual(['gates', 'h', 'hcat', 'params', 'scratch', 'step_mask']);
    // dh_T enters through carry: backward_update binds 8 with the step mask (a dh_last binding would make 9).
    expect(gruVec4Kernels.backwardUpdate.iface.bindings.map((b) => b.name).sort()).toEqual([
      'back_params',
      'carry',
      'dgates',
      'dy',
      'hcat',
      'saved_gates',
      'saved_h',
      'scratch',
      'step_mask',
    ]);
  });
});

describe('defaultGruVariant', () => {
  it('follows the measurements: vec4 blocks on a CPU emulation with enough rows, the plain step otherwise and on a GPU', () => {
    const swiftshader = { isFallback: true };
    const gpu = { isFallback: false };
    expect(defaultGruVariant({ batch: 32, timesteps: 60, features: 1, units: 50 }, swiftshader)).toBe('vec4');
    expect(defaultGruVariant({ batch: 16, timesteps: 2, features: 32, units: 256 }, swiftshader)).toBe('vec4');
    expect(defaultGruVariant({ batch: 2, timesteps: 100, features: 8, units: 64 }, swiftshader)).toBe('step');
    expect(defaultGruVariant({ batch: 1, timesteps: 1, features: 32, units: 256 }, swiftshader)).toBe('step');
    expect(defaultGruVariant({ batch: 32, timesteps: 60, features: 1, units: 50 }, gpu)).toBe('step');
    expect(defaultGruVariant({ batch: 32, timesteps: 60, features: 1, units: 50 }, gpu, false)).toBe('vec4');
    expect(defaultGruVariant({ batch: 1, timesteps: 1, features: 32, units: 256 }, gpu, false)).toBe('step');
    expect(defaultGruVariant({ batch: 32, timesteps: 60, features: 1, units: 50 })).toBe('vec4');
  });
});
