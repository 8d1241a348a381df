/**
 * `layers.globalAveragePooling1d()` and `layers.globalMaxPooling1d()`: Keras's pooling of a sequence
 * [batch, timesteps, features] over time to [batch, features] (a sequence classifier's usual head after a
 * recurrent layer with returnSequences). Kernels: src/kernels/globalPooling1d.ts.
 */
import { ShapeError } from '../errors';
import type { Plan } from '../gpu/plan';
import { recordMaskedAvgPoolBackward, recordMaskedAvgPoolForward, recordPoolBackward, recordPoolForward, type PoolKind } from '../kernels/globalPooling1d';
import { defaultName, inputSpec, knownKeys } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec } from './layer';

export interface GlobalPoolingLayerConfig {
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = ['inputShape', 'batchInputShape', 'batchSize', 'name'] as const;

abstract class GlobalPooling1D extends Layer {
  protected abstract readonly kind: PoolKind;
  private readonly where: string;

  constructor(config: GlobalPoolingLayerConfig, factory: string, prefix: string) {
    const name = config?.name ?? defaultName(prefix);
    const where = `${factory} '${name}'`;
    knownKeys(where, config ?? {}, KEYS);
    const given = inputSpec(where, config ?? {});
    super(name, given.shape, given.batchSize);
    this.where = where;
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) throw new ShapeError(`${this.where} expects input [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    return [inputShape[1]!];
  }

  override get mixesTimesteps(): boolean {
    return true;
  }

  paramSpecs(): ParamSpec[] {
    return [];
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /** Keras: pooling over time consumes the mask (average pooling uses it, max pooling ignores it). */
  override outputMasked(_inputMasked?: boolean): boolean {
    return false;
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const dims = { timesteps: input.timesteps!, batch: ctx.batch, cols: input.cols };
    const bufs = new RunBuffers(ctx.rt, this.where);
    const y = bufs.make('y', ctx.batch * input.cols);
    const dx = ctx.grads && ctx.needsInputGrad ? bufs.make('dx', input.rows * input.cols) : null;
    const kind = this.kind;
    const x = { x: input.buffer, xOffset: input.offset };
    // Average pooling over a masked sequence takes the mean over its real steps (Keras); max pooling ignores a mask.
    const mask = kind === 'avg' ? (input.mask ?? null) : null;
    return {
      output: { buffer: y, offset: 0, rows: ctx.batch, cols: input.cols, timesteps: null },
      recordForward(plan: Plan) {
        if (mask) recordMaskedAvgPoolForward(plan, { ...x, mask, y }, dims);
        else recordPoolForward(plan, kind, { ...x, y }, dims);
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (dx && mask) recordMaskedAvgPoolBackward(plan, { mask, dy: dOutput, dx }, dims);
        else if (dx) recordPoolBackward(plan, kind, { ...x, y, dy: dOutput, dx }, dims);
        return dx;
      },
      destroy: () => bufs.destroy(),
    };
  }
}

export class GlobalAveragePooling1D extends GlobalPooling1D {
  readonly className = 'GlobalAveragePooling1D';
  protected readonly kind = 'avg';
  constructor(config: GlobalPoolingLayerConfig = {}) {
    super(config, 'globalAveragePooling1d', 'global_average_pooling1d');
  }

  /** A masked average leaves masked steps out (max pooling, as Keras's, reads them). */
  override get skipsMaskedSteps(): boolean {
    return true;
  }
}

export class GlobalMaxPooling1D extends GlobalPooling1D {
  readonly className = 'GlobalMaxPooling1D';
  protected readonly kind = 'max';
  constructor(config: GlobalPoolingLayerConfig = {}) {
    super(config, 'globalMaxPooling1d', 'global_max_pooling1d');
  }
}
