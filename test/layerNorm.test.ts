/**
 * LayerNormalization without a GPU: the float64 twin against a row worked out by hand and its gradients against
 * finite differences, the kernels' reflected interfaces, and the layer's options, errors and Keras configs.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, layers } from '../src/index';
import type { JsonObject } from '../src/io/types';
import type { LayerNormalization } from '../src/layers/index';
import { layerNormBackwardKernel, layerNormForwardKernel } from '../src/kernels/layerNorm';
import { layersFromTopology } from '../src/model/kerasLayers';
import { layerNormBackward, layerNormForward, type LayerNormInputs } from '../src/reference/layerNorm';

describe('reference layerNorm', () => {
  it('normalizes each row to mean 0 and variance 1 (plus ε), then scales and shifts per feature', () => {
    // row [1, 2, 3]: mean 2, population variance 2/3
    const r = 1 / Math.sqrt(2 / 3 + 0.001);
    const y = layerNormForward({ x: [1, 2, 3], gamma: [1, 2, 1], beta: [0, 0, 5], rows: 1, cols: 3, epsilon: 0.001 });
    [-r, 0, 5 + r].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 12));
  });

  it('gradients of Σ w·y against finite differences, for x, γ and β', () => {
    const a: LayerNormInputs = { x: [0.3, -1.1, 0.8, 2.0, 0.5, -0.4], gamma: [1.2, -0.7, 0.9], beta: [0.1, 0.2, -0.3], rows: 2, cols: 3, epsilon: 1e-3 };
    const w = [0.5, -1.5, 2.0, 0.3, 0.9, -0.6];
    const loss = (b: LayerNormInputs) => layerNormForward(b).reduce((s, v, i) => s + v * w[i]!, 0);
    const g = layerNormBackward(a, w);
    const h = 1e-6;
    const check = (key: 'x' | 'gamma' | 'beta', analytic: Float64Array) =>
      Array.from(a[key]).forEach((_, i) => {
        const up = Array.from(a[key]);
        up[i]! += h;
        const down = Array.from(a[key]);
        down[i]! -= h;
        expect(analytic[i]).toBeCloseTo((loss({ ...a, [key]: up }) - loss({ ...a, [key]: down })) / (2 * h), 6);
      });
    check('x', g.dx);
    check('gamma', g.dGamma);
    check('beta', g.dBeta);
  });
});

describe('layerNorm kernel interface', () => {
  it('forward writes y and the row stats; backward reads them and writes dx and dy·x̂', () => {
    expect(layerNormForwardKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'gamma', 'beta', 'y', 'stats']);
    expect(layerNormBackwardKernel.iface.bindings.map((b) => b.name)).toEqual(['params', 'x', 'gamma', 'stats', 'dy', 'dx', 'dyxhat']);
    expect(layerNormForwardKernel.iface.uniform?.members.map((m) => m.name)).toEqual(['rows', 'cols', 'x_offset', 'epsilon']);
  });
});

describe('layers.layerNormalization', () => {
  it('weights gamma and beta over the features, as Keras names them; scale and center drop them', () => {
    const spec = (l: LayerNormalization, input: number[]) => l.paramSpecs(input).map((s) => `${s.name} ${JSON.stringify(s.shape)} ${s.init.kind}`);
    expect(spec(layers.layerNormalization(), [5, 4])).toEqual(['gamma [4] ones', 'beta [4] zeros']);
    expect(spec(layers.layerNormalization({ scale: false }), [4])).toEqual(['beta [4] zeros']);
    expect(spec(layers.layerNormalization({ center: false, gammaInitializer: 'zeros' }), [4])).toEqual(['gamma [4] zeros']);
    expect(layers.layerNormalization({ axis: 2 }).build([5, 4])).toEqual([5, 4]);
  });

  it('names what is wrong', () => {
    expect(() => layers.layerNormalization({ name: 'n', epsilon: 0 })).toThrow(/layerNormalization 'n': epsilon must be a positive number; got 0/);
    expect(() => layers.layerNormalization({ name: 'n', axis: 1 }).build([5, 4])).toThrow(ValueError);
    expect(() => layers.layerNormalization({ name: 'n', axis: 1 }).build([5, 4])).toThrow(
      /axis 1 is not supported; webrnn normalizes the last axis \(-1 or 2 here\)/,
    );
    expect(() => layers.layerNormalization().build([2, 3, 4])).toThrow(ShapeError);
  });

  it('reads the config TF.js writes', () => {
    const m = tf.sequential({
      layers: [tf.layers.gru({ units: 3, returnSequences: true, inputShape: [4, 2] }), tf.layers.layerNormalization({ epsilon: 1e-5, center: false })],
    });
    const { layers: read } = layersFromTopology(m.toJSON(null, false) as unknown as JsonObject, 'm.json');
    const ln = read[1] as LayerNormalization;
    expect([ln.className, ln.epsilon, ln.center, ln.scale]).toEqual(['LayerNormalization', 1e-5, false, true]);
    m.dispose();
  });
});
