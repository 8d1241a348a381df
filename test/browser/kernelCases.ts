/** Harness cases for the kernels themselves: GEMM, column sum, and the LSTM through the functional API. */
import { lstmBackward, lstmForward, type LstmOptions } from '../../src/index';
import { Plan } from '../../src/gpu/plan';
import { recordColumnSum } from '../../src/kernels/columnSum';
import { recordLayerNormBackward, recordLayerNormForward } from '../../src/kernels/layerNorm';
import { recordPoolBackward, recordPoolForward, type PoolKind } from '../../src/kernels/globalPooling1d';
import { recordRepeatBackward, recordRepeatForward } from '../../src/kernels/repeatVector';
import { recordDropoutBackward, recordDropoutForward, type DropoutConfig } from '../../src/kernels/dropout';
import { recordDroppedStates, recordKeepInPlace, recordRecurrentKeep, recurrentKeepLayout } from '../../src/kernels/recurrentDropout';
import { recordGemm, type GemmVariant } from '../../src/kernels/gemm';
import { recordLstmWeightGrad, type LstmWeightGradBlock } from '../../src/kernels/lstmWeightGrad';
import { decode, inScope, type Encoded } from './harnessCore';

export const kernelCases = {
  /** LayerNormalization of x [rows, cols] from xOffset, and its gradients from dy. */
  layerNorm(spec: { x: Encoded; gamma: Encoded; beta: Encoded; dy: Encoded; rows: number; cols: number; xOffset: number; epsilon: number }) {
    return inScope(async (r) => {
      const dims = { rows: spec.rows, cols: spec.cols, epsilon: spec.epsilon };
      const floats = spec.rows * spec.cols;
      const [x, gamma, beta, dy] = [spec.x, spec.gamma, spec.beta, spec.dy].map((t, i) => r.upload(`in${i}`, decode(t).data)) as [
        GPUBuffer,
        GPUBuffer,
        GPUBuffer,
        GPUBuffer,
      ];
      const [y, dx, dyxhat] = ['y', 'dx', 'dyxhat'].map((n) => r.createBuffer(n, floats * 4)) as [GPUBuffer, GPUBuffer, GPUBuffer];
      const stats = r.createBuffer('stats', 2 * spec.rows * 4);
      const [dGamma, dBeta] = ['dGamma', 'dBeta'].map((n) => r.createBuffer(n, spec.cols * 4)) as [GPUBuffer, GPUBuffer];
      const plan = new Plan(r, 'layerNorm test');
      recordLayerNormForward(plan, { x, xOffset: spec.xOffset, gamma, beta, y, stats }, dims);
      recordLayerNormBackward(plan, { x, xOffset: spec.xOffset, gamma, stats, dy, dx, dyxhat, dGamma, dBeta }, dims);
      plan.run();
      const out = { y: await r.read(y, floats), dx: await r.read(dx, floats), dGamma: await r.read(dGamma, spec.cols), dBeta: await r.read(dBeta, spec.cols) };
      plan.destroy();
      for (const b of [x, gamma, beta, dy, y, dx, dyxhat, stats, dGamma, dBeta]) r.destroyBuffer(b);
      return out;
    });
  },

  /** Global pooling over time of x [T, batch·cols] from xOffset, and dx from dy [batch·cols]. */
  pool1d(spec: { kind: PoolKind; x: Encoded; dy: Encoded; timesteps: number; batch: number; cols: number; xOffset: number }) {
    return inScope(async (r) => {
      const dims = { timesteps: spec.timesteps, batch: spec.batch, cols: spec.cols };
      const span = spec.batch * spec.cols;
      const x = r.upload('x', decode(spec.x).data);
      const dy = r.upload('dy', decode(spec.dy).data);
      const y = r.createBuffer('y', span * 4);
      const dx = r.createBuffer('dx', spec.timesteps * span * 4);
      const plan = new Plan(r, 'pool1d test');
      recordPoolForward(plan, spec.kind, { x, xOffset: spec.xOffset, y }, dims);
      recordPoolBackward(plan, spec.kind, { x, xOffset: spec.xOffset, y, dy, dx }, dims);
      plan.run();
      const out = { y: await r.read(y, span), dx: await r.read(dx, spec.timesteps * span) };
      plan.destroy();
      for (const b of [x, dy, y, dx]) r.destroyBuffer(b);
      return out;
    });
  },

  /** RepeatVector: x [block] from xOffset to n copies, and dx from dy [n, block]. */
  repeatVector(spec: { x: Encoded; dy: Encoded; n: number; block: number; xOffset: number }) {
    return inScope(async (r) => {
      const dims = { n: spec.n, block: spec.block };
      const x = r.upload('x', decode(spec.x).data);
      const dy = r.upload('dy', decode(spec.dy).data);
      const y = r.createBuffer('y', spec.n * spec.block * 4);
      const dx = r.createBuffer('dx', spec.block * 4);
      const plan = new Plan(r, 'repeatVector test');
      recordRepeatForward(plan, { x, xOffset: spec.xOffset, y }, dims);
      recordRepeatBackward(plan, { dy, dx }, dims);
      plan.run();
      const out = { y: await r.read(y, spec.n * spec.block), dx: await r.read(dx, spec.block) };
      plan.destroy();
      for (const b of [x, dy, y, dx]) r.destroyBuffer(b);
      return out;
    });
  },

  /**
   * Recurrent dropout's kernels: two training draws of keep (behind `keepOffset` floats of other data, as after a
   * step mask), each followed by H̃ = H ⊙ keep over `timesteps` slots of h from hOffset and dh0 ⊙= keep; then an
   * evaluation draw (all ones, the counter unchanged). Each run's outputs.
   */
  recurrentDropoutKernels(spec: {
    h: Encoded;
    dh0: Encoded;
    batch: number;
    units: number;
    timesteps: number;
    hOffset: number;
    masked: boolean;
    rate: number;
    seed: number;
  }) {
    return inScope(async (r) => {
      const dims = { batch: spec.batch, units: spec.units, timesteps: spec.timesteps, masked: spec.masked };
      const layout = recurrentKeepLayout(dims);
      const keep = { buffer: r.zeros('keep', layout.floats), ...layout };
      const step = r.zeros('step', 1);
      const h = r.upload('h', decode(spec.h).data);
      const dh0Data = decode(spec.dh0).data;
      const dh0 = r.createBuffer('dh0', dh0Data.length * 4);
      const y = r.createBuffer('dropped', spec.timesteps * spec.batch * spec.units * 4);
      const out: Record<string, Float32Array> = {};
      for (const [run, draw] of [
        [0, { rate: spec.rate, seed: spec.seed }],
        [1, { rate: spec.rate, seed: spec.seed }],
        [2, null],
      ] as const) {
        r.write(dh0, dh0Data);
        const plan = new Plan(r, 'recurrent dropout test');
        recordRecurrentKeep(plan, { step, keep }, dims, draw);
        recordDroppedStates(plan, { keep, x: h, xOffset: spec.hOffset, y }, dims);
        recordKeepInPlace(plan, { keep, y: dh0 }, dims);
        await plan.prepare();
        plan.run();
        plan.destroy();
        out[`keep${run}`] = await r.read(keep.buffer, spec.batch * spec.units, layout.keepOffset);
        out[`dropped${run}`] = await r.read(y, spec.timesteps * spec.batch * spec.units);
        out[`dh0${run}`] = await r.read(dh0, dh0Data.length);
        out[`step${run}`] = Float32Array.of(new Uint32Array((await r.read(step, 1)).buffer)[0]!);
      }
      for (const b of [keep.buffer, step, h, dh0, y]) r.destroyBuffer(b);
      return out;
    });
  },

  /** Two training steps of dropout (mask, scale, step += 1, gradient) from a zeroed counter; each step's outputs. */
  dropout(spec: { x: Encoded; dy: Encoded; rows: number; cols: number; batch: number; xOffset: number; config: DropoutConfig }) {
    return inScope(async (r) => {
      const floats = spec.rows * spec.cols;
      const x = r.upload('x', decode(spec.x).data);
      const dy = r.upload('dy', decode(spec.dy).data);
      const [scale, y, dx] = ['scale', 'y', 'dx'].map((n) => r.createBuffer(n, floats * 4));
      const step = r.zeros('step', 1);
      const dims = { rows: spec.rows, cols: spec.cols, batch: spec.batch };
      const plan = new Plan(r, 'dropout test');
      recordDropoutForward(plan, { step, x, xOffset: spec.xOffset, scale: scale!, y: y! }, dims, spec.config);
      recordDropoutBackward(plan, { scale: scale!, dy, dx: dx! }, dims, spec.config);
      const out: Record<string, Float32Array> = {};
      for (const run of [0, 1]) {
        plan.run();
        for (const [name, buffer] of [
          ['scale', scale],
          ['y', y],
          ['dx', dx],
        ] as const)
          out[`${name}${run}`] = await r.read(buffer!, floats);
        out[`step${run}`] = Float32Array.of(new Uint32Array((await r.read(step, 1)).buffer)[0]!);
      }
      plan.destroy();
      for (const b of [x, dy, scale!, y!, dx!, step]) r.destroyBuffer(b);
      return out;
    });
  },

  lstm(spec: {
    inputs: {
      x: Encoded;
      kernel: Encoded;
      recurrentKernel: Encoded;
      bias: Encoded;
      initialState?: [Encoded, Encoded];
      mask?: Encoded;
      recurrentDropoutMask?: Encoded;
    };
    grads?: { dOutput: Encoded; dh?: Encoded; dc?: Encoded };
    options: LstmOptions;
  }) {
    const inputs = {
      x: decode(spec.inputs.x),
      kernel: decode(spec.inputs.kernel),
      recurrentKernel: decode(spec.inputs.recurrentKernel),
      bias: decode(spec.inputs.bias),
      ...(spec.inputs.initialState ? { initialState: [decode(spec.inputs.initialState[0]), decode(spec.inputs.initialState[1])] as const } : {}),
      ...(spec.inputs.mask ? { mask: decode(spec.inputs.mask) } : {}),
      ...(spec.inputs.recurrentDropoutMask ? { recurrentDropoutMask: decode(spec.inputs.recurrentDropoutMask) } : {}),
    };
    return inScope(async (r) => {
      if (!spec.grads) return { ...(await lstmForward(r, inputs, spec.options)) };
      const grads = {
        dOutput: decode(spec.grads.dOutput),
        ...(spec.grads.dh ? { dh: decode(spec.grads.dh) } : {}),
        ...(spec.grads.dc ? { dc: decode(spec.grads.dc) } : {}),
      };
      return { ...(await lstmBackward(r, inputs, grads, spec.options)) };
    });
  },

  gemm(spec: {
    a: Encoded;
    b: Encoded;
    bias?: Encoded;
    m: number;
    n: number;
    k: number;
    transA: boolean;
    transB: boolean;
    aOffset: number;
    bOffset: number;
    cOffset: number;
    variant?: GemmVariant;
    vec4Cols?: 4 | 8;
    vec4Side?: 4 | 8;
  }) {
    return inScope(async (r) => {
      const a = r.upload('a', decode(spec.a).data);
      const b = r.upload('b', decode(spec.b).data);
      const bias = spec.bias ? r.upload('bias', decode(spec.bias).data) : undefined;
      const cLength = spec.cOffset + spec.m * spec.n;
      const c = r.createBuffer('c', cLength * 4);
      const plan = new Plan(r, 'gemm test');
      recordGemm(plan, {
        a,
        b,
        c,
        ...(bias ? { bias } : {}),
        m: spec.m,
        n: spec.n,
        k: spec.k,
        transA: spec.transA,
        transB: spec.transB,
        aOffset: spec.aOffset,
        bOffset: spec.bOffset,
        cOffset: spec.cOffset,
        ...(spec.variant ? { variant: spec.variant } : {}),
        ...(spec.vec4Cols ? { vec4Cols: spec.vec4Cols } : {}),
        ...(spec.vec4Side ? { vec4Side: spec.vec4Side } : {}),
      });
      plan.run();
      const out = await r.read(c, spec.m * spec.n, spec.cOffset);
      plan.destroy();
      for (const buf of [a, b, c, bias]) if (buf) r.destroyBuffer(buf);
      return { c: out };
    });
  },

  columnSum(spec: { a: Encoded; rows: number; cols: number }) {
    return inScope(async (r) => {
      const a = r.upload('a', decode(spec.a).data);
      const out = r.createBuffer('out', spec.cols * 4);
      const plan = new Plan(r, 'columnSum test');
      recordColumnSum(plan, a, out, spec.rows, spec.cols);
      plan.run();
      const result = await r.read(out, spec.cols);
      plan.destroy();
      r.destroyBuffer(a);
      r.destroyBuffer(out);
      return { out: result };
    });
  },

  lstmWeightGrad(spec: {
    h: Encoded;
    x: Encoded;
    dg: Encoded;
    rows: number;
    units: number;
    features: number;
    hOffset: number;
    xOffset: number;
    block: LstmWeightGradBlock;
  }) {
    return inScope(async (r) => {
      const h = r.upload('h', decode(spec.h).data);
      const x = r.upload('x', decode(spec.x).data);
      const dg = r.upload('dg', decode(spec.dg).data);
      const u4 = 4 * spec.units;
      const dU = r.createBuffer('dU', spec.units * u4 * 4);
      const dW = r.createBuffer('dW', spec.features * u4 * 4);
      const db = r.createBuffer('db', u4 * 4);
      const plan = new Plan(r, 'lstmWeightGrad test');
      recordLstmWeightGrad(plan, {
        h,
        hOffset: spec.hOffset,
        x,
        xOffset: spec.xOffset,
        dgates: dg,
        dKernel: dW,
        dRecurrentKernel: dU,
        dBias: db,
        rows: spec.rows,
        units: spec.units,
        features: spec.features,
        block: spec.block,
      });
      plan.run();
      const out = { dU: await r.read(dU, spec.units * u4), dW: await r.read(dW, spec.features * u4), db: await r.read(db, u4) };
      plan.destroy();
      for (const buf of [h, x, dg, dU, dW, db]) r.destroyBuffer(buf);
      return out;
    });
  },
};
