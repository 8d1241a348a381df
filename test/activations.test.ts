/** The float64 twin of shaders/activations.wgsl: values, overflow safety, and derivatives from outputs. */
import { describe, expect, it } from 'vitest';
import { ACTIVATION_IDS, type ActivationName } from '../src/kernels/activations';
import { act, actGradFromOutput } from '../src/reference/activations';

const NAMES = Object.keys(ACTIVATION_IDS) as ActivationName[];

describe('reference activations', () => {
  it('match their definitions', () => {
    expect(act(0.3, 'tanh')).toBeCloseTo(Math.tanh(0.3), 15);
    expect(act(-2, 'relu')).toBe(0);
    expect(act(2, 'relu')).toBe(2);
    expect(act(0.7, 'sigmoid')).toBeCloseTo(1 / (1 + Math.exp(-0.7)), 15);
    expect(act(-0.7, 'sigmoid')).toBeCloseTo(1 / (1 + Math.exp(0.7)), 15);
    expect(act(1, 'hardSigmoid')).toBeCloseTo(0.7, 15);
    expect(act(10, 'hardSigmoid')).toBe(1);
    expect(act(-10, 'hardSigmoid')).toBe(0);
    expect(act(-4.5, 'linear')).toBe(-4.5);
  });

  it.each(NAMES)('%s stays finite and bounded where it should at ±1e4', (name) => {
    for (const x of [-1e4, 1e4]) expect(Number.isFinite(act(x, name))).toBe(true);
  });

  it.each(NAMES)('%s: the derivative from the output equals a central difference', (name) => {
    for (const x of [-2.2, -0.4, 0.3, 1.7]) {
      const y = act(x, name);
      const numeric = (act(x + 1e-6, name) - act(x - 1e-6, name)) / 2e-6;
      expect(actGradFromOutput(y, name)).toBeCloseTo(numeric, 8);
    }
  });
});
