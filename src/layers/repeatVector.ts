/**
 * `layers.repeatVector({ n })`: Keras's RepeatVector, [batch, features] → [batch, n, features]. With it a
 * Sequential is an encoder–decoder: LSTM (its last output) → RepeatVector(n) → LSTM(returnSequences) → Dense
 * on every step. Kernels: src/kernels/repeatVector.ts.
 */
import { ShapeError } from '../errors';
import type { Plan } from '../gpu/plan';
import { recordRepeatBackward, recordRepeatForward } from '../kernels/repeatVector';
import { defaultName, inputSpec, knownKeys, positiveInt } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec } from './layer';

export interface RepeatVectorLayerConfig {
  /** How many timesteps the output has. */
  n: number;
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = ['n', 'inputShape', 'batchInputShape', 'batchSize', 'name'] as const;

export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number;
  private readonly where: string;

  constructor(options: RepeatVectorLayerConfig) {
    const config = options ?? ({} as RepeatVectorLayerConfig);
    const name = config.name ?? defaultName('repeat_vector');
    const where = `repeatVector '${name}'`;
    knownKeys(where, config, KEYS);
    const given = inputSpec(where, config);
    super(name, given.shape, given.batchSize);
    this.where = where;
    this.n = positiveInt(where, 'n', config.n);
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) throw new ShapeError(`${this.where} expects input [batch, features]; got [batch, ${inputShape.join(', ')}]`);
    return [this.n, inputShape[0]!];
  }

  override get mixesTimesteps(): boolean {
    return true;
  }

  paramSpecs(): ParamSpec[] {
    return [];
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, n: this.n };
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const dims = { n: this.n, block: ctx.batch * input.cols };
    const bufs = new RunBuffers(ctx.rt, this.where);
    const y = bufs.make('y', this.n * dims.block);
    const dx = ctx.grads && ctx.needsInputGrad ? bufs.make('dx', dims.block) : null;
    return {
      output: { buffer: y, offset: 0, rows: this.n * ctx.batch, cols: input.cols, timesteps: this.n },
      recordForward(plan: Plan) {
        recordRepeatForward(plan, { x: input.buffer, xOffset: input.offset, y }, dims);
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (dx) recordRepeatBackward(plan, { dy: dOutput, dx }, dims);
        return dx;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
