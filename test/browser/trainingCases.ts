/**
 * Harness cases for the training-step kernels: losses, metrics, regularizers, clipping and optimizers. Each
 * records through the real `record*` wrapper into a Plan, runs it on the GPU and returns raw buffers (whole,
 * offsets included, so an element written out of place shows up); Node compares with src/reference/.
 */
import { Plan } from '../../src/gpu/plan';
import type { Runtime } from '../../src/gpu/runtime';
import { clipScratchLength, recordClip, type ClipSpec, type Segment } from '../../src/kernels/clipping';
import { recordLoss, type LossConfig } from '../../src/kernels/losses';
import { recordMetric, type MetricConfig } from '../../src/kernels/metrics';
import {
  optimizerSlotNames,
  optimizerStateLength,
  packOptimizerState,
  recordOptimizerStep,
  writeLearningRate,
  type OptimizerSlot,
} from '../../src/kernels/optimizers';
import { recordRegularizers, regularizerScratchLength, type RegularizedSegment } from '../../src/kernels/regularizers';
import type { OptimizerConfig } from '../../src/optim/optimizers';
import { decode, inScope, type Encoded } from './harnessCore';

/** Creates buffers through the runtime and frees them all at the end of a case. */
function buffers(r: Runtime) {
  const made: GPUBuffer[] = [];
  return {
    upload(label: string, e: Encoded) {
      const b = r.upload(label, decode(e).data);
      made.push(b);
      return b;
    },
    /** A new buffer: NaN-filled by the harness runtime, so whatever the kernel does not write stays NaN. */
    empty(label: string, floats: number) {
      const b = r.createBuffer(label, floats * 4);
      made.push(b);
      return b;
    },
    zeros(label: string, floats: number) {
      const b = r.zeros(label, floats);
      made.push(b);
      return b;
    },
    free() {
      for (const b of made) r.destroyBuffer(b);
    },
  };
}

async function runOnce(r: Runtime, label: string, record: (plan: Plan) => void): Promise<void> {
  const plan = new Plan(r, label);
  record(plan);
  plan.run();
  await r.device.queue.onSubmittedWorkDone();
  plan.destroy();
}

interface RowsSpec {
  p: Encoded;
  y: Encoded;
  rows: number;
  cols: number;
  /** p and y hold this many leading floats before the data; dP/scratch likewise. */
  pOffset: number;
  yOffset: number;
  outOffset: number;
  accum: Encoded;
}

export const trainingCases = {
  trainingLoss(spec: RowsSpec & { loss: LossConfig }) {
    return inScope(async (r) => {
      const b = buffers(r);
      const p = b.upload('p', spec.p);
      const y = b.upload('y', spec.y);
      const accum = b.upload('accum', spec.accum);
      const dP = b.empty('dP', spec.outOffset + spec.rows * spec.cols);
      const scratch = b.empty('scratch', spec.outOffset + spec.rows);
      await runOnce(r, 'loss test', (plan) =>
        recordLoss(plan, {
          loss: spec.loss,
          predictions: p,
          targets: y,
          dPredictions: dP,
          rows: spec.rows,
          cols: spec.cols,
          predictionsOffset: spec.pOffset,
          targetsOffset: spec.yOffset,
          dPredictionsOffset: spec.outOffset,
          accum,
          scratch,
          scratchOffset: spec.outOffset,
        }),
      );
      const [dp, acc] = await r.readMany([
        { ref: dP, length: spec.outOffset + spec.rows * spec.cols },
        { ref: accum, length: decode(spec.accum).data.length },
      ]);
      b.free();
      return { dP: dp!, accum: acc! };
    });
  },

  trainingMetric(spec: RowsSpec & { metric: MetricConfig; slot: number }) {
    return inScope(async (r) => {
      const b = buffers(r);
      const p = b.upload('p', spec.p);
      const y = b.upload('y', spec.y);
      const accum = b.upload('accum', spec.accum);
      const scratch = b.empty('scratch', spec.outOffset + spec.rows);
      await runOnce(r, 'metric test', (plan) =>
        recordMetric(plan, {
          metric: spec.metric,
          predictions: p,
          targets: y,
          rows: spec.rows,
          cols: spec.cols,
          predictionsOffset: spec.pOffset,
          targetsOffset: spec.yOffset,
          accum,
          slot: spec.slot,
          scratch,
          scratchOffset: spec.outOffset,
        }),
      );
      const acc = await r.read(accum, decode(spec.accum).data.length);
      b.free();
      return { accum: acc };
    });
  },

  trainingRegularizers(spec: { params: Encoded; grads: Encoded; segments: RegularizedSegment[]; scale: number; accum: Encoded }) {
    return inScope(async (r) => {
      const b = buffers(r);
      const params = b.upload('params', spec.params);
      const grads = b.upload('grads', spec.grads);
      const accum = b.upload('accum', spec.accum);
      const scratch = b.empty('scratch', regularizerScratchLength(spec.segments));
      await runOnce(r, 'regularizer test', (plan) => recordRegularizers(plan, { params, grads, segments: spec.segments, accum, scale: spec.scale, scratch }));
      const [g, acc] = await r.readMany([
        { ref: grads, length: decode(spec.grads).data.length },
        { ref: accum, length: decode(spec.accum).data.length },
      ]);
      b.free();
      return { grads: g!, accum: acc! };
    });
  },

  trainingClip(spec: { grads: Encoded; length: number; clip: ClipSpec; segments: Segment[] }) {
    return inScope(async (r) => {
      const b = buffers(r);
      const grads = b.upload('grads', spec.grads);
      const scratch = b.empty('scratch', clipScratchLength(spec.length));
      await runOnce(r, 'clip test', (plan) => recordClip(plan, { clip: spec.clip, grads, length: spec.length, segments: spec.segments, scratch }));
      const g = await r.read(grads, spec.length);
      b.free();
      return { grads: g };
    });
  },

  /**
   * Records ONE update into a plan and replays it for every step: new gradients and (when it changes) a new
   * learning rate are written into their buffers between runs, the step counter advances on the GPU.
   */
  trainingOptimizer(spec: { optimizer: OptimizerConfig; params: Encoded; grads: Encoded; length: number; learningRates: number[]; iterations: number }) {
    return inScope(async (r) => {
      const b = buffers(r);
      const params = b.upload('params', spec.params);
      const allGrads = decode(spec.grads).data;
      const grads = b.empty('grads', spec.length);
      const state = b.empty('state', optimizerStateLength());
      r.write(state, packOptimizerState(spec.optimizer, spec.iterations));
      const names = optimizerSlotNames(spec.optimizer);
      const slots: Partial<Record<OptimizerSlot, GPUBuffer>> = {};
      for (const name of names) slots[name] = b.zeros(name, spec.length);
      const plan = new Plan(r, 'optimizer test');
      recordOptimizerStep(plan, { optimizer: spec.optimizer, params, grads, slots, state, length: spec.length });
      let lr = spec.optimizer.learningRate;
      spec.learningRates.forEach((stepLr, step) => {
        r.write(grads, allGrads.subarray(step * spec.length, (step + 1) * spec.length));
        if (stepLr !== lr) writeLearningRate(r, state, (lr = stepLr));
        plan.run();
      });
      const outputs = await r.readMany([
        { ref: params, length: spec.length },
        { ref: state, length: optimizerStateLength() },
        ...names.map((n) => ({ ref: slots[n]!, length: spec.length })),
      ]);
      plan.destroy();
      b.free();
      const result: Record<string, Float32Array> = { params: outputs[0]!, state: outputs[1]!, planLength: Float32Array.of(plan.length) };
      names.forEach((n, i) => (result[n] = outputs[2 + i]!));
      return result;
    });
  },
};
