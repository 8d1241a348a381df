/**
 * States on WebGPU: a stateful model fed a sequence in chunks equals the unsplit run (Keras stateful
 * semantics), predictStep fed 200 single timesteps equals one 200-step forward with one submit and one
 * readback per step and no buffer created after the first, a layer applied alone from an initial state
 * returns Keras's [output, ...states], and the kernels the layers add (time reversal, Bidirectional merge)
 * match their twins.
 */
import { describe, expect, it } from 'vitest';
import { MERGE_MODES } from '../src/kernels/bidirectionalMerge';
import { merge, split } from '../src/reference/bidirectionalMerge';
import { denseBackward, denseForward } from '../src/reference/dense';
import { gruForward } from '../src/reference/gruStep';
import { loss } from '../src/reference/losses';
import { lstmBackward, lstmForward } from '../src/reference/lstmStep';
import { sruForward } from '../src/reference/sruSeq';
import { resolveLoss } from '../src/optim/losses';
import { reverseTime } from '../src/reference/reverseTime';
import { encodeFloats } from './support/base64';
import { expectClose } from './support/compare';
import { skipGpu, useHarness } from './support/page';
import { rng, uniform } from './support/random';
import { referencePredict, type LayerSpec } from './support/referenceModel';
import { SEQUENCE, STEP } from './support/tolerances';

/**
 * Chunked vs unsplit, and streamed vs whole, on the GPU both: the same float32 operations in the same order,
 * except that a state passes through a buffer copy between calls (exact). Any difference would be a bug, but
 * the GEMM of a 1-step input projection may round differently from the T-step one, so allow float32 noise.
 */
const SAME_WORK = { atol: 1e-6, rtol: 1e-5 };

const enc = (data: Float32Array, shape: number[]) => ({ data: encodeFloats(data), shape });
const weightsOf = (outputs: Record<string, Float32Array>) =>
  Object.keys(outputs)
    .filter((k) => /^w\d+$/.test(k))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((k) => outputs[k]!);

/** Chunk outputs [chunks][B, Tc, C] (each batch-major) → batch-major [B, T, C]. */
function joinChunks(chunks: Float32Array, B: number, T: number, Tc: number, C: number): Float32Array {
  const out = new Float32Array(B * T * C);
  for (let c = 0; c < T / Tc; c++) {
    for (let b = 0; b < B; b++)
      for (let t = 0; t < Tc; t++) for (let k = 0; k < C; k++) out[(b * T + c * Tc + t) * C + k] = chunks[c * B * Tc * C + (b * Tc + t) * C + k]!;
  }
  return out;
}

/** Step outputs [T][B, C] → batch-major [B, T, C]. */
function joinSteps(steps: Float32Array, B: number, T: number, C: number): Float32Array {
  const out = new Float32Array(B * T * C);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let k = 0; k < C; k++) out[(b * T + t) * C + k] = steps[(t * B + b) * C + k]!;
  return out;
}

describe.skipIf(skipGpu)('stateful layers, streaming inference and the layer kernels on WebGPU', () => {
  const page = useHarness();

  it('reverseTime matches its twin, offset input included', async () => {
    const random = rng(1);
    const [T, block, offset] = [5, 7, 3];
    const src = uniform(random, offset + T * block, 1);
    const result = await page.run('reverseTime', { src: enc(src, [src.length]), srcOffset: offset, timesteps: T, block });
    expect(result.validationError).toBeNull();
    expect([...result.outputs.out!]).toEqual([...reverseTime(src, T, block, offset)].map(Math.fround));
  });

  it.each(MERGE_MODES)('bidirectionalMerge %s: merge and split match their twins, offset inputs included', async (mode) => {
    const random = rng(2);
    const [rows, units, aOffset, bOffset] = [6, 5, 4, 9];
    const a = uniform(random, aOffset + rows * units, 1);
    const b = uniform(random, bOffset + rows * units, 1);
    const width = mode === 'concat' ? 2 * units : units;
    const dout = uniform(random, rows * width, 1);
    const result = await page.run('bidirectionalMerge', {
      a: enc(a, [a.length]),
      aOffset,
      b: enc(b, [b.length]),
      bOffset,
      dout: enc(dout, [dout.length]),
      rows,
      units,
      mode,
    });
    expect(result.validationError).toBeNull();
    const [fa, fb] = [a.subarray(aOffset), b.subarray(bOffset)];
    expectClose(result.outputs.out!, merge(fa, fb, rows, units, mode), STEP, 'merged');
    const ref = split(dout, fa, fb, rows, units, mode);
    expectClose(result.outputs.da!, ref.da, STEP, 'da');
    expectClose(result.outputs.db!, ref.db, STEP, 'db');
  });

  const chunkCases: { name: string; chunked: LayerSpec[]; whole: LayerSpec[]; C: number }[] = [
    {
      name: 'LSTM(6) + per-step Dense',
      chunked: [
        { type: 'lstm', config: { units: 6, returnSequences: true, stateful: true, batchInputShape: [2, 3, 2] } },
        { type: 'dense', config: { units: 2 } },
      ],
      whole: [
        { type: 'lstm', config: { units: 6, returnSequences: true, inputShape: [12, 2] } },
        { type: 'dense', config: { units: 2 } },
      ],
      C: 2,
    },
    {
      name: 'SRU(4, tanh) stateful + per-step Dense',
      chunked: [
        { type: 'sru', config: { units: 4, activation: 'tanh', returnSequences: true, stateful: true, batchInputShape: [2, 3, 2] } },
        { type: 'dense', config: { units: 2 } },
      ],
      whole: [
        { type: 'sru', config: { units: 4, activation: 'tanh', returnSequences: true, inputShape: [12, 2] } },
        { type: 'dense', config: { units: 2 } },
      ],
      C: 2,
    },
    {
      name: 'GRU(5) → SimpleRNN(4), both stateful, + per-step Dense',
      chunked: [
        { type: 'gru', config: { units: 5, returnSequences: true, stateful: true, batchInputShape: [2, 3, 2] } },
        { type: 'simpleRNN', config: { units: 4, returnSequences: true, stateful: true } },
        { type: 'dense', config: { units: 2 } },
      ],
      whole: [
        { type: 'gru', config: { units: 5, returnSequences: true, inputShape: [12, 2] } },
        { type: 'simpleRNN', config: { units: 4, returnSequences: true } },
        { type: 'dense', config: { units: 2 } },
      ],
      C: 2,
    },
  ];

  it.each(chunkCases.map((c, i) => [c.name, c, i] as const))('stateful %s: 4 chunks of 3 steps equal the 12-step run', async (_n, c, i) => {
    const [B, T, Tc, F] = [2, 12, 3, 2];
    const x = uniform(rng(10 + i), B * T * F, 1);
    const result = await page.run('statefulChunks', { chunked: c.chunked, whole: c.whole, x: enc(x, [B, T, F]), chunk: Tc, seed: 20 + i });
    expect(result.validationError).toBeNull();
    expect(result.liveBuffersAfter).toBe(0);
    const o = result.outputs;
    const chunks = joinChunks(o.chunks!, B, T, Tc, c.C);
    expectClose(chunks, o.full!, SAME_WORK, 'chunked vs unsplit on the GPU');
    expectClose(chunks, referencePredict(c.whole, weightsOf(o), x, B, [T, F]).data, SEQUENCE, 'chunked vs the float64 reference');
    // resetStates: the first chunk again gives the first chunk's outputs
    expectClose(o.firstAgain!, o.chunks!.subarray(0, B * Tc * c.C), SAME_WORK, 'first chunk after resetStates');
    // the kept states after the last chunk are the final states of the whole sequence
    const w = weightsOf(o);
    const inputs = { x: { data: x, shape: [B, T, F] }, kernel: { data: w[0]!, shape: [F, w[0]!.length / F] } };
    if (c.chunked[0]!.type === 'lstm') {
      const u = 6;
      const ref = lstmForward({ ...inputs, recurrentKernel: { data: w[1]!, shape: [u, 4 * u] }, bias: { data: w[2]!, shape: [4 * u] } });
      expectClose(o.state0!, ref.h.data, SEQUENCE, 'kept h');
      expectClose(o.state1!, ref.c.data, SEQUENCE, 'kept c');
    } else if (c.chunked[0]!.type === 'sru') {
      const u = 4;
      const sru = { ...inputs, recurrentWeights: { data: w[1]!, shape: [2, u] }, bias: { data: w[2]!, shape: [2, u] } };
      const ref = sruForward(sru, { activation: 'tanh' });
      expectClose(o.state0!, ref.h.data, SEQUENCE, 'kept h');
      expectClose(o.state1!, ref.c.data, SEQUENCE, 'kept c');
    } else {
      const u = 5;
      const ref = gruForward({ ...inputs, recurrentKernel: { data: w[1]!, shape: [u, 3 * u] }, bias: { data: w[2]!, shape: [2, 3 * u] } });
      expectClose(o.state0!, ref.h.data, SEQUENCE, 'kept h');
    }
  });

  const streamCases: { name: string; layers: LayerSpec[]; F: number; ids?: number; C: number }[] = [
    {
      name: 'LSTM(8) + per-step Dense',
      layers: [
        { type: 'lstm', config: { units: 8, returnSequences: true, stateful: true, batchInputShape: [2, 200, 3] } },
        { type: 'dense', config: { units: 2 } },
      ],
      F: 3,
      C: 2,
    },
    {
      name: 'SRU(5) + per-step Dense',
      layers: [
        { type: 'sru', config: { units: 5, returnSequences: true, stateful: true, batchInputShape: [2, 200, 3] } },
        { type: 'dense', config: { units: 2 } },
      ],
      F: 3,
      C: 2,
    },
    {
      // The echo-state reservoir (the SimpleRNN's kernels with a leak), as the Mackey–Glass benchmark runs it free.
      name: 'EchoState(12, leak 0.5) + per-step Dense',
      layers: [
        {
          type: 'echoState',
          config: { units: 12, leakRate: 0.5, connectivity: 0.5, seed: 3, returnSequences: true, stateful: true, batchInputShape: [2, 200, 3] },
        },
        { type: 'dense', config: { units: 2 } },
      ],
      F: 3,
      C: 2,
    },
    {
      name: 'Embedding → GRU(6) → LSTM(5), stateful, + Dense(softmax) (a char model)',
      layers: [
        { type: 'embedding', config: { inputDim: 7, outputDim: 4, batchInputShape: [2, 200] } } as LayerSpec,
        { type: 'gru', config: { units: 6, returnSequences: true, stateful: true } },
        { type: 'lstm', config: { units: 5, returnSequences: true, stateful: true } },
        { type: 'dense', config: { units: 3, activation: 'softmax' } },
      ],
      F: 1,
      ids: 7,
      C: 3,
    },
  ];

  it.each(streamCases.map((c, i) => [c.name, c, i] as const))('%s: 200 predictStep calls equal one 200-step predict', async (_n, c, i) => {
    const [B, T] = [2, 200];
    const random = rng(40 + i);
    const x = c.ids ? Float32Array.from({ length: B * T }, () => Math.floor(random() * c.ids!)) : uniform(random, B * T * c.F, 1);
    const shape = c.ids ? [B, T] : [B, T, c.F];
    const result = await page.run('streaming', { layers: c.layers, x: enc(x, shape), seed: 50 + i });
    expect(result.validationError).toBeNull();
    expect(result.liveBuffersAfter).toBe(0);
    const o = result.outputs;
    const steps = joinSteps(o.steps!, B, T, c.C);
    expectClose(steps, o.full!, SAME_WORK, 'streamed vs whole on the GPU');
    expectClose(steps, referencePredict(c.layers, weightsOf(o), x, B, shape.slice(1)).data, SEQUENCE, 'streamed vs the float64 reference');
    expect(new Set(o.submits), 'one submit per step').toEqual(new Set([1]));
    expect(new Set(o.readbacks), 'one readback per step').toEqual(new Set([1]));
    expect(new Set(o.buffersCreated!.subarray(1)), 'no buffer created after the first step').toEqual(new Set([0]));
  });

  it('stateful fit: each batch starts from the final states of the batch before (truncated BPTT), across epochs', async () => {
    // LSTM(4, stateful) + Dense(1), batch 2, chunks of 3 steps: samples 0-1 are the first chunk of two
    // sequences, samples 2-3 their second chunk; 2 epochs of 2 unshuffled SGD steps, states never reset.
    const [B, Tc, F, u, lr] = [2, 3, 2, 4, 0.2];
    const random = rng(70);
    const x = uniform(random, 2 * B * Tc * F, 1);
    const y = uniform(random, 2 * B, 1);
    const layers: LayerSpec[] = [
      { type: 'lstm', config: { units: u, stateful: true, batchInputShape: [B, Tc, F] } },
      { type: 'dense', config: { units: 1 } },
    ];
    const result = await page.run('trainModel', {
      layers,
      x: enc(x, [2 * B, Tc, F]),
      y: enc(y, [2 * B, 1]),
      seed: 71,
      compile: { optimizer: { kind: 'sgd', learningRate: lr }, loss: 'mse' },
      epochs: 2,
      batchSize: B,
    });
    expect(result.validationError).toBeNull();
    const w = [0, 1, 2, 3, 4].map((k) => Float64Array.from(result.outputs[`initial${k}`]!));
    let state: Float64Array[] = [new Float64Array(B * u), new Float64Array(B * u)];
    const losses: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let sum = 0;
      for (let batch = 0; batch < 2; batch++) {
        const xb = x.subarray(batch * B * Tc * F, (batch + 1) * B * Tc * F);
        const yb = y.subarray(batch * B, (batch + 1) * B);
        const inputs = {
          x: { data: xb, shape: [B, Tc, F] },
          kernel: { data: w[0]!, shape: [F, 4 * u] },
          recurrentKernel: { data: w[1]!, shape: [u, 4 * u] },
          bias: { data: w[2]!, shape: [4 * u] },
          initialState: [
            { data: state[0]!, shape: [B, u] },
            { data: state[1]!, shape: [B, u] },
          ] as const,
        };
        const h = lstmForward(inputs);
        const dense = { x: h.output.data, kernel: w[3]!, bias: w[4]!, rows: B, inputs: u, units: 1, activation: 'linear' as const };
        const l = loss(resolveLoss('mse'), denseForward(dense), yb, B, 1);
        sum += l.sum;
        const d = denseBackward(dense, l.dPredictions);
        const g = lstmBackward(inputs, { dOutput: { data: d.dX, shape: [B, u] } });
        state = [h.h.data, h.c.data];
        [g.dKernel.data, g.dRecurrentKernel.data, g.dBias.data, d.dKernel, d.dBias].forEach((grad, k) => grad.forEach((v, i) => (w[k]![i]! -= lr * v)));
      }
      losses.push(sum / (2 * B));
    }
    expectClose(result.outputs.losses!, losses, { atol: 1e-5, rtol: 1e-4 }, 'loss of each epoch');
    w.forEach((ref, k) => expectClose(result.outputs[`final${k}`]!, ref, { atol: 1e-4, rtol: 1e-4 }, `weight ${k} after 4 steps`));
  });

  it('apply from an initial state with returnState: [output, h, c] of an LSTM, [output, h] of a GRU', async () => {
    const [B, T, F] = [3, 4, 2];
    const random = rng(60);
    const x = uniform(random, B * T * F, 1);
    for (const [type, u, states] of [
      ['lstm', 5, 2],
      ['gru', 4, 1],
    ] as const) {
      const initial = Array.from({ length: states }, () => uniform(random, B * u, 0.5));
      const layers: LayerSpec[] = [{ type, config: { units: u, returnSequences: true, returnState: true, goBackwards: true, inputShape: [T, F] } }];
      const result = await page.run('applyLayer', { layers, x: enc(x, [B, T, F]), initialState: initial.map((s) => enc(s, [B, u])), seed: 61 });
      expect(result.validationError).toBeNull();
      const w = weightsOf(result.outputs);
      const g = type === 'lstm' ? 4 : 3;
      const inputs = {
        x: { data: x, shape: [B, T, F] },
        kernel: { data: w[0]!, shape: [F, g * u] },
        recurrentKernel: { data: w[1]!, shape: [u, g * u] },
        bias: { data: w[2]!, shape: type === 'lstm' ? [4 * u] : [2, 3 * u] },
      };
      const options = { returnSequences: true, goBackwards: true };
      const s = initial.map((d) => ({ data: d, shape: [B, u] }));
      const ref =
        type === 'lstm' ? lstmForward({ ...inputs, initialState: [s[0]!, s[1]!] }, options) : gruForward({ ...inputs, initialState: [s[0]!] }, options);
      expectClose(result.outputs.output!, ref.output.data, SEQUENCE, `${type} output`);
      expectClose(result.outputs.state0!, ref.h.data, SEQUENCE, `${type} final h`);
      if (type === 'lstm') expectClose(result.outputs.state1!, (ref as unknown as { c: { data: Float64Array } }).c.data, SEQUENCE, 'lstm final c');
      else expect(result.outputs.state1).toBeUndefined();
    }
  });
});
