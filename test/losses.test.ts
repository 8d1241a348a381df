/**
 * The float64 twin of shaders/losses.wgsl: Keras's documented values, gradients against central finite
 * differences of the batch-mean loss, the clip and invalid-label edges, and the names users write.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../src/errors';
import { recordLoss, type LossConfig, type LossKind } from '../src/kernels/losses';
import { recordMetric } from '../src/kernels/metrics';
import { resolveLoss, resolveMetric } from '../src/optim/losses';
import { EPSILON, accumulate, loss, meanLoss } from '../src/reference/losses';
import { expectClose } from './support/compare';
import { FINITE_DIFFERENCE } from './support/tolerances';
import { lossData } from './support/trainingData';

const cfg = (kind: LossKind, fromLogits = false, delta = 1): LossConfig => ({ kind, fromLogits, delta });

describe('reference losses: the values Keras documents', () => {
  // Each from the Keras docstring of the loss class, batch mean over 2 samples.
  const p2 = [0.6, 0.4, 0.4, 0.6];
  const y2 = [0, 1, 0, 0];
  it.each([
    ['mse', [1, 1, 1, 0], [0, 1, 0, 0], 0.5],
    ['mae', [1, 1, 1, 0], [0, 1, 0, 0], 0.5],
    ['huber', p2, y2, 0.155],
    ['binaryCrossentropy', p2, y2, 0.815],
  ] as const)('%s', (kind, p, y, expected) => {
    expect(meanLoss(cfg(kind), p, y, 2, 2)).toBeCloseTo(expected, 3);
  });

  it('categoricalCrossentropy and its sparse twin: 1.177 on the docstring batch', () => {
    const p = [0.05, 0.95, 0, 0.1, 0.8, 0.1];
    expect(meanLoss(cfg('categoricalCrossentropy'), p, [0, 1, 0, 0, 0, 1], 2, 3)).toBeCloseTo(1.177, 3);
    expect(meanLoss(cfg('sparseCategoricalCrossentropy'), p, [1, 2], 2, 3)).toBeCloseTo(1.177, 3);
  });

  it('binaryCrossentropy from logits: 0.865 on the docstring batch', () => {
    expect(meanLoss(cfg('binaryCrossentropy', true), [-18.6, 0.51, 2.94, -12.8], [0, 1, 0, 0], 1, 4)).toBeCloseTo(0.865, 3);
  });

  it('categoricalCrossentropy normalizes unnormalized probabilities first (as Keras does)', () => {
    const scaled = meanLoss(cfg('categoricalCrossentropy'), [0.2, 0.6, 0.2], [0, 1, 0], 1, 3);
    expect(scaled).toBeCloseTo(meanLoss(cfg('categoricalCrossentropy'), [0.1, 0.3, 0.1], [0, 1, 0], 1, 3), 12);
    expect(scaled).toBeCloseTo(-Math.log(0.6), 12);
  });
});

/** Central differences of the batch-mean loss, with a step relative to each element. */
function numericGradient(c: LossConfig, p: Float64Array, y: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const h = 1e-6 * Math.max(Math.abs(p[i]!), 1e-3);
    const plus = Float64Array.from(p);
    const minus = Float64Array.from(p);
    plus[i] += h;
    minus[i] -= h;
    g[i] = (meanLoss(c, plus, y, rows, cols) - meanLoss(c, minus, y, rows, cols)) / (2 * h);
  }
  return g;
}

const ALL: LossConfig[] = [
  cfg('mse'),
  cfg('mae'),
  cfg('huber'),
  cfg('huber', false, 0.3),
  cfg('binaryCrossentropy'),
  cfg('binaryCrossentropy', true),
  cfg('categoricalCrossentropy'),
  cfg('categoricalCrossentropy', true),
  cfg('sparseCategoricalCrossentropy'),
  cfg('sparseCategoricalCrossentropy', true),
];

describe('reference losses: gradients against finite differences', () => {
  it.each(ALL.map((c) => [`${c.kind}${c.fromLogits ? ' fromLogits' : ''} δ=${c.delta}`, c] as const))('%s', (_, c) => {
    const rows = 5;
    const cols = 4;
    const { p: p32, y } = lossData(17, rows, cols, c);
    const p = Float64Array.from(p32);
    const result = loss(c, p, y, rows, cols);
    expectClose(result.dPredictions, numericGradient(c, p, y, rows, cols), FINITE_DIFFERENCE, 'dP');
    expect(result.sum).toBeCloseTo(
      result.rowLosses.reduce((a, b) => a + b, 0),
      12,
    );
  });

  it('probabilities clipped below ε: gradients still match finite differences, zero where only the clip sees p', () => {
    for (const c of [cfg('binaryCrossentropy'), cfg('categoricalCrossentropy'), cfg('sparseCategoricalCrossentropy')]) {
      const p = Float64Array.from([1e-10, 0.5, 0.3, 0.7, 1e-9, 0.2]);
      const y = c.kind === 'sparseCategoricalCrossentropy' ? [1, 0] : [1, 0, 1, 0, 1, 0];
      const { dPredictions } = loss(c, p, y, 2, 3);
      // binary and sparse: a clipped p reaches the loss only through the clip; categorical: also through Σp
      if (c.kind !== 'categoricalCrossentropy') expect([Math.abs(dPredictions[0]!), Math.abs(dPredictions[4]!)]).toEqual([0, 0]);
      expectClose(dPredictions, numericGradient(c, p, y, 2, 3), FINITE_DIFFERENCE, `${c.kind} dP`);
    }
  });

  it('a clipped probability still gives a finite loss of about −log ε', () => {
    expect(meanLoss(cfg('binaryCrossentropy'), [0], [1], 1, 1)).toBeCloseTo(-Math.log(EPSILON), 6);
  });

  it('logits far out stay finite (log-sum-exp and the stable log-sigmoid)', () => {
    for (const c of [cfg('binaryCrossentropy', true), cfg('categoricalCrossentropy', true), cfg('sparseCategoricalCrossentropy', true)]) {
      const y = c.kind === 'sparseCategoricalCrossentropy' ? [0] : [1, 0];
      const r = loss(c, [1000, -1000], y, 1, 2);
      expect(Number.isFinite(r.sum)).toBe(true);
      expect(Array.from(r.dPredictions).every(Number.isFinite)).toBe(true);
    }
  });

  it('a sparse label that is not a class id gives NaN for its row only', () => {
    const r = loss(cfg('sparseCategoricalCrossentropy', true), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1.5, 2], 2, 3);
    expect(Number.isNaN(r.rowLosses[0])).toBe(true);
    expect(Array.from(r.dPredictions.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Number.isFinite(r.rowLosses[1])).toBe(true);
  });

  it('accumulate sums and scales', () => {
    expect(accumulate([1, 2, 3.5], 2)).toBe(13);
  });
});

describe('resolveLoss and resolveMetric', () => {
  it('accept Keras, TF.js and short names', () => {
    expect(resolveLoss('mean_squared_error')).toEqual({ kind: 'mse', fromLogits: false, delta: 1 });
    expect(resolveLoss('meanAbsoluteError').kind).toBe('mae');
    expect(resolveLoss('sparse_categorical_crossentropy', { fromLogits: true })).toEqual({ kind: 'sparseCategoricalCrossentropy', fromLogits: true, delta: 1 });
    expect(resolveLoss({ kind: 'huber', delta: 2 }).delta).toBe(2);
  });

  it('name what is wrong', () => {
    expect(() => resolveLoss('hinge')).toThrow(ValueError);
    expect(() => resolveLoss('hinge')).toThrow(/known losses are mse, mae, huber/);
    expect(() => resolveLoss('huber', { delta: -1 })).toThrow(/delta must be a finite number > 0; got -1/);
    expect(() => resolveLoss('mse', { fromLogits: true })).toThrow(/crossentropy losses only/);
  });

  it("'accuracy' picks the variant from the loss and the output width", () => {
    const bce = resolveLoss('binary_crossentropy');
    expect(resolveMetric('accuracy', bce, 3)).toEqual({ kind: 'binaryAccuracy', threshold: 0.5 });
    expect(resolveMetric('acc', resolveLoss('binaryCrossentropy', { fromLogits: true }), 1)).toEqual({ kind: 'binaryAccuracy', threshold: 0 });
    expect(resolveMetric('accuracy', resolveLoss('sparse_categorical_crossentropy'), 10).kind).toBe('sparseCategoricalAccuracy');
    expect(resolveMetric('accuracy', resolveLoss('categorical_crossentropy'), 10).kind).toBe('categoricalAccuracy');
    expect(resolveMetric('mae', bce, 1).kind).toBe('mae');
    expect(() => resolveMetric('auc', bce, 1)).toThrow(/Unknown metric "auc"/);
  });
});

describe('recordLoss and recordMetric refuse bad arguments before recording anything', () => {
  const plan = { dispatch: () => expect.fail('nothing may be recorded') } as never;
  const buffer = (floats: number) => ({ size: floats * 4 }) as GPUBuffer;
  const base = {
    loss: cfg('mse'),
    predictions: buffer(40),
    targets: buffer(40),
    dPredictions: buffer(40),
    rows: 8,
    cols: 5,
    accum: buffer(4),
    scratch: buffer(8),
  };

  it('names the buffer that is too small, and the sizes', () => {
    expect(() => recordLoss(plan, { ...base, predictionsOffset: 1 })).toThrow(ShapeError);
    expect(() => recordLoss(plan, { ...base, predictionsOffset: 1 })).toThrow(/predictions holds 40 floats but this call reads or writes 41/);
    expect(() => recordLoss(plan, { ...base, scratch: buffer(7) })).toThrow(/scratch holds 7 floats/);
    expect(() => recordLoss(plan, { ...base, lossSlot: 3 })).toThrow(/accum holds 4 floats but this call reads or writes 5/);
    // sparse targets are one id per row, so 8 floats are enough there
    expect(() => recordLoss(plan, { ...base, loss: cfg('sparseCategoricalCrossentropy'), targets: buffer(7) })).toThrow(
      /targets holds 7 floats but this call reads or writes 8/,
    );
  });

  it('rejects empty or fractional shapes and unknown kinds', () => {
    expect(() => recordLoss(plan, { ...base, rows: 0 })).toThrow(/rows must be an integer ≥ 1; got 0/);
    expect(() => recordLoss(plan, { ...base, cols: 2.5 })).toThrow(ValueError);
    expect(() => recordLoss(plan, { ...base, loss: { kind: 'hinge' } as never })).toThrow(/unknown loss kind/);
    expect(() => recordMetric(plan, { ...base, metric: { kind: 'auc' } as never, slot: 2 })).toThrow(/unknown metric kind/);
    expect(() => recordMetric(plan, { ...base, metric: { kind: 'mae', threshold: 0.5 }, slot: 4 })).toThrow(/accum holds 4 floats/);
  });
});
