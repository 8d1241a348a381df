/**
 * Recurrent dropout on WebGPU against the float64 twins. The kernels of shaders/recurrentDropout.wgsl: keep drawn
 * exactly as the twin draws it (the same integer hash), a new one after the counter advances, all ones for an
 * evaluation run; H̃ = H ⊙ keep and dh_0 ⊙ keep. Then the step kernels with RECURRENT_DROPOUT (shaders/direction.wgsl)
 * through the functional APIs with an injected keep (`recurrentDropoutMask`), forward and backward, for the LSTM,
 * the GRU in both reset conventions and the SimpleRNN, with and without a timestep mask, in both directions.
 * Finally a model: one SGD step of an LSTM with recurrentDropout equals the twin's step with the keep the layer
 * derives from the model's seed, and predict and evaluate never apply it.
 */
import { describe, expect, it } from 'vitest';
import { maskSeed } from '../src/layers/dropout';
import { RECURRENT_KEEP_SALT } from '../src/layers/recurrent';
import { gruBackward } from '../src/reference/gruStep';
import { lstmBackward } from '../src/reference/lstmStep';
import { recurrentKeep } from '../src/reference/recurrentDropout';
import { simpleRnnBackward } from '../src/reference/simpleRnnStep';
import { encodeFloats } from './support/base64';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { stepMask } from './support/maskCases';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { recurrentCaseData, type RecurrentCase } from './support/recurrentCases';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE } from './support/tolerances';

interface Case extends RecurrentCase {
  masked: boolean;
  goBackwards: boolean;
  stateGradients: boolean;
}

const CASES: Case[] = [
  { batch: 5, timesteps: 7, features: 3, units: 6, initialState: false, returnSequences: false, masked: false, goBackwards: false, stateGradients: false },
  { batch: 6, timesteps: 6, features: 4, units: 5, initialState: true, returnSequences: true, masked: true, goBackwards: true, stateGradients: true },
  // more than 32 features: the input GEMM path; and a mask in its 64-float block before keep
  { batch: 4, timesteps: 5, features: 34, units: 7, initialState: true, returnSequences: true, masked: false, goBackwards: false, stateGradients: true },
  { batch: 3, timesteps: 30, features: 2, units: 4, initialState: false, returnSequences: false, masked: true, goBackwards: false, stateGradients: false },
];
const name = (c: Case) =>
  `B${c.batch} T${c.timesteps} F${c.features} U${c.units}${c.initialState ? ' h0' : ''}${c.returnSequences ? ' seq' : ''}` +
  `${c.masked ? ' masked' : ''}${c.goBackwards ? ' back' : ''}${c.stateGradients ? ' dFinal' : ''}`;

type Tensor = { data: Float32Array; shape: number[] };
const t = (data: Float32Array, shape: number[]): Tensor => ({ data, shape });
const enc = (v: Tensor) => ({ data: encodeFloats(v.data), shape: v.shape });
const encoded = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v.map((x: Tensor) => enc(x)) : enc(v as Tensor)]));

const KIND_ROWS = [
  ['lstm step', 4, 1, undefined],
  ['lstm vec4', 4, 1, undefined],
  ['lstm seq', 4, 1, undefined],
  ['gru step', 3, 2, true],
  ['gru step', 3, 1, false],
  ['gru vec4', 3, 2, true],
  ['gru vec4', 3, 1, false],
  ['simpleRnn', 1, 1, undefined],
] as const;
const ROWS = KIND_ROWS.flatMap(([kind, gates, biasRows, resetAfter]) =>
  CASES.map(
    (c, i) => [`${kind}${resetAfter === undefined ? '' : resetAfter ? ' after' : ' before'} ${name(c)}`, kind, gates, biasRows, resetAfter, c, i] as const,
  ),
);

describe.skipIf(skipGpu)('recurrent dropout on WebGPU vs the float64 twins', () => {
  const page = useHarness();

  it.each([
    { masked: false, hOffset: 0 },
    { masked: true, hOffset: 15 },
  ])(
    'the keep kernels (masked layout $masked): draws, H ⊙ keep, dh0 ⊙ keep; a new keep per training batch; ones in evaluation',
    async ({ masked, hOffset }) => {
      const [batch, units, timesteps, rate, seed] = [7, 5, 3, 0.3, 4321];
      const random = rng(90);
      const h = uniform(random, hOffset + timesteps * batch * units, 1);
      const dh0 = uniform(random, batch * units, 1);
      const r = await page.run('recurrentDropoutKernels', {
        h: enc(t(h, [h.length])),
        dh0: enc(t(dh0, [dh0.length])),
        batch,
        units,
        timesteps,
        hOffset,
        masked,
        rate,
        seed,
      });
      expect(r.validationError).toBeNull();
      expect(r.liveBuffersAfter).toBe(0);
      for (const run of [0, 1, 2]) {
        const keep = run < 2 ? recurrentKeep({ batch, units }, rate, seed, run) : new Float64Array(batch * units).fill(1);
        expect([...r.outputs[`keep${run}`]!], `keep ${run}`).toEqual([...Float32Array.from(keep)]);
        const dropped = Float64Array.from({ length: timesteps * batch * units }, (_, i) => h[hOffset + i]! * keep[i % (batch * units)]!);
        expectClose(r.outputs[`dropped${run}`]!, dropped, { atol: 0, rtol: 1e-7 }, `H ⊙ keep, run ${run}`);
        expectClose(
          r.outputs[`dh0${run}`]!,
          Float64Array.from(dh0, (v, i) => v * keep[i]!),
          { atol: 0, rtol: 1e-7 },
          `dh0 ⊙ keep, run ${run}`,
        );
        expect(r.outputs[`step${run}`]![0], `counter after run ${run}`).toBe(Math.min(run + 1, 2));
      }
      expect([...r.outputs.keep0!]).not.toEqual([...r.outputs.keep1!]);
      expect(r.outputs.keep0!.filter((v) => v === 0).length).toBeGreaterThan(0);
    },
  );

  it.each(ROWS)('%s: outputs, states and every gradient as the twin, with keep on h_{t−1}', async (_label, row, gates, biasRows, resetAfter, c, index) => {
    const [kind, variant] = row.split(' ') as ['lstm' | 'gru' | 'simpleRnn', string | undefined];
    const d = recurrentCaseData(c, gates, biasRows, 9100 + index);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const random = rng(9200 + index);
    const keep = Float32Array.from(recurrentKeep({ batch: B, units: U }, 0.4, 77 + index, 0));
    const lstm = kind === 'lstm';
    const c0 = lstm && c.initialState ? uniform(random, B * U, 0.5) : null;
    const tensors: Record<string, unknown> = {
      x: t(d.x, [B, T, F]),
      kernel: t(d.kernel, [F, gates * U]),
      recurrentKernel: t(d.recurrentKernel, [U, gates * U]),
      bias: t(d.bias, biasRows === 2 ? [2, gates * U] : [gates * U]),
      recurrentDropoutMask: t(keep, [B, U]),
      ...(c.masked ? { mask: t(stepMask(B, T, 93 + index), [B, T]) } : {}),
      ...(d.h0 ? { initialState: lstm ? [t(d.h0, [B, U]), t(c0!, [B, U])] : [t(d.h0, [B, U])] } : {}),
    };
    const gradTensors: Record<string, unknown> = {
      dOutput: t(d.dOutput, c.returnSequences ? [B, T, U] : [B, U]),
      ...(c.stateGradients ? { dh: t(d.dh, [B, U]), ...(lstm ? { dc: t(uniform(random, B * U, 1), [B, U]) } : {}) } : {}),
    };
    const twinOptions = { returnSequences: c.returnSequences, goBackwards: c.goBackwards, ...(resetAfter === undefined ? {} : { resetAfter }) };
    const options = { ...twinOptions, ...(variant ? { variant } : {}) };
    const twinArgs = [tensors, gradTensors, twinOptions] as never[];
    const ref = (kind === 'lstm' ? lstmBackward : kind === 'gru' ? gruBackward : simpleRnnBackward)(
      ...(twinArgs as [never, never, never]),
    ) as unknown as Record<string, { data: Float64Array }>;
    // The twin without keep differs: the check has teeth.
    const { recurrentDropoutMask: _keep, ...plain } = tensors;
    const refPlain = (kind === 'lstm' ? lstmBackward : kind === 'gru' ? gruBackward : simpleRnnBackward)(
      plain as never,
      gradTensors as never,
      twinOptions as never,
    ) as unknown as Record<string, { data: Float64Array }>;
    expect(Math.max(...refPlain.dRecurrentKernel!.data.map((v, i) => Math.abs(v - ref.dRecurrentKernel!.data[i]!)))).toBeGreaterThan(1e-3);

    const back = await page.run(kind, { inputs: encoded(tensors) as never, grads: encoded(gradTensors) as never, options: options as never });
    expect(back.validationError).toBeNull();
    expect(back.liveBuffersAfter).toBe(0);
    expectClose(back.outputs.output!, ref.output!.data, SEQUENCE, 'output');
    for (const state of lstm ? ['h', 'c'] : ['h']) expectClose(back.outputs[state]!, ref[state]!.data, SEQUENCE, `final ${state}`);
    const grads = ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0', ...(lstm ? ['dc0'] : [])];
    for (const key of grads) expectCloseRelativeToMax(back.outputs[key]!, ref[key]!.data, GRADIENT_RELATIVE_TO_MAX, key);
    const fwd = await page.run(kind, { inputs: encoded(tensors) as never, options: options as never });
    expect(fwd.validationError).toBeNull();
    expectClose(fwd.outputs.output!, ref.output!.data, SEQUENCE, 'output (forward call)');
  });

  it.each([
    ['lstm', 0.5],
    ['gru', 0.4],
    ['simpleRNN', 0.6],
  ] as const)('%s with recurrentDropout %s in a model: one SGD step is the twin’s with the keep the layer draws', async (kind, rate) => {
    const r = await page.call('recurrentDropoutStep', kind, rate);
    const { n, x, y } = r as { n: number; x: number[]; y: number[] };
    const before = r.before as { data: number[]; shape: number[] }[];
    const [T, F, U] = [5, 3, 3];
    // The layer's seed at the model's first compile (src/model/program.ts), as the input-dropout test derives it.
    const layerSeed = maskSeed((17 + Math.imul(1, 0x9e3779b9)) >>> 0, n);
    const keep = recurrentKeep({ batch: n, units: U }, rate, (layerSeed ^ RECURRENT_KEEP_SALT) >>> 0, 0);
    expect(keep.filter((v) => v === 0).length).toBeGreaterThan(0);
    // The twin's step: the cell with keep, Dense(1), mse, SGD(0.5).
    const [kernel, recurrentKernel, bias, dense, denseBias] = before.map((w) => ({ data: Float64Array.from(w.data), shape: w.shape }));
    const inputs = {
      x: { data: Float64Array.from(x), shape: [n, T, F] },
      kernel: kernel!,
      recurrentKernel: recurrentKernel!,
      bias: bias!,
      recurrentDropoutMask: { data: keep, shape: [n, U] },
    };
    const twin = kind === 'lstm' ? lstmBackward : kind === 'gru' ? gruBackward : simpleRnnBackward;
    const h = twin(inputs as never, { dOutput: { data: new Float64Array(n * U), shape: [n, U] } } as never).output.data;
    const yhat = Array.from({ length: n }, (_, b) => denseBias!.data[0]! + [0, 1, 2].reduce((s, j) => s + h[b * U + j]! * dense!.data[j]!, 0));
    const loss = yhat.reduce((s, v, b) => s + (v - y[b]!) ** 2, 0) / n;
    const dyhat = yhat.map((v, b) => (2 * (v - y[b]!)) / n);
    const dh = Float64Array.from({ length: n * U }, (_, i) => dyhat[Math.floor(i / U)]! * dense!.data[i % U]!);
    const g = twin(inputs as never, { dOutput: { data: dh, shape: [n, U] } } as never) as unknown as Record<string, { data: Float64Array }>;
    const dDense = [0, 1, 2].map((j) => dyhat.reduce((s, d, b) => s + d * h[b * U + j]!, 0));
    const expected = [
      kernel!.data.map((w, i) => w - 0.5 * g.dKernel!.data[i]!),
      recurrentKernel!.data.map((w, i) => w - 0.5 * g.dRecurrentKernel!.data[i]!),
      bias!.data.map((w, i) => w - 0.5 * g.dBias!.data[i]!),
      dense!.data.map((w, i) => w - 0.5 * dDense[i]!),
      Float64Array.of(denseBias!.data[0]! - 0.5 * dyhat.reduce((s, d) => s + d, 0)),
    ];
    const after = r.after as { data: number[] }[][];
    expect(r.losses[0]).toBeCloseTo(loss, 5);
    expected.forEach((w, i) => expectClose(Float32Array.from(after[0]![i]!.data), w, { atol: 2e-6, rtol: 2e-5 }, `weight ${i} after the step`));
    // The same seed draws the same keep; rate 0 trains differently; predict and evaluate never apply it.
    after[1]!.forEach((w, i) => expect(w.data, `second model, weight ${i}`).toEqual(after[0]![i]!.data));
    expect(r.losses[2]).not.toBeCloseTo(r.losses[0]!, 6);
    expect(r.predictions[0]).toEqual(r.predictions[1]);
    expect(r.evaluated[0]).toBe(r.evaluated[1]);
  });

  it('a masked Bidirectional LSTM with recurrentDropout trains on padded ids exactly as an unmasked one on the unpadded ids', async () => {
    const [padded, unpadded] = (await page.call('recurrentDropoutPadded')) as { losses: number[]; weights: number[][] }[];
    padded!.losses.forEach((l, i) => expect(l, `epoch ${i} loss`).toBeCloseTo(unpadded!.losses[i]!, 5));
    padded!.weights.forEach((w, i) => expectClose(Float32Array.from(w), Float64Array.from(unpadded!.weights[i]!), { atol: 1e-6, rtol: 1e-5 }, `weight ${i}`));
  });
});
