/**
 * Harness cases for the recurrent layers' own machinery: the two small kernels they add (time reversal and the
 * Bidirectional merge), stateful models run in chunks, streaming inference with predictStep, and a layer
 * applied alone from an initial state. Whole-model predict and fit of these layers use modelCases.ts.
 */
import { sequential, type Runtime, type Tensor } from '../../src/index';
import { Plan } from '../../src/gpu/plan';
import { recordMerge, recordSplit, type MergeMode } from '../../src/kernels/bidirectionalMerge';
import { recordReverseTime } from '../../src/kernels/reverseTime';
import type { RecurrentLayer } from '../../src/layers/recurrent';
import type { LayerSpec } from '../support/referenceModel';
import { decode, inScope, type Encoded } from './harnessCore';
import { buildLayer } from './modelCases';

function model(r: Runtime, specs: LayerSpec[], seed: number) {
  const m = sequential(r, { seed });
  for (const l of specs) m.add(buildLayer(l));
  return m;
}

/** Timesteps [from, to) of a batch-major [B, T, ...rest] tensor. */
function timeSlice(x: Tensor, from: number, to: number): Tensor {
  const [B, T] = x.shape as [number, number];
  const rest = x.data.length / (B * T);
  const out = new Float32Array(B * (to - from) * rest);
  for (let b = 0; b < B; b++) out.set(x.data.subarray((b * T + from) * rest, (b * T + to) * rest), b * (to - from) * rest);
  return { data: out, shape: [B, to - from, ...x.shape.slice(2)] };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const recurrentLayerCases = {
  reverseTime(spec: { src: Encoded; srcOffset: number; timesteps: number; block: number }) {
    return inScope(async (r) => {
      const src = r.upload('src', decode(spec.src).data);
      const dst = r.createBuffer('dst', spec.timesteps * spec.block * 4);
      const plan = new Plan(r, 'reverseTime test');
      recordReverseTime(plan, { src, srcOffset: spec.srcOffset, dst, timesteps: spec.timesteps, block: spec.block });
      plan.run();
      const out = await r.read(dst, spec.timesteps * spec.block);
      plan.destroy();
      r.destroyBuffer(src);
      r.destroyBuffer(dst);
      return { out };
    });
  },

  bidirectionalMerge(spec: { a: Encoded; aOffset: number; b: Encoded; bOffset: number; dout: Encoded; rows: number; units: number; mode: MergeMode }) {
    return inScope(async (r) => {
      const made: GPUBuffer[] = [];
      const up = (e: Encoded) => (made.push(r.upload('in', decode(e).data)), made[made.length - 1]!);
      const empty = (floats: number) => (made.push(r.createBuffer('out', floats * 4)), made[made.length - 1]!);
      const width = spec.mode === 'concat' ? 2 * spec.units : spec.units;
      const both = { a: up(spec.a), aOffset: spec.aOffset, b: up(spec.b), bOffset: spec.bOffset, rows: spec.rows, units: spec.units };
      const out = empty(spec.rows * width);
      const [da, db] = [empty(spec.rows * spec.units), empty(spec.rows * spec.units)];
      const plan = new Plan(r, 'merge test');
      recordMerge(plan, spec.mode, { ...both, out });
      recordSplit(plan, spec.mode, { ...both, dout: up(spec.dout), da, db });
      plan.run();
      const [o, a, b] = await r.readMany([
        { ref: out, length: spec.rows * width },
        { ref: da, length: spec.rows * spec.units },
        { ref: db, length: spec.rows * spec.units },
      ]);
      plan.destroy();
      for (const m of made) r.destroyBuffer(m);
      return { out: o!, da: a!, db: b! };
    });
  },

  /**
   * A stateful model (batchInputShape [B, chunk, F]) fed x [B, T, F] chunk by chunk, and a stateless model with
   * inputShape [T, F] and the same weights fed x whole. Also: after resetStates the first chunk again, and the
   * kept states after the last chunk.
   */
  statefulChunks(spec: { chunked: LayerSpec[]; whole: LayerSpec[]; x: Encoded; chunk: number; seed: number }) {
    return inScope(async (r) => {
      const x = decode(spec.x);
      const T = x.shape[1]!;
      const stateful = model(r, spec.chunked, spec.seed);
      const parts: Float32Array[] = [];
      for (let t = 0; t < T; t += spec.chunk) parts.push((await stateful.predict(timeSlice(x, t, t + spec.chunk))).data);
      const kept = await (stateful.layers[0] as RecurrentLayer).getStates();
      stateful.resetStates();
      const again = await stateful.predict(timeSlice(x, 0, spec.chunk));
      const whole = model(r, spec.whole, spec.seed + 1);
      const weights = await stateful.getWeights();
      whole.setWeights(weights);
      const full = await whole.predict(x);
      stateful.dispose();
      whole.dispose();
      return {
        chunks: concat(parts),
        firstAgain: again,
        full,
        ...Object.fromEntries(kept.map((s, i) => [`state${i}`, s])),
        ...Object.fromEntries(weights.map((w, i) => [`w${i}`, w])),
      };
    });
  },

  /**
   * predict on x [B, T, F] with a stateful model, then resetStates and T predictStep calls, one per timestep.
   * Reports what each step cost: submits, readbacks and buffers created, from the runtime's counters.
   */
  streaming(spec: { layers: LayerSpec[]; x: Encoded; seed: number }) {
    return inScope(async (r) => {
      const x = decode(spec.x);
      const T = x.shape[1]!;
      const m = model(r, spec.layers, spec.seed);
      const full = await m.predict(x);
      m.resetStates();
      const steps: Float32Array[] = [];
      const cost = { submits: [] as number[], readbacks: [] as number[], buffers: [] as number[] };
      for (let t = 0; t < T; t++) {
        const before = r.stats;
        const step = timeSlice(x, t, t + 1);
        steps.push((await m.predictStep({ data: step.data, shape: [x.shape[0]!, ...x.shape.slice(2)] })).data);
        const after = r.stats;
        cost.submits.push(after.submits - before.submits);
        cost.readbacks.push(after.readbacks - before.readbacks);
        cost.buffers.push(after.buffers - before.buffers);
      }
      const weights = await m.getWeights();
      m.dispose();
      return {
        full,
        steps: concat(steps),
        submits: Float32Array.from(cost.submits),
        readbacks: Float32Array.from(cost.readbacks),
        buffersCreated: Float32Array.from(cost.buffers),
        ...Object.fromEntries(weights.map((w, i) => [`w${i}`, w])),
      };
    });
  },

  /** `layer.apply` on the model's first layer, from an initial state, with returnState. */
  applyLayer(spec: { layers: LayerSpec[]; x: Encoded; initialState: Encoded[]; seed: number }) {
    return inScope(async (r) => {
      const m = model(r, spec.layers, spec.seed);
      const weights = await m.getWeights();
      const layer = m.layers[0] as RecurrentLayer;
      const result = await layer.apply(decode(spec.x), { initialState: spec.initialState.map(decode) });
      const [output, ...states] = result as Tensor[];
      m.dispose();
      return {
        output: output!,
        ...Object.fromEntries(states.map((s, i) => [`state${i}`, s])),
        ...Object.fromEntries(weights.map((w, i) => [`w${i}`, w])),
      };
    });
  },
};
