/** Harness cases for functional models (src/model/functional.ts): graphs built here, data and weights from the test. */
import { input, layers, model, optimizers, sequential, type Functional, type ModelData, type Tensor } from '../../src/index';
import { recordMaskColumns, recordPlace, recordScaledAdd, recordTake } from '../../src/kernels/merge';
import { recordBatchedMatmul, type MatmulLayout } from '../../src/kernels/batchedMatmul';
import { recordAdditiveBackward, recordAdditiveScores, type AdditiveDims } from '../../src/kernels/additiveAttention';
import { Plan } from '../../src/gpu/plan';
import { decode, inScope, type Encoded } from './harnessCore';

const flat = (ts: Tensor[]) => Float32Array.from(ts.flatMap((t) => [...t.data]));
const history = (h: Record<string, number[]>, key: string) => Float32Array.from(h[key]!);

/**
 * The gradient of the loss at the current weights two ways: from one SGD step with learning rate 1 on the full batch
 * (w₀ − w₁), and by central differences of evaluate() at w ± eps for every `stride`-th weight; loss weights 1, 2, …
 */
async function gradientCheck(m: Functional, x: ModelData, y: ModelData, count: number, eps: number, stride: number) {
  m.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss: 'mse', lossWeights: m.outputNames.map((_, i) => 1 + i) });
  const start = await m.getWeights();
  const loss = async (ws: Tensor[]) => {
    m.setWeights(ws);
    const r = await m.evaluate(x, y, { batchSize: count });
    return typeof r === 'number' ? r : r[0]!;
  };
  const numeric: number[] = [];
  const analyticAt: number[] = [];
  let at = 0;
  for (const [k, w] of start.entries()) {
    for (let i = 0; i < w.data.length; i++, at++) {
      if (at % stride !== 0) continue;
      const shifted = (d: number) => start.map((t, j) => (j === k ? { data: Float32Array.from(t.data, (v, n) => (n === i ? v + d : v)), shape: t.shape } : t));
      numeric.push(((await loss(shifted(eps))) - (await loss(shifted(-eps)))) / (2 * eps));
      analyticAt.push(at);
    }
  }
  m.setWeights(start);
  await m.fit(x, y, { epochs: 1, batchSize: count, shuffle: false });
  const after = flat(await m.getWeights());
  const before = flat(start);
  return { numeric: Float32Array.from(numeric), analytic: Float32Array.from(analyticAt, (i) => before[i]! - after[i]!) };
}

export const functionalCases = {
  /** shaders/merge.wgsl's entry points on their own: place two blocks, take one back, scaled_add, mask_columns of b by `mask`. */
  mergeKernels(spec: { a: Encoded; b: Encoded; mask: Encoded; batch: number; rows: number; colsA: number; colsB: number; aOffset: number; alpha: number }) {
    return inScope(async (r) => {
      const [a, b] = [decode(spec.a).data, decode(spec.b).data];
      const outCols = spec.colsA + spec.colsB;
      const aBuf = r.upload('a', a);
      const bBuf = r.upload('b', b);
      const out = r.createBuffer('out', spec.rows * outCols * 4);
      const taken = r.createBuffer('taken', spec.rows * spec.colsB * 4);
      const sum = r.upload('sum', b);
      const masked = r.upload('masked', b);
      const mask = r.upload('mask', decode(spec.mask).data);
      const plan = new Plan(r, 'merge kernels test');
      recordMaskColumns(plan, { mask, scores: masked }, { rows: spec.rows, cols: spec.colsB, batch: spec.batch });
      recordPlace(plan, { x: aBuf, xOffset: spec.aOffset, out }, { rows: spec.rows, cols: spec.colsA, outCols, colOffset: 0 });
      recordPlace(plan, { x: bBuf, xOffset: 0, out }, { rows: spec.rows, cols: spec.colsB, outCols, colOffset: spec.colsA });
      recordTake(plan, { dout: out, dx: taken }, { rows: spec.rows, cols: spec.colsB, outCols, colOffset: spec.colsA });
      recordScaledAdd(plan, { x: aBuf, xOffset: spec.aOffset, y: sum }, spec.rows * spec.colsB, spec.alpha);
      plan.run();
      const [o, t, s, m] = await r.readMany([
        { ref: out, offsetFloats: 0, length: spec.rows * outCols },
        { ref: taken, offsetFloats: 0, length: spec.rows * spec.colsB },
        { ref: sum, offsetFloats: 0, length: spec.rows * spec.colsB },
        { ref: masked, offsetFloats: 0, length: spec.rows * spec.colsB },
      ]);
      plan.destroy();
      for (const buf of [aBuf, bBuf, out, taken, sum, masked, mask]) r.destroyBuffer(buf);
      return { out: o!, taken: t!, sum: s!, masked: m! };
    });
  },

  /** shaders/batchedMatmul.wgsl on its own: `o` starts as given, then O = alpha·s·A·B (+ O with accumulate). */
  batchedMatmul(spec: { a: Encoded; b: Encoded; o: Encoded; layout: MatmulLayout; alpha: number; scale: number | null; accumulate: boolean }) {
    return inScope(async (r) => {
      const a = r.upload('a', decode(spec.a).data);
      const b = r.upload('b', decode(spec.b).data);
      const o = r.upload('o', decode(spec.o).data);
      const scale = spec.scale === null ? null : r.upload('scale', Float32Array.of(spec.scale));
      const plan = new Plan(r, 'batchedMatmul test');
      recordBatchedMatmul(plan, { a, b, o, scale }, spec.layout, { alpha: spec.alpha, accumulate: spec.accumulate });
      plan.run();
      const out = await r.read(o, spec.o.shape[0]!);
      plan.destroy();
      for (const buf of [a, b, o, scale]) if (buf) r.destroyBuffer(buf);
      return { o: out };
    });
  },

  /** shaders/additiveAttention.wgsl on its own: the scores, then every gradient from a given dS. */
  additiveAttention(spec: { q: Encoded; k: Encoded; scale: Encoded | null; ds: Encoded; dims: AdditiveDims; qOffset: number; kOffset: number }) {
    return inScope(async (r) => {
      const { dims } = spec;
      const [q, k, ds] = [r.upload('q', decode(spec.q).data), r.upload('k', decode(spec.k).data), r.upload('ds', decode(spec.ds).data)];
      const scale = spec.scale ? r.upload('scale', decode(spec.scale).data) : null;
      const scores = r.createBuffer('scores', dims.tq * dims.batch * dims.tv * 4);
      const dq = r.createBuffer('dq', dims.tq * dims.batch * dims.dim * 4);
      const dk = r.createBuffer('dk', dims.tv * dims.batch * dims.dim * 4);
      const dscale = r.createBuffer('dscale', dims.dim * 4);
      const inputs = { q, qOffset: spec.qOffset, k, kOffset: spec.kOffset, scale };
      const plan = new Plan(r, 'additiveAttention test');
      recordAdditiveScores(plan, { ...inputs, scores }, dims);
      recordAdditiveBackward(plan, { ...inputs, ds, dq, dk, dscale }, dims);
      plan.run();
      const [s, gq, gk, gs] = await r.readMany([
        { ref: scores, offsetFloats: 0, length: dims.tq * dims.batch * dims.tv },
        { ref: dq, offsetFloats: 0, length: dims.tq * dims.batch * dims.dim },
        { ref: dk, offsetFloats: 0, length: dims.tv * dims.batch * dims.dim },
        { ref: dscale, offsetFloats: 0, length: dims.dim },
      ]);
      plan.destroy();
      for (const buf of [q, k, ds, scale, scores, dq, dk, dscale]) if (buf) r.destroyBuffer(buf);
      return { scores: s!, dq: gq!, dk: gk!, ...(spec.scale ? { dscale: gs! } : {}) };
    });
  },

  /**
   * Attention both ways over an encoder's sequence: TF.js's date-conversion example's (dot [2, 2], softmax, dot
   * [2, 1]) and Keras's Attention with a learned scale, a key and its weights returned and read by a later layer;
   * and a dot of two vectors. The gradient from one SGD step against central differences of evaluate().
   */
  functionalAttention(spec: { q: Encoded; v: Encoded; y1: Encoded; y2: Encoded; seed: number; stride: number }) {
    return inScope(async (r) => {
      const S = (t: unknown) => t as ReturnType<typeof input>;
      const qIn = input({ shape: spec.q.shape.slice(1), name: 'q' });
      const vIn = input({ shape: spec.v.shape.slice(1), name: 'v' });
      const enc = S(layers.lstm({ units: 4, returnSequences: true }).apply(vIn));
      const dec = S(layers.dense({ units: 4, activation: 'tanh' }).apply(qIn));
      const scores = S(layers.dot({ axes: [2, 2] }).apply([dec, enc]));
      const weights = S(layers.activation({ activation: 'softmax' }).apply(scores));
      const context = S(layers.dot({ axes: [2, 1] }).apply([weights, enc]));
      const key = S(layers.dense({ units: 4 }).apply(vIn));
      const attentionLayer = layers.attention({ useScale: true, returnAttentionScores: true });
      const [attended, attentionWeights] = attentionLayer.apply([dec, enc, key]) as ReturnType<typeof input>[];
      const additive = S(layers.additiveAttention().apply([dec, enc]));
      const out1 = S(layers.dense({ units: 2, name: 'out1' }).apply(layers.concatenate().apply([context, attended!, dec, additive])));
      const pooled = S(layers.dense({ units: 1 }).apply(layers.globalAveragePooling1d().apply(attentionWeights!)));
      const vectors = S(layers.dot({ axes: 1 }).apply([S(layers.globalAveragePooling1d().apply(enc)), S(layers.globalAveragePooling1d().apply(dec))]));
      const out2 = S(layers.add({ name: 'out2' }).apply([pooled, vectors]));
      const m = model(r, { inputs: [qIn, vIn], outputs: [out1, out2], seed: spec.seed });
      try {
        // A scale other than its initial 1, so a scale left out of dQ or dK would show.
        attentionLayer.setWeights([{ data: Float32Array.of(0.6), shape: [] }]);
        const x = [decode(spec.q), decode(spec.v)];
        return await gradientCheck(m, x, [decode(spec.y1), decode(spec.y2)], spec.q.shape[0]!, 1e-2, spec.stride);
      } finally {
        m.dispose();
      }
    });
  },

  /**
   * Keras's masks through attention: an encoder over token ids with maskZero, attended by both attention layers and
   * merged. Model A reads ids padded with zeros to `padded` steps; model B, made from the same layers (so the same
   * weights), reads only the `real` steps. Padding must change nothing: the masked steps get no attention weight.
   */
  maskedAttention(spec: { ids: Encoded; q: Encoded; real: number; vocabulary: number; seed: number }) {
    return inScope(async (r) => {
      const S = (t: unknown) => t as ReturnType<typeof input>;
      const ids = decode(spec.ids);
      const [n, padded] = ids.shape as [number, number];
      const q = decode(spec.q);
      const embedding = layers.embedding({ inputDim: spec.vocabulary, outputDim: 4, maskZero: true });
      const encoderLayer = layers.lstm({ units: 5, returnSequences: true });
      const query = layers.dense({ units: 5, activation: 'tanh' });
      const [dot, additive, joined] = [layers.attention({ useScale: true }), layers.additiveAttention(), layers.concatenate()];
      const build = (steps: number, seed?: number) => {
        const idsIn = input({ shape: [steps], dtype: 'int32' });
        const qIn = input({ shape: q.shape.slice(1) });
        const encoded = S(encoderLayer.apply(S(embedding.apply(idsIn))));
        const asked = S(query.apply(qIn));
        const out = S(joined.apply([S(dot.apply([asked, encoded])), S(additive.apply([asked, encoded]))]));
        return model(r, { inputs: [idsIn, qIn], outputs: out, ...(seed === undefined ? {} : { seed }) });
      };
      // A masked query (its step 1 all zeros, masking() marks it), in a model of its own layers: Keras outputs zeros there.
      const qMasked = input({ shape: q.shape.slice(1) });
      const idsC = input({ shape: [padded], dtype: 'int32' });
      const encodedC = S(
        layers.lstm({ units: 5, returnSequences: true }).apply(S(layers.embedding({ inputDim: spec.vocabulary, outputDim: 4, maskZero: true }).apply(idsC))),
      );
      const askedMasked = S(layers.dense({ units: 5, activation: 'tanh' }).apply(S(layers.masking().apply(qMasked))));
      const c = model(r, { inputs: [idsC, qMasked], outputs: S(layers.attention().apply([askedMasked, encodedC])), seed: spec.seed });
      const a = build(padded, spec.seed);
      const b = build(spec.real);
      try {
        const cut = {
          data: Float32Array.from({ length: n * spec.real }, (_, i) => ids.data[Math.floor(i / spec.real) * padded + (i % spec.real)]!),
          shape: [n, spec.real],
        };
        const [tq, d] = q.shape.slice(1) as [number, number];
        const qZeroStep = { data: q.data.map((v, i) => (Math.floor(i / d) % tq === 1 ? 0 : v)), shape: q.shape };
        return {
          padded: (await a.predict([ids, q])) as Tensor,
          cut: (await b.predict([cut, q])) as Tensor,
          queryMasked: (await c.predict([ids, qZeroStep])) as Tensor,
        };
      } finally {
        c.dispose();
        b.dispose();
        a.dispose();
      }
    });
  },

  /**
   * The encoder–decoder of scripts/make_torch_functional.py, built with the functional API: its predictions from
   * PyTorch's weights, three SGD steps (the logged losses), and the weights after them.
   */
  functionalSeq2seq(f: { encIn: Encoded; decIn: Encoded; ySeq: Encoded; yHead: Encoded; weights: Encoded[]; units: number; lr: number; headWeight: number }) {
    return inScope(async (r) => {
      const encIn = input({ shape: f.encIn.shape.slice(1), name: 'enc_in' });
      const decIn = input({ shape: f.decIn.shape.slice(1), name: 'dec_in' });
      const [, h, c] = layers.lstm({ units: f.units, returnState: true, name: 'encoder' }).apply(encIn) as ReturnType<typeof input>[];
      const decoderLayer = layers.lstm({ units: f.units, returnSequences: true, returnState: true, name: 'decoder' });
      const [dec, hDec] = decoderLayer.apply(decIn, { initialState: [h!, c!] }) as ReturnType<typeof input>[];
      const seqLayer = layers.dense({ units: 2, name: 'seq' });
      const seq = seqLayer.apply(dec!);
      const head = layers.dense({ units: 1, name: 'head' }).apply(layers.concatenate().apply([h!, hDec!]));
      const m = model(r, { inputs: [encIn, decIn], outputs: [seq, head] as ReturnType<typeof input>[] });
      try {
        m.setWeights(f.weights.map(decode));
        const x = { enc_in: decode(f.encIn), dec_in: decode(f.decIn) };
        const [pSeq, pHead] = (await m.predict(x)) as Tensor[];
        m.compile({ optimizer: optimizers.sgd({ learningRate: f.lr }), loss: 'mse', lossWeights: { head: f.headWeight } });
        const fit = await m.fit(x, [decode(f.ySeq), decode(f.yHead)], { epochs: 3, batchSize: f.encIn.shape[0]!, shuffle: false });
        const h2 = fit.history as Record<string, number[]>;
        const weights = flat(await m.getWeights());
        const check = await gradientCheck(m, x, [decode(f.ySeq), decode(f.yHead)], f.encIn.shape[0]!, 1e-2, 5);
        // Inference models from the same layers (their weights are m's): the encoder alone, and the decoder one step
        // at a time from given states, fed the decoder inputs step by step, as greedy decoding runs it.
        const encoder = model(r, { inputs: encIn, outputs: [h!, c!] });
        const step = input({ shape: [1, f.decIn.shape[2]!], name: 'step' });
        const [sh, sc] = [input({ shape: [f.units], name: 'h' }), input({ shape: [f.units], name: 'c' })];
        const [stepSeq, h1, c1] = decoderLayer.apply(step, { initialState: [sh, sc] }) as ReturnType<typeof input>[];
        const decoder = model(r, { inputs: [step, sh, sc], outputs: [seqLayer.apply(stepSeq!) as ReturnType<typeof input>, h1!, c1!] });
        const [B, Td, F] = f.decIn.shape as [number, number, number];
        let [hs, cs] = (await encoder.predict(x.enc_in)) as Tensor[];
        const stepwise = new Float32Array(B * Td * 2);
        for (let t = 0; t < Td; t++) {
          const xt = { data: Float32Array.from({ length: B * F }, (_, i) => x.dec_in.data[Math.floor(i / F) * Td * F + t * F + (i % F)]!), shape: [B, 1, F] };
          const [y, hn, cn] = (await decoder.predict([xt, hs!, cs!])) as Tensor[];
          for (let b = 0; b < B; b++) stepwise.set(y!.data.subarray(b * 2, b * 2 + 2), (b * Td + t) * 2);
          [hs, cs] = [hn, cn];
        }
        const [wholeSeq] = (await m.predict(x)) as Tensor[];
        const sharedWeights = (await decoder.getWeights()).length;
        encoder.dispose();
        decoder.dispose();
        return {
          stepwise,
          wholeSeq: wholeSeq!,
          sharedWeights: Float32Array.of(sharedWeights),
          predictSeq: pSeq!,
          predictHead: pHead!,
          loss: history(h2, 'loss'),
          seqLoss: history(h2, 'seq_loss'),
          headLoss: history(h2, 'head_loss'),
          weights,
          ...check,
        };
      } finally {
        m.dispose();
      }
    });
  },

  /** A chain built both ways, from the same weights: predictions, three epochs of history and the weights after. */
  functionalAsSequential(spec: { x: Encoded; y: Encoded; seed: number }) {
    return inScope(async (r) => {
      const [x, y] = [decode(spec.x), decode(spec.y)];
      const sample = x.shape.slice(1);
      const i = input({ shape: sample });
      const out = layers
        .dense({ units: y.shape[1]! })
        .apply(layers.gru({ units: 4, returnSequences: true }).apply(layers.lstm({ units: 5, returnSequences: true }).apply(i)));
      const f = model(r, { inputs: i, outputs: layers.globalAveragePooling1d().apply(out) as ReturnType<typeof input>, seed: spec.seed });
      const s = sequential(r, { seed: spec.seed });
      s.add(layers.lstm({ units: 5, returnSequences: true, inputShape: sample }));
      s.add(layers.gru({ units: 4, returnSequences: true }));
      s.add(layers.dense({ units: y.shape[1]! }));
      s.add(layers.globalAveragePooling1d());
      try {
        s.setWeights(await f.getWeights());
        const [pf, ps] = [(await f.predict(x)) as Tensor, await s.predict(x)];
        for (const m of [f, s]) m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
        const hf = (await f.fit(x, y, { epochs: 3, batchSize: 3, shuffle: true, seed: 5, validationSplit: 0.25 })).history as Record<string, number[]>;
        const hs = (await s.fit(x, y, { epochs: 3, batchSize: 3, shuffle: true, seed: 5, validationSplit: 0.25 })).history as Record<string, number[]>;
        const keys = ['loss', 'mae', 'val_loss', 'val_mae'];
        return {
          predictFunctional: pf,
          predictSequential: ps,
          historyFunctional: Float32Array.from(keys.flatMap((k) => hf[k]!)),
          historySequential: Float32Array.from(keys.flatMap((k) => hs[k]!)),
          weightsFunctional: flat(await f.getWeights()),
          weightsSequential: flat(await s.getWeights()),
        };
      } finally {
        f.dispose();
        s.dispose();
      }
    });
  },

  /**
   * Two inputs through every merge layer, a tensor read by three layers, two outputs with loss weights 1 and 2:
   * the gradient from one SGD step against central differences of evaluate().
   */
  functionalMerges(spec: { a: Encoded; b: Encoded; y1: Encoded; y2: Encoded; seed: number }) {
    return inScope(async (r) => {
      const a = input({ shape: [spec.a.shape[1]!], name: 'a' });
      const b = input({ shape: [spec.b.shape[1]!], name: 'b' });
      const p = layers.dense({ units: 3, activation: 'tanh' }).apply(a) as ReturnType<typeof input>;
      const q = layers.dense({ units: 3, activation: 'tanh' }).apply(b) as ReturnType<typeof input>;
      const s = layers.add().apply([p, q]) as ReturnType<typeof input>;
      const prod = layers.multiply().apply([p, q, s]) as ReturnType<typeof input>;
      const mean = layers.average().apply([p, prod]) as ReturnType<typeof input>;
      // An elementwise Activation (dense.wgsl's in-place entry, and activation_grad) on one branch.
      const squashed = layers.activation({ activation: 'tanh' }).apply(mean) as ReturnType<typeof input>;
      const out1 = layers.dense({ units: 2, name: 'out1' }).apply(layers.concatenate().apply([squashed, q, s])) as ReturnType<typeof input>;
      const out2 = layers.dense({ units: 1, name: 'out2' }).apply(s) as ReturnType<typeof input>;
      const m = model(r, { inputs: [a, b], outputs: [out1, out2], seed: spec.seed });
      try {
        const x = [decode(spec.a), decode(spec.b)];
        return await gradientCheck(m, x, [decode(spec.y1), decode(spec.y2)], spec.a.shape[0]!, 1e-2, 1);
      } finally {
        m.dispose();
      }
    });
  },
};
