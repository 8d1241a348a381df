/**
 * The recurrent layers without a GPU: Keras weight names, shapes and initializers, options and their errors,
 * Bidirectional's copies and weight order, and the float64 reference of Bidirectional (merge, flip, split
 * around the cell twins) against finite differences, since the GPU tests trust it.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../src/errors';
import { layers } from '../src/layers/index';
import { expectClose } from './support/compare';
import { numericGradient } from './support/finiteDifferences';
import { rng } from './support/random';
import { recurrentBackward, recurrentForward, type BidirectionalSpec } from './support/referenceRecurrent';
import { FINITE_DIFFERENCE } from './support/tolerances';

const specsOf = (layer: { paramSpecs(s: number[]): { name: string; shape: number[]; init: { kind: string } }[] }, input: number[]) =>
  layer.paramSpecs(input).map((s) => `${s.name} ${JSON.stringify(s.shape)} ${s.init.kind}`);

describe('recurrent layer weights (Keras names, shapes and default initializers)', () => {
  it('GRU: bias [2, 3u] with resetAfter (the default), [3u] without', () => {
    expect(specsOf(layers.gru({ units: 4 }), [7, 3])).toEqual(['kernel [3,12] glorotUniform', 'recurrent_kernel [4,12] orthogonal', 'bias [2,12] zeros']);
    expect(specsOf(layers.gru({ units: 4, resetAfter: false }), [7, 3])).toEqual([
      'kernel [3,12] glorotUniform',
      'recurrent_kernel [4,12] orthogonal',
      'bias [12] zeros',
    ]);
  });

  it('SimpleRNN: kernel [in, u], recurrent_kernel [u, u], bias [u]', () => {
    expect(specsOf(layers.simpleRNN({ units: 5 }), [7, 2])).toEqual(['kernel [2,5] glorotUniform', 'recurrent_kernel [5,5] orthogonal', 'bias [5] zeros']);
  });

  it('Bidirectional: the forward copy then the backward copy, named as Keras names them', () => {
    const bi = layers.bidirectional({ layer: layers.lstm({ units: 3, name: 'enc' }), inputShape: [4, 2] });
    expect(bi.paramSpecs([4, 2]).map((s) => `${s.name} ${JSON.stringify(s.shape)}`)).toEqual([
      'forward_enc/kernel [2,12]',
      'forward_enc/recurrent_kernel [3,12]',
      'forward_enc/bias [12]',
      'backward_enc/kernel [2,12]',
      'backward_enc/recurrent_kernel [3,12]',
      'backward_enc/bias [12]',
    ]);
    expect(bi.forwardLayer.goBackwards).toBe(false);
    expect(bi.backwardLayer.goBackwards).toBe(true);
    expect(bi.declaredInputShape).toEqual([4, 2]);
  });
});

describe('recurrent layer options', () => {
  it('output shapes: returnSequences keeps the time axis; returnState changes nothing in a model; concat doubles the width', () => {
    expect(layers.gru({ units: 4, returnState: true }).build([6, 3])).toEqual([4]);
    expect(layers.simpleRNN({ units: 4, returnSequences: true, goBackwards: true }).build([6, 3])).toEqual([6, 4]);
    expect(layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }).build([6, 3])).toEqual([6, 8]);
    expect(layers.bidirectional({ layer: layers.lstm({ units: 4 }), mergeMode: 'mul' }).build([6, 3])).toEqual([4]);
  });

  it('stateful layers carry their states; batchInputShape and batchSize fix the batch', () => {
    const lstm = layers.lstm({ units: 3, stateful: true, batchInputShape: [2, 5, 1] });
    expect([lstm.stateful, lstm.stateSizes(), lstm.declaredBatchSize, lstm.declaredInputShape]).toEqual([true, [3, 3], 2, [5, 1]]);
    expect(layers.gru({ units: 3, inputShape: [5, 1], batchSize: 4 }).declaredBatchSize).toBe(4);
    expect(layers.bidirectional({ layer: layers.gru({ units: 2, stateful: true }) }).stateSizes()).toEqual([2, 2]);
    expect(layers.embedding({ inputDim: 5, outputDim: 2, batchInputShape: [1, 7] }).declaredBatchSize).toBe(1);
  });

  it('names what is wrong and what it accepts', () => {
    expect(() => layers.gru({ units: 3, resetAfter: 'yes' as never })).toThrow(ValueError);
    expect(() => layers.simpleRNN({ units: 3, recurrentActivation: 'sigmoid' } as never)).toThrow(/unknown option 'recurrentActivation'/);
    expect(() => layers.lstm({ units: 3, batchInputShape: [5] })).toThrow(/batchInputShape must be \[batchSize, \.\.\.shape of one sample\]/);
    expect(() => layers.lstm({ units: 3, batchInputShape: [2, 5, 1], batchSize: 2 })).toThrow(/give batchInputShape, or inputShape with batchSize/);
    expect(() => layers.bidirectional({ layer: layers.dense({ units: 2 }) as never })).toThrow(/layer must be a recurrent layer.*got Dense/);
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow(
      /mergeMode must be one of 'concat', 'sum', 'mul', 'ave'; got "max"/,
    );
    expect(() => layers.gru({ units: 3 }).build([6])).toThrow(ShapeError);
  });
});

describe('reference Bidirectional vs finite differences (float64)', () => {
  const cases: BidirectionalSpec[] = [
    { type: 'bidirectional', config: { layer: { type: 'gru', config: { units: 2, returnSequences: true } }, mergeMode: 'concat' } },
    { type: 'bidirectional', config: { layer: { type: 'simpleRNN', config: { units: 3 } }, mergeMode: 'mul' } },
    { type: 'bidirectional', config: { layer: { type: 'lstm', config: { units: 2, returnSequences: true, goBackwards: true } }, mergeMode: 'ave' } },
  ];
  it.each(cases.map((c) => [`${c.config.layer.type} ${c.config.mergeMode}`, c] as const))('%s: every weight and x', (_n, spec) => {
    const random = rng(5);
    const [n, T, F] = [2, 3, 2];
    const u = spec.config.layer.config.units;
    const g = spec.config.layer.type === 'lstm' ? 4 : spec.config.layer.type === 'gru' ? 3 : 1;
    const bias = spec.config.layer.type === 'gru' ? 2 * g * u : g * u;
    const fill = (len: number) => Float64Array.from({ length: len }, () => random() - 0.5);
    const w = [fill(F * g * u), fill(u * g * u), fill(bias), fill(F * g * u), fill(u * g * u), fill(bias)];
    const x = fill(n * T * F);
    const dOut = fill(recurrentForward(spec, w, x, n, T, F).length);
    const loss = () => recurrentForward(spec, w, x, n, T, F).reduce((s, v, i) => s + v * dOut[i]!, 0);
    const { grads, dX } = recurrentBackward(spec, w, x, n, T, F, dOut);
    grads.forEach((gr, k) => expectClose(gr, numericGradient(w[k]!, loss), FINITE_DIFFERENCE, `weight ${k}`));
    expectClose(dX, numericGradient(x, loss), FINITE_DIFFERENCE, 'dX');
  });
});
