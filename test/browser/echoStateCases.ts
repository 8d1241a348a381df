/** Harness cases for the echo-state network: the functional reservoir, the spectral radius, and models read out by ridge or by gradient. */
import {
  echoStateBackward,
  echoStateForward,
  layers,
  optimizers,
  sequential,
  spectralRadius,
  type EchoState,
  type EchoStateLayerConfig,
  type EchoStateOptions,
} from '../../src/index';
import { Plan } from '../../src/gpu/plan';
import { recordCrossProducts } from '../../src/kernels/crossProducts';
import { recordAddInputGrad, recordConcatInput, recordSplitStateGrad } from '../../src/kernels/concatInput';
import { recordSparseColumns, sparseColumnsFloats } from '../../src/kernels/sparseColumns';
import { quantizedGramColumns, recordQuantize, recordQuantizedGram } from '../../src/kernels/quantizedGram';
import { recordShiftRows } from '../../src/kernels/shiftRows';
import { decode, inScope, type Encoded } from './harnessCore';

export const echoStateCases = {
  echoState(spec: {
    inputs: { x: Encoded; inputKernel: Encoded; reservoir: Encoded; bias: Encoded; initialState?: [Encoded]; mask?: Encoded };
    grads?: { dOutput: Encoded; dh?: Encoded };
    options: EchoStateOptions;
  }) {
    const i = spec.inputs;
    const inputs = {
      x: decode(i.x),
      inputKernel: decode(i.inputKernel),
      reservoir: decode(i.reservoir),
      bias: decode(i.bias),
      ...(i.initialState ? { initialState: [decode(i.initialState[0])] as const } : {}),
      ...(i.mask ? { mask: decode(i.mask) } : {}),
    };
    const g = spec.grads;
    const grads = g && { dOutput: decode(g.dOutput), ...(g.dh ? { dh: decode(g.dh) } : {}) };
    return inScope(async (r) => ({
      ...(grads ? await echoStateBackward(r, inputs, grads, spec.options) : await echoStateForward(r, inputs, spec.options)),
    }));
  },

  spectralRadius(spec: { matrix: Encoded }) {
    return inScope(async (r) => ({ radius: Float32Array.of(await spectralRadius(r, decode(spec.matrix))) }));
  },

  /**
   * EchoState → Dense(outputs): fitRidge on (x, y), then predict x. Returns every weight, the prediction, the
   * ridge's rows and loss, and the reservoir's spectral radius measured on the GPU. With `below`, a Dense(below)
   * first, trained by gradient fit afterwards (`fitEpochs`), to show the frozen reservoir passes gradients on.
   */
  esnModel(spec: {
    esn: EchoStateLayerConfig;
    outputs: number;
    x: Encoded;
    y: Encoded;
    seed: number;
    ridge?: { alpha?: number; washout?: number; batchSize?: number };
    fitEpochs?: number;
    below?: number;
  }) {
    return inScope(async (r) => {
      const model = sequential(r, { seed: spec.seed });
      const shape = decode(spec.x).shape.slice(1);
      if (spec.below) model.add(layers.dense({ units: spec.below, inputShape: shape }));
      model.add(layers.echoState({ ...spec.esn, ...(spec.below ? {} : { inputShape: shape }) }));
      model.add(layers.dense({ units: spec.outputs }));
      const esn = model.layers[spec.below ? 1 : 0] as EchoState;
      const initial = await model.getWeights();
      const out: Record<string, Float32Array> = {};
      if (spec.ridge) {
        const result = await model.fitRidge(decode(spec.x), decode(spec.y), spec.ridge);
        out.ridge = Float32Array.of(result.rows, result.loss);
      }
      if (spec.fitEpochs) {
        model.compile({ optimizer: 'adam', loss: 'mse' });
        const history = await model.fit(decode(spec.x), decode(spec.y), { epochs: spec.fitEpochs, batchSize: 8, shuffle: false });
        out.losses = Float32Array.from(history.history.loss!);
      }
      const y = await model.predict(decode(spec.x));
      const radius = await esn.spectralRadius();
      const final = await model.getWeights();
      const summary = model.summary(() => undefined);
      model.dispose();
      return {
        ...out,
        y,
        radius: Float32Array.of(radius),
        nonTrainable: Float32Array.of(Number(/Non-trainable params: ([\d,]+)/.exec(summary)![1]!.replace(/,/g, ''))),
        ...Object.fromEntries(initial.map((w, i) => [`initial${i}`, w])),
        ...Object.fromEntries(final.map((w, i) => [`w${i}`, w])),
      };
    });
  },
};

export const esnInputCases = {
  /** An EchoState alone (its config's includeInput, goBackwards, returnSequences) on x: its output and weights. */
  esnOutput(spec: { esn: EchoStateLayerConfig; x: Encoded; seed: number }) {
    return inScope(async (r) => {
      const x = decode(spec.x);
      const model = sequential(r, { seed: spec.seed });
      model.add(layers.echoState({ ...spec.esn, inputShape: x.shape.slice(1) }));
      const y = await model.predict(x);
      const [w0, w1, w2] = await model.getWeights();
      model.dispose();
      return { y, w0: w0!.data, w1: w1!.data, w2: w2!.data };
    });
  },

  /**
   * Dense(below) → EchoState → Dense: the gradient of the MSE on the Dense below's kernel two ways, from one
   * full-batch SGD step ((before − after) / lr) and by central differences of `evaluate` (step eps).
   */
  esnGradient(spec: { esn: EchoStateLayerConfig; below: number; x: Encoded; y: Encoded; seed: number; lr: number; eps: number }) {
    return inScope(async (r) => {
      const [x, y] = [decode(spec.x), decode(spec.y)];
      const n = x.shape[0]!;
      const model = sequential(r, { seed: spec.seed });
      model.add(layers.dense({ units: spec.below, inputShape: x.shape.slice(1) }));
      model.add(layers.echoState(spec.esn));
      model.add(layers.dense({ units: y.shape.at(-1)! }));
      model.compile({ optimizer: optimizers.sgd({ learningRate: spec.lr }), loss: 'mse' });
      const weights = await model.getWeights();
      const kernel = weights[0]!;
      const lossAt = async (k: Float32Array) => {
        model.setWeights([{ data: k, shape: kernel.shape }, ...weights.slice(1)]);
        return (await model.evaluate(x, y, { batchSize: n })) as number;
      };
      const fd = new Float32Array(kernel.data.length);
      for (let i = 0; i < fd.length; i++) {
        const [plus, minus] = [Float32Array.from(kernel.data), Float32Array.from(kernel.data)];
        plus[i]! += spec.eps;
        minus[i]! -= spec.eps;
        fd[i] = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * spec.eps);
      }
      model.setWeights(weights);
      await model.fit(x, y, { epochs: 1, batchSize: n, shuffle: false });
      const after = (await model.getWeights())[0]!.data;
      model.dispose();
      return { fd, sgd: Float32Array.from(kernel.data, (v, i) => (v - after[i]!) / spec.lr) };
    });
  },
};

export const reservoirKernelCases = {
  /** W [n, n]'s non-zeros packed by sparseColumns, read back. */
  sparseColumns(spec: { w: Encoded; n: number }) {
    return inScope(async (r) => {
      const w = r.upload('w', decode(spec.w).data);
      const packed = r.createBuffer('packed', sparseColumnsFloats(spec.n) * 4);
      const plan = new Plan(r, 'sparse columns');
      recordSparseColumns(plan, { w, packed }, spec.n);
      await plan.prepare();
      plan.run();
      const out = await r.read(packed, sparseColumnsFloats(spec.n));
      plan.destroy();
      for (const b of [w, packed]) r.destroyBuffer(b);
      return { packed: out };
    });
  },

  /**
   * concatInput's three entries: out = [u rows; x rows] (u from uOffset), then from dOut the states' part and the
   * input's part added onto du (which starts as duStart, laid out as u from uOffset).
   */
  concatInput(spec: { u: Encoded; uOffset: number; x: Encoded; dOut: Encoded; duStart: Encoded; rows: number; nu: number; nx: number; reverseBatch?: number }) {
    return inScope(async (r) => {
      const dims = { rows: spec.rows, nu: spec.nu, nx: spec.nx, ...(spec.reverseBatch === undefined ? {} : { reverseBatch: spec.reverseBatch }) };
      const [u, x, dOut, dU] = [
        r.upload('u', decode(spec.u).data),
        r.upload('x', decode(spec.x).data),
        r.upload('dOut', decode(spec.dOut).data),
        r.upload('dU', decode(spec.duStart).data),
      ];
      const out = r.createBuffer('out', spec.rows * (spec.nu + spec.nx) * 4);
      const dState = r.createBuffer('dState', spec.rows * spec.nx * 4);
      const plan = new Plan(r, 'concat input');
      recordConcatInput(plan, { u, uOffset: spec.uOffset, x, xOffset: 0, out }, dims);
      recordSplitStateGrad(plan, { dOut, dState }, dims);
      recordAddInputGrad(plan, { dOut, dU, duOffset: spec.uOffset }, dims);
      await plan.prepare();
      plan.run();
      const [o, ds, du] = await r.readMany([
        { ref: out, length: spec.rows * (spec.nu + spec.nx) },
        { ref: dState, length: spec.rows * spec.nx },
        { ref: dU, length: decode(spec.duStart).data.length },
      ]);
      plan.destroy();
      for (const b of [u, x, dOut, dU, out, dState]) r.destroyBuffer(b);
      return { out: o!, dState: ds!, dU: du! };
    });
  },
};

export const crossProductCases = {
  /** y = x − shift by rows through shiftRows, from an offset into x. */
  shiftRows(spec: { x: Encoded; xOffset: number; shift: Encoded; rows: number; cols: number; stride?: number; col0?: number }) {
    return inScope(async (r) => {
      const [x, shift] = [r.upload('x', decode(spec.x).data), r.upload('shift', decode(spec.shift).data)];
      const y = r.createBuffer('y', spec.rows * spec.cols * 4);
      const plan = new Plan(r, 'shift rows');
      recordShiftRows(plan, { x, xOffset: spec.xOffset, shift, y }, { rows: spec.rows, cols: spec.cols, stride: spec.stride, col0: spec.col0 });
      await plan.prepare();
      plan.run();
      const out = await r.read(y, spec.rows * spec.cols);
      plan.destroy();
      for (const b of [x, shift, y]) r.destroyBuffer(b);
      return { y: out };
    });
  },

  /**
   * Z's columns col0 … col0 + n − 1 (rows `stride` apart, from zOffset, moved by `shift`) rounded by quantize into
   * q, then ZᵀZ through quantizedGram (one call, or two on halves of the rows) and, given b [rows, bCols], Zᵀ·B
   * through crossProducts reading q (A_FIXED). Returns each sum's hi and lo.
   */
  quantizedSums(spec: {
    z: Encoded;
    rows: number;
    n: number;
    zOffset: number;
    stride: number;
    col0: number;
    shift: Encoded;
    halves: boolean;
    b?: Encoded;
    bCols?: number;
  }) {
    return inScope(async (r) => {
      const { rows, n } = spec;
      const owned: GPUBuffer[] = [];
      const make = (b: GPUBuffer) => (owned.push(b), b);
      const [hi, lo] = [make(r.zeros('hi', n * n)), make(r.zeros('lo', n * n))];
      const z = make(r.upload('z', decode(spec.z).data));
      const shift = make(r.upload('shift', decode(spec.shift).data));
      const q = make(r.createBuffer('q', rows * quantizedGramColumns(n) * 4));
      const plan = new Plan(r, 'quantized sums');
      recordQuantize(plan, { z, zOffset: spec.zOffset, shift, q }, { rows, n, stride: spec.stride, col0: spec.col0 });
      const half = spec.halves ? Math.floor(rows / 2) : rows;
      recordQuantizedGram(plan, { q, hi, lo }, { rows: half, n });
      if (spec.halves) recordQuantizedGram(plan, { q, hi, lo }, { rows: rows - half, n, row0: half });
      const bCols = spec.bCols ?? 0;
      const cross = spec.b
        ? { hi: make(r.zeros('zb hi', n * bCols)), lo: make(r.zeros('zb lo', n * bCols)), b: make(r.upload('b', decode(spec.b).data)) }
        : null;
      if (cross) {
        recordCrossProducts(
          plan,
          { a: q, aOffset: 0, b: cross.b, bOffset: 0, hi: cross.hi, lo: cross.lo },
          { rows, aCols: n, bCols, aFixed: true, aStride: quantizedGramColumns(n) },
        );
      }
      await plan.prepare();
      plan.run();
      const out = await r.readMany([
        { ref: hi, length: n * n },
        { ref: lo, length: n * n },
        ...(cross
          ? [
              { ref: cross.hi, length: n * bCols },
              { ref: cross.lo, length: n * bCols },
            ]
          : []),
      ]);
      plan.destroy();
      for (const buf of owned) r.destroyBuffer(buf);
      return { hi: out[0]!, lo: out[1]!, ...(cross ? { zbHi: out[2]!, zbLo: out[3]! } : {}) };
    });
  },

  /** C = Aᵀ·B through crossProducts (hi, lo after one call, or two calls on halves of the rows), read back. */
  crossProducts(spec: { a: Encoded; b: Encoded; rows: number; aCols: number; bCols: number; halves: boolean; symmetric?: boolean }) {
    return inScope(async (r) => {
      const [a, b] = [decode(spec.a).data, decode(spec.b).data];
      const floats = spec.aCols * spec.bCols;
      const hi = r.zeros('hi', floats);
      const lo = r.zeros('lo', floats);
      const [ab, bb] = [r.upload('a', a), r.upload('b', b)];
      const plan = new Plan(r, 'cross products');
      const half = spec.halves ? Math.floor(spec.rows / 2) : spec.rows;
      const dims = { aCols: spec.aCols, bCols: spec.bCols, symmetric: spec.symmetric ?? false };
      recordCrossProducts(plan, { a: ab, aOffset: 0, b: bb, bOffset: 0, hi, lo }, { ...dims, rows: half });
      if (spec.halves)
        recordCrossProducts(plan, { a: ab, aOffset: half * spec.aCols, b: bb, bOffset: half * spec.bCols, hi, lo }, { ...dims, rows: spec.rows - half });
      await plan.prepare();
      plan.run();
      const [h, l] = await r.readMany([
        { ref: hi, length: floats },
        { ref: lo, length: floats },
      ]);
      plan.destroy();
      for (const buf of [hi, lo, ab, bb]) r.destroyBuffer(buf);
      return { hi: h!, lo: l! };
    });
  },
};
