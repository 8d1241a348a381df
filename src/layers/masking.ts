/**
 * `layers.masking({ maskValue })`: Keras's Masking. A timestep whose features all equal maskValue is padding:
 * the layer zeroes it and makes a timestep mask that the layers after it respect (recurrent layers skip the step
 * and keep their states, losses and average pooling leave it out). Kernels: src/kernels/sequenceMask.ts.
 */
import { ShapeError, ValueError } from '../errors';
import type { Plan } from '../gpu/plan';
import { recordMaskApply, recordMaskFromValues } from '../kernels/sequenceMask';
import { defaultName, inputSpec, knownKeys } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec } from './layer';

export interface MaskingLayerConfig {
  /** The value that marks padding (default 0): a step is masked when every one of its features equals it (in float32). */
  maskValue?: number;
  /** Shape of one sample, [timesteps, features]; needed on the first layer. */
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = ['maskValue', 'inputShape', 'batchInputShape', 'batchSize', 'name'] as const;

export class Masking extends Layer {
  readonly className = 'Masking';
  readonly maskValue: number;
  private readonly where: string;

  constructor(options: MaskingLayerConfig = {}) {
    const config = options ?? {};
    const name = config.name ?? defaultName('masking');
    const where = `masking '${name}'`;
    knownKeys(where, config, KEYS);
    const given = inputSpec(where, config);
    super(name, given.shape, given.batchSize);
    this.where = where;
    const value: unknown = config.maskValue ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValueError(`${where}: maskValue must be a finite number; got ${JSON.stringify(value)}`);
    // Inputs reach the GPU as float32, and Keras and TF.js compare in float32 too: 0.1 masks the float32 0.1.
    this.maskValue = Math.fround(value);
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) throw new ShapeError(`${this.where} expects input [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    return [...inputShape];
  }

  /** Keras's Masking makes its own mask from the values, whatever came before. */
  override outputMasked(_inputMasked?: boolean): boolean {
    return true;
  }

  override get skipsMaskedSteps(): boolean {
    return true;
  }

  /** shaders/sequenceMask.wgsl mask_from_values: real unless every feature equals maskValue (both float32). */
  override realStepTest(): (values: Float32Array, at: number, width: number) => boolean {
    const maskValue = this.maskValue;
    return (values, at, width) => {
      for (let i = 0; i < width; i++) if (values[at + i] !== maskValue) return true;
      return false;
    };
  }

  paramSpecs(): ParamSpec[] {
    return [];
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, mask_value: this.maskValue };
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const rows = input.rows;
    const cols = input.cols;
    const bufs = new RunBuffers(ctx.rt, this.where);
    const mask = bufs.make('mask', rows);
    const y = bufs.make('y', rows * cols);
    const dx = ctx.grads && ctx.needsInputGrad ? bufs.make('dx', rows * cols) : null;
    const maskValue = this.maskValue;
    return {
      output: { buffer: y, offset: 0, rows, cols, timesteps: input.timesteps, mask },
      recordForward(plan: Plan) {
        recordMaskFromValues(plan, { x: input.buffer, xOffset: input.offset, mask }, { rows, cols, maskValue });
        recordMaskApply(plan, { x: input.buffer, xOffset: input.offset, mask, y }, { rows, cols });
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        // y = x where real, 0 where padding: the gradient passes the same way.
        if (dx) recordMaskApply(plan, { x: dOutput, xOffset: 0, mask, y: dx }, { rows, cols });
        return dx;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
