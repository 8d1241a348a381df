/** Which LSTM and GEMM kernels run by default on each kind of adapter, and how a caller pins them (RuntimeOptions.kernels). */
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../src/index';
import { ValueError } from '../src/errors';
import { LSTM_SEQ_MAX_UNITS_ON_GPU, defaultLstmVariant } from '../src/kernels/lstmStep';
import { GEMM_PLAIN_MAX_MACS, defaultGemmVariant } from '../src/kernels/gemm';
import { SIMPLE_RNN_SEQ_MAX_UNITS, simpleRnnVariant } from '../src/kernels/simpleRnnStep';
import { EchoState } from '../src/layers/echoState';

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

describe('defaultGemmVariant', () => {
  it("runs a Dense(1) head's three tiny products on the plain kernel (it compiles faster) and larger ones on vec4", () => {
    // The tutorial's Dense(1) on LSTM(50), batch 32: forward 32×1×50, dW 50×1×32, dX 32×50×1.
    for (const g of [
      { m: 32, n: 1, k: 50 },
      { m: 50, n: 1, k: 32 },
      { m: 32, n: 50, k: 1 },
    ])
      expect(defaultGemmVariant(g)).toBe('plain');
    expect(defaultGemmVariant({ m: 6400, n: 1024, k: 32 })).toBe('vec4');
    expect(defaultGemmVariant({ m: 512, n: 512, k: 512 })).toBe('vec4');
  });

  it('counts multiply-adds m·n·k, the limit itself included', () => {
    expect(defaultGemmVariant({ m: GEMM_PLAIN_MAX_MACS, n: 1, k: 1 })).toBe('plain');
    expect(defaultGemmVariant({ m: GEMM_PLAIN_MAX_MACS + 1, n: 1, k: 1 })).toBe('vec4');
    expect(defaultGemmVariant({ m: 64, n: 32, k: 33 })).toBe('vec4');
  });
});

describe('simpleRnnVariant', () => {
  it("runs a sparse reservoir's few long rows over its non-zeros, and pins win as they are", () => {
    expect(simpleRnnVariant({ batch: 1, units: 400 }, undefined, true)).toBe('sparse');
    expect(simpleRnnVariant({ batch: 1, units: 400 }, undefined, false)).toBe('seq');
    // Many rows: the per-step kernel, over the non-zeros when sparse; too many units for workgroup memory too.
    expect(simpleRnnVariant({ batch: 32, units: 400 }, undefined, true)).toBe('sparseStep');
    expect(simpleRnnVariant({ batch: 32, units: 400 }, undefined, false)).toBe('step');
    expect(simpleRnnVariant({ batch: 1, units: SIMPLE_RNN_SEQ_MAX_UNITS + 1 }, undefined, true)).toBe('sparseStep');
    expect(simpleRnnVariant({ batch: 1, units: 400 }, 'seq', true)).toBe('seq');
    expect(simpleRnnVariant({ batch: 32, units: 400 }, 'sparse', false)).toBe('sparse');
    expect(simpleRnnVariant({ batch: 1, units: SIMPLE_RNN_SEQ_MAX_UNITS + 1 }, 'sparse', false)).toBe('sparseStep');
    expect(simpleRnnVariant({ batch: 1, units: SIMPLE_RNN_SEQ_MAX_UNITS + 1 }, 'seq', false)).toBe('step');
  });

  it('calls an echo-state reservoir sparse at connectivity 0.5 and below', () => {
    const options = (connectivity: number) =>
      (new EchoState({ units: 8, connectivity }) as unknown as { cellOptions(g: boolean): { sparse?: boolean } }).cellOptions(false);
    expect(options(0.1).sparse).toBe(true);
    expect(options(0.5).sparse).toBe(true);
    expect(options(0.75).sparse).toBe(false);
  });
});

describe('createRuntime({ kernels })', () => {
  it('rejects an unknown variant or cell before asking for an adapter, naming the choices', async () => {
    await expect(createRuntime({ kernels: { lstm: 'fast' as never } })).rejects.toThrow(ValueError);
    await expect(createRuntime({ kernels: { lstm: 'fast' as never } })).rejects.toThrow(/kernels\.lstm must be one of 'step', 'vec4', 'seq'; got "fast"/);
    await expect(createRuntime({ kernels: { rnn: 'seq' } as never })).rejects.toThrow(/kernels has no cell 'rnn'/);
  });
});
