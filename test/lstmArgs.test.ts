/** Bad arguments to the functional LSTM API become named errors that say what was expected and received. */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, WebGPUUnavailableError } from '../src/errors';
import { createRuntime } from '../src/gpu/runtime';
import { checkLstmGrads, checkLstmInputs, resolveLstmOptions } from '../src/ops/lstmArgs';
import { checkFinite, toTensor } from '../src/tensor';

const t = (shape: number[], fill = 0.1) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill), shape });
const good = () => ({ x: t([2, 5, 3]), kernel: t([3, 8]), recurrentKernel: t([2, 8]), bias: t([8]) });

describe('checkLstmInputs', () => {
  it('accepts Keras-layout weights and derives the dimensions', () => {
    expect(checkLstmInputs(good()).dims).toEqual({ batch: 2, timesteps: 5, features: 3, units: 2 });
  });

  it('accepts nested arrays like tf.tensor', () => {
    const inputs = {
      ...good(),
      x: [
        [[1], [2]],
        [[3], [4]],
      ],
      kernel: t([1, 8]),
    };
    const checked = checkLstmInputs(inputs);
    expect(checked.dims).toEqual({ batch: 2, timesteps: 2, features: 1, units: 2 });
    expect([...checked.x.data]).toEqual([1, 2, 3, 4]);
  });

  it('rejects x of the wrong rank, naming the expected layout', () => {
    expect(() => checkLstmInputs({ ...good(), x: t([32, 60]) })).toThrow(ShapeError);
    expect(() => checkLstmInputs({ ...good(), x: t([32, 60]) })).toThrow('lstm expects input x of rank 3, [batch, timesteps, features]; got shape [32, 60]');
  });

  it('rejects a kernel whose rows do not match the features of x', () => {
    expect(() => checkLstmInputs({ ...good(), kernel: t([4, 8]) })).toThrow('kernel must be [features, 4·units] for x with 3 features = [3, 8]; got [4, 8]');
  });

  it('rejects a kernel whose width is not a multiple of 4', () => {
    expect(() => checkLstmInputs({ ...good(), kernel: t([3, 6]) })).toThrow(/kernel must be \[features, 4·units\].*got \[3, 6\]/);
  });

  it('rejects a recurrent kernel or bias of the wrong shape', () => {
    expect(() => checkLstmInputs({ ...good(), recurrentKernel: t([8, 2]) })).toThrow(
      'recurrentKernel must be [units, 4·units] with units = 2 (from kernel) = [2, 8]; got [8, 2]',
    );
    expect(() => checkLstmInputs({ ...good(), bias: t([2, 4]) })).toThrow(ShapeError);
  });

  it('rejects initial states of the wrong shape and a malformed pair', () => {
    expect(() => checkLstmInputs({ ...good(), initialState: [t([2, 2]), t([1, 2])] })).toThrow(
      'initialState[1] (c0) must be [batch, units] = [2, 2]; got [1, 2]',
    );
    expect(() => checkLstmInputs({ ...good(), initialState: [t([2, 2])] as never })).toThrow(ValueError);
  });

  it('rejects empty dimensions, ragged arrays, data/shape mismatches and non-numbers', () => {
    expect(() => checkLstmInputs({ ...good(), x: t([0, 5, 3]) })).toThrow(/every size ≥ 1/);
    expect(() => toTensor([[1, 2], [3]], 'x')).toThrow('x is ragged: x[1] has 1 entries where 2 were expected (shape [2, 2] from the first entries)');
    expect(() => toTensor({ data: new Float32Array(5), shape: [2, 3] }, 'x')).toThrow('x: shape [2, 3] holds 6 values; data has 5');
    expect(() => toTensor([[1, '2']] as never, 'x')).toThrow(`x[0][1] must be a number; got the string "2"`);
    expect(() => checkLstmInputs({ ...good(), bias: undefined } as never)).toThrow("'bias' is missing");
  });

  it('names the first non-finite value', () => {
    const x = t([2, 2, 1]);
    x.data[3] = Number.NaN;
    expect(() => checkFinite(x, 'x')).toThrow('x must hold finite numbers; x[1, 1, 0] is NaN');
  });
});

describe('resolveLstmOptions', () => {
  it('defaults to tanh / sigmoid / last output, like Keras', () => {
    expect(resolveLstmOptions()).toEqual({ activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: false, goBackwards: false });
  });

  it('rejects unknown activation names with the allowed list', () => {
    expect(() => resolveLstmOptions({ activation: 'gelu' as never })).toThrow(`activation must be one of 'tanh', 'relu', 'sigmoid', 'linear'; got "gelu"`);
    expect(() => resolveLstmOptions({ recurrentActivation: 'tanh' as never })).toThrow(/recurrentActivation must be one of 'sigmoid', 'hardSigmoid'/);
    expect(() => resolveLstmOptions({ returnSequences: 'yes' as never })).toThrow(ValueError);
  });
});

describe('checkLstmGrads', () => {
  const dims = { batch: 2, timesteps: 5, features: 3, units: 2 };
  it('wants dOutput in the output shape', () => {
    expect(() => checkLstmGrads({ dOutput: t([2, 2]) }, dims, true)).toThrow(
      'dOutput must be the output shape [batch, timesteps, units] = [2, 5, 2]; got [2, 2]',
    );
    expect(() => checkLstmGrads({ dOutput: t([2, 2]), dh: t([2, 3]) }, dims, false)).toThrow('dh must be [batch, units] = [2, 2]; got [2, 3]');
  });
});

describe('createRuntime', () => {
  it('says how to enable WebGPU where there is none (Node has no navigator.gpu) when asked for WebGPU', async () => {
    await expect(createRuntime({ backend: 'webgpu' })).rejects.toThrow(WebGPUUnavailableError);
    await expect(createRuntime({ backend: 'webgpu' })).rejects.toThrow(/--enable-unsafe-webgpu/);
  });

  it('by default falls back to WebAssembly there, and its training calls repeat how to enable WebGPU', async () => {
    const rt = await createRuntime();
    expect(rt.backend).toBe('wasm');
    expect(() => rt.requireWebGpu('model.fitRidge')).toThrow(
      /model.fitRidge needs WebGPU.*WebGPU is missing: WebGPU is not available here.*--enable-unsafe-webgpu/,
    );
    rt.dispose();
  });
});
