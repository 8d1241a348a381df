/** Harness cases for masked models (test/masking.gpu.test.ts): predict, evaluate and one training epoch. */
import { Plan } from '../../src/gpu/plan';
import { recordMaskedAvgPoolBackward, recordMaskedAvgPoolForward } from '../../src/kernels/globalPooling1d';
import { recordAddInto, recordLossWeights, recordMaskApply, recordMaskFromValues } from '../../src/kernels/sequenceMask';
import type { RecurrentLayer, Tensor } from '../../src/index';
import { decode, inScope, type Encoded } from './harnessCore';
import { buildModel, type InteropLayerSpec } from './interopCases';

export const maskingCases = {
  /**
   * Streams each id sequence through a stateful model one step at a time (predictStep), from fresh states each
   * time; the output after each sequence's last step, `y0`, `y1`, ….
   */
  streamIds(spec: { layers: InteropLayerSpec[]; seed: number; sequences: number[][] }) {
    return inScope(async (r) => {
      const model = buildModel(r, spec.layers, spec.seed);
      const out: Record<string, Float32Array> = {};
      for (const [i, ids] of spec.sequences.entries()) {
        model.resetStates();
        let y: Float32Array = new Float32Array(0);
        for (const id of ids) y = (await model.predictStep([id])).data;
        out[`y${i}`] = y;
      }
      model.dispose();
      return out;
    });
  },

  /** The first layer of a seeded model run alone with layer.apply(x, { mask }); its output and the weights `w*`. */
  applyMasked(spec: { layers: InteropLayerSpec[]; seed: number; x: Encoded; mask: Encoded }) {
    return inScope(async (r) => {
      const model = buildModel(r, spec.layers, spec.seed);
      const layer = model.layers[0] as RecurrentLayer;
      const weights = await model.getWeights();
      const output = (await layer.apply(decode(spec.x), { mask: decode(spec.mask) })) as Tensor;
      model.dispose();
      return { y: output.data, ...Object.fromEntries(weights.map((w, i) => [`w${i}`, w.data])) };
    });
  },

  /**
   * The kernels of shaders/sequenceMask.wgsl and the masked average pooling on one sequence x [T·batch, cols]
   * (from xOffset): the mask from maskValue, x masked, the loss weights, y += x's first rows, pooling and its
   * gradient from dy [batch, cols].
   */
  sequenceMaskKernels(spec: { x: Encoded; dy: Encoded; timesteps: number; batch: number; cols: number; xOffset: number; maskValue: number }) {
    return inScope(async (r) => {
      const { timesteps, batch, cols, xOffset } = spec;
      const rows = timesteps * batch;
      const x = r.upload('x', decode(spec.x).data);
      const dy = r.upload('dy', decode(spec.dy).data);
      const sums = r.upload('sums', new Float32Array(batch * cols).fill(1));
      const mask = r.createBuffer('mask', rows * 4);
      const masked = r.createBuffer('masked', rows * cols * 4);
      const weights = r.createBuffer('weights', rows * 4);
      const pooled = r.createBuffer('pooled', batch * cols * 4);
      const dx = r.createBuffer('dx', rows * cols * 4);
      const plan = new Plan(r, 'sequenceMask test');
      recordMaskFromValues(plan, { x, xOffset, mask }, { rows, cols, maskValue: spec.maskValue });
      recordMaskApply(plan, { x, xOffset, mask, y: masked }, { rows, cols });
      recordLossWeights(plan, { mask, weights }, rows);
      recordAddInto(plan, { x, xOffset, y: sums }, batch * cols);
      const dims = { timesteps, batch, cols };
      recordMaskedAvgPoolForward(plan, { x, xOffset, mask, y: pooled }, dims);
      recordMaskedAvgPoolBackward(plan, { mask, dy, dx }, dims);
      await plan.prepare();
      plan.run();
      const out = {
        mask: await r.read(mask, rows),
        masked: await r.read(masked, rows * cols),
        weights: await r.read(weights, rows),
        sums: await r.read(sums, batch * cols),
        pooled: await r.read(pooled, batch * cols),
        dx: await r.read(dx, rows * cols),
      };
      plan.destroy();
      for (const b of [x, dy, sums, mask, masked, weights, pooled, dx]) r.destroyBuffer(b);
      return out;
    });
  },

  /**
   * Builds the layers (seeded weights, or `weights` in getWeights order), predicts x in one batch; with `compile`
   * and y also evaluates (`loss`) and, with `train`, fits one full-batch epoch and returns the weights `w*`.
   */
  maskedModel(spec: {
    layers: InteropLayerSpec[];
    seed: number;
    x: Encoded;
    weights?: Encoded[];
    y?: Encoded;
    compile?: Record<string, unknown>;
    train?: boolean;
    /** Default: the whole x in one batch. */
    batchSize?: number;
  }) {
    return inScope(async (r) => {
      const model = buildModel(r, spec.layers, spec.seed);
      if (spec.weights) model.setWeights(spec.weights.map(decode));
      const x = decode(spec.x);
      const n = spec.batchSize ?? x.shape[0]!;
      const out: Record<string, Float32Array> = { y: (await model.predict(x, { batchSize: n })).data };
      (await model.getWeights()).forEach((w, i) => (out[`initial${i}`] = w.data));
      if (spec.compile && spec.y) {
        const y = decode(spec.y);
        model.compile(spec.compile as never);
        const evaluated = await model.evaluate(x, y, { batchSize: n });
        out.loss = Float32Array.from(Array.isArray(evaluated) ? evaluated : [evaluated]);
        if (spec.train) {
          const history = await model.fit(x, y, { batchSize: n, epochs: 1, shuffle: false });
          out.trainLoss = Float32Array.from(Object.values(history.history).map((v) => v[0]!));
          (await model.getWeights()).forEach((w, i) => (out[`w${i}`] = w.data));
        }
      }
      model.dispose();
      return out;
    });
  },
};
