/** Which LSTM kernels run by default on each kind of adapter, and how a caller pins them (RuntimeOptions.kernels). */
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../src/index';
import { ValueError } from '../src/errors';
import { LSTM_SEQ_MAX_UNITS_ON_GPU, defaultLstmVariant } from '../src/kernels/lstmStep';

const gpu = { isFallback: false };
const swiftshader = { isFallback: true };

describe('defaultLstmVariant', () => {
  it('follows the SwiftShader measurements on a CPU emulation: vec4 blocks with enough rows, else the plain step', () => {
    expect(defaultLstmVariant({ batch: 32, timesteps: 60, features: 1, units: 50 }, swiftshader)).toBe('vec4');
    expect(defaultLstmVariant({ batch: 1, timesteps: 1, features: 32, units: 256 }, swiftshader)).toBe('step');
    expect(defaultLstmVariant({ batch: 2, timesteps: 100, features: 8, units: 64 }, swiftshader)).toBe('step');
  });

  it('runs the one-dispatch loop on a real GPU for small hidden sizes and 8+ steps, the plain step otherwise', () => {
    expect(defaultLstmVariant({ batch: 32, timesteps: 60, features: 1, units: 50 }, gpu)).toBe('seq');
    expect(defaultLstmVariant({ batch: 32, timesteps: 60, features: 1, units: LSTM_SEQ_MAX_UNITS_ON_GPU }, gpu)).toBe('seq');
    expect(defaultLstmVariant({ batch: 64, timesteps: 100, features: 32, units: 256 }, gpu)).toBe('step');
    expect(defaultLstmVariant({ batch: 1, timesteps: 1, features: 32, units: 64 }, gpu)).toBe('step');
    expect(defaultLstmVariant({ batch: 1, timesteps: 20, features: 8, units: 64 }, gpu)).toBe('seq');
    expect(defaultLstmVariant({ batch: 64, timesteps: 4, features: 8, units: 64 }, gpu)).toBe('step');
  });

  it('assumes a CPU emulation when the adapter is not given', () => {
    expect(defaultLstmVariant({ batch: 32, timesteps: 60, features: 1, units: 50 })).toBe('vec4');
  });
});

describe('createRuntime({ kernels })', () => {
  it('rejects an unknown variant or cell before asking for an adapter, naming the choices', async () => {
    await expect(createRuntime({ kernels: { lstm: 'fast' as never } })).rejects.toThrow(ValueError);
    await expect(createRuntime({ kernels: { lstm: 'fast' as never } })).rejects.toThrow(/kernels\.lstm must be one of 'step', 'vec4', 'seq'; got "fast"/);
    await expect(createRuntime({ kernels: { rnn: 'seq' } as never })).rejects.toThrow(/kernels has no cell 'rnn'/);
  });
});
