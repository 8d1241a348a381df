/**
 * `layers.activation({ activation })`: Keras's Activation, an activation function on its own (softmax over the last
 * axis), e.g. the softmax that turns dot-product scores into attention weights in TF.js's date-conversion
 * example. No weights; a timestep mask passes through. Kernels: recordActivationInPlace and recordActivationGrad
 * in src/kernels/dense.ts (shaders/dense.wgsl).
 */
import type { Plan } from '../gpu/plan';
import { checkActivation } from '../kernels/activations';
import { DENSE_ACTIVATIONS, recordActivationGrad, recordActivationInPlace, type DenseActivation } from '../kernels/dense';
import { defaultName, inputSpec, knownKeys } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec } from './layer';

export interface ActivationLayerConfig {
  /** linear, relu, tanh, sigmoid or softmax (over the last axis). */
  activation: DenseActivation;
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = ['activation', 'inputShape', 'batchInputShape', 'batchSize', 'name'] as const;

export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: DenseActivation;
  private readonly where: string;

  constructor(options: ActivationLayerConfig) {
    const config = options ?? ({} as ActivationLayerConfig);
    const name = config.name ?? defaultName('activation');
    const where = `activation '${name}'`;
    knownKeys(where, config, KEYS);
    const given = inputSpec(where, config);
    super(name, given.shape, given.batchSize);
    this.where = where;
    this.activation = checkActivation(`${where}: activation`, config.activation, DENSE_ACTIVATIONS);
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  /** Keras: the mask passes through. */
  override outputMasked(inputMasked: boolean): boolean {
    return inputMasked;
  }

  override get skipsMaskedSteps(): boolean {
    return true;
  }

  paramSpecs(): ParamSpec[] {
    return [];
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, activation: this.activation };
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const { rows, cols } = input;
    const activation = this.activation;
    const bufs = new RunBuffers(ctx.rt, this.where);
    const y = bufs.make('y', rows * cols);
    const dx = ctx.grads && ctx.needsInputGrad ? bufs.make('dx', rows * cols) : null;
    return {
      output: { buffer: y, offset: 0, rows, cols, timesteps: input.timesteps, mask: input.mask ?? null },
      recordForward(plan: Plan) {
        plan.copy(input.buffer, y, rows * cols, input.offset, 0);
        recordActivationInPlace(plan, y, rows, cols, activation);
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (!dx) return null;
        if (activation === 'linear') plan.copy(dOutput, dx, rows * cols);
        else recordActivationGrad(plan, { y, dy: dOutput, dz: dx }, rows, cols, activation);
        return dx;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
