/**
 * Dropout without a GPU: the float64 twin's integer hash against values from an independent implementation
 * (Python), the statistics of its masks (fraction kept within binomial bounds, mean preserved, masks shared
 * along the noise shape's 1-axes, a new mask per step), the kernel's reflected interface, and the layers' options,
 * errors and Keras configs.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, layers } from '../src/index';
import { dropoutAdvanceKernel, dropoutApplyKernel, dropoutBackwardKernel, type DropoutConfig } from '../src/kernels/dropout';
import { layersFromTopology } from '../src/model/kerasLayers';
import { dropoutBackward, dropoutDraw, dropoutForward, dropoutScale } from '../src/reference/dropout';
import type { Dropout } from '../src/layers/dropout';

const ALL = { timesteps: true, batch: true, features: true };

describe('reference dropout', () => {
  it('draws the bits an independent implementation computes (Python, 32-bit wrapping)', () => {
    expect([dropoutDraw(7, 0, 0), dropoutDraw(7, 3, 12345), dropoutDraw(0xffffffff, 0xffffffff, 0xffffffff)]).toEqual([1420618368, 381301242, 396288268]);
  });

  it('keeps 1 − rate of the elements (within 5σ of the binomial), scaled so the mean is preserved', () => {
    const dims = { rows: 400 * 8, cols: 50, batch: 8 };
    for (const rate of [0.1, 0.5, 0.9]) {
      const scale = dropoutScale(dims, { rate, seed: 3, noise: ALL }, 0);
      const n = scale.length;
      const kept = scale.filter((s) => s > 0).length;
      expect(Math.abs(kept - n * (1 - rate))).toBeLessThan(5 * Math.sqrt(n * rate * (1 - rate)));
      expect(new Set(scale)).toEqual(new Set([0, 1 / (1 - rate)]));
      const mean = scale.reduce((a, b) => a + b, 0) / n; // E[scale] = 1
      expect(Math.abs(mean - 1)).toBeLessThan((5 * Math.sqrt(rate / (1 - rate))) / Math.sqrt(n));
    }
    expect(dropoutScale(dims, { rate: 0, seed: 3, noise: ALL }, 0).every((s) => s === 1)).toBe(true);
  });

  it('shares one mask along an axis of noise size 1 (SpatialDropout1D: the same at every timestep), and draws anew per step', () => {
    const [T, B, C] = [6, 3, 5];
    const dims = { rows: T * B, cols: C, batch: B };
    const config: DropoutConfig = { rate: 0.5, seed: 11, noise: { timesteps: false, batch: true, features: true } };
    const scale = dropoutScale(dims, config, 4);
    for (let t = 1; t < T; t++) expect(scale.slice(t * B * C, (t + 1) * B * C)).toEqual(scale.slice(0, B * C));
    expect(scale.slice(0, C)).not.toEqual(scale.slice(C, 2 * C)); // batch rows differ (a 1 in 2^5 chance each: seed fixed)
    expect(dropoutScale(dims, config, 5)).not.toEqual(scale);
    expect(dropoutScale(dims, config, 4)).toEqual(scale);
    const perTimestep = dropoutScale(dims, { ...config, noise: { timesteps: true, batch: false, features: false } }, 0);
    for (let t = 0; t < T; t++) expect(new Set(perTimestep.slice(t * B * C, (t + 1) * B * C)).size).toBe(1);
  });

  it('multiplies forward and backward by the same scale', () => {
    expect([...dropoutForward([1, 2, 3], [0, 2, 2])]).toEqual([0, 4, 6]);
    expect([...dropoutBackward([5, 6, 7], [0, 2, 2])]).toEqual([0, 12, 14]);
  });
});

describe('dropout kernel interface', () => {
  it('apply reads x and the step, writes the scale and y; advance touches the step only; backward reads the scale', () => {
    expect(dropoutApplyKernel.iface.bindings.map((b) => `${b.name}:${b.kind}`)).toEqual([
      'params:uniform',
      'step:storage',
      'x:read-only-storage',
      'scale:storage',
      'y:storage',
    ]);
    expect(dropoutAdvanceKernel.iface.bindings.map((b) => b.name)).toEqual(['step']);
    expect(dropoutBackwardKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'scale', 'dy', 'dx']);
  });
});

describe('dropout layers', () => {
  it('check rate, noiseShape and seed, naming the layer', () => {
    expect(() => layers.dropout({ rate: 1, name: 'd' })).toThrow(ValueError);
    expect(() => layers.dropout({ rate: 1, name: 'd' })).toThrow(/dropout 'd': rate must be a number in \[0, 1\); got 1/);
    expect(() => layers.dropout({ rate: -0.1 })).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => layers.dropout({ rate: 0.2, noiseShape: [null, 0] })).toThrow(/noiseShape must be a list of positive integers or nulls/);
    expect(() => layers.dropout({ rate: 0.2, seed: 1.5 })).toThrow(/seed must be an integer; got 1.5/);
    expect(() => layers.dropout({ rate: 0.2, name: 'd', noiseShape: [null, 2, 1] }).build([4, 3])).toThrow(ShapeError);
    expect(() => layers.spatialDropout1d({ rate: 0.2, name: 's' }).build([3])).toThrow(/spatialDropout1d 's' expects input \[batch, timesteps, features\]/);
    expect(layers.dropout({ rate: 0.2, noiseShape: [null, 1, 3] }).build([4, 3])).toEqual([4, 3]);
    expect(layers.dropout({ rate: 0.5 }).paramSpecs()).toEqual([]);
    expect(() => (layers.dropout as (c?: unknown) => unknown)()).toThrow(/dropout 'dropout(_\d+)?': rate must be a number in \[0, 1\); got undefined/);
    expect(() => layers.spatialDropout1d({ rate: 0.2, noiseShape: [null, 2, 3] } as never)).toThrow(/spatialDropout1d: noiseShape is fixed/);
    expect(() => layers.spatialDropout1d({ rate: 2, name: 's' })).toThrow(/^spatialDropout1d 's': rate must be/);
  });

  it('read and write Keras configs: Dropout (rate, noise_shape, seed) and SpatialDropout1D', () => {
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'LSTM', config: { name: 'l', units: 3, return_sequences: true, batch_input_shape: [null, 5, 2] } },
          { class_name: 'SpatialDropout1D', config: { name: 'sd', rate: 0.25, seed: null } },
          { class_name: 'Dropout', config: { name: 'd', rate: 0.5, noise_shape: [null, 1, 3], seed: 7 } },
          { class_name: 'Dense', config: { name: 'o', units: 1 } },
        ],
      },
    };
    const { layers: read } = layersFromTopology(topology, 'm.json');
    expect(read.map((l) => l.className)).toEqual(['LSTM', 'SpatialDropout1D', 'Dropout', 'Dense']);
    const d = read[2] as Dropout;
    expect([d.rate, d.noiseShape, d.seed]).toEqual([0.5, [null, 1, 3], 7]);
    expect(d.getConfig()).toEqual({ name: 'd', rate: 0.5, noise_shape: [null, 1, 3], seed: 7 });
    expect((read[1] as Dropout).getConfig()).toEqual({ name: 'sd', rate: 0.25, seed: null });
    const bad = { ...topology, config: { name: 's', layers: [topology.config.layers[0], { class_name: 'Dropout', config: { name: 'd', rate: 2 } }] } };
    expect(() => layersFromTopology(bad, 'm.json')).toThrow(/m\.json: layer 'd' \(Dropout\): rate must be a number in \[0, 1\); got 2/);
  });
});
