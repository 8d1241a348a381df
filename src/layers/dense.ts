/**
 * `layers.dense`: Y = act(X·W + b). On a sequence input [timesteps, features] it applies to every step, as
 * Keras's Dense does on the last axis. Kernels: src/kernels/dense.ts.
 */
import { ShapeError } from '../errors';
import type { Plan } from '../gpu/plan';
import { checkActivation } from '../kernels/activations';
import { DENSE_ACTIVATIONS, recordDenseBackward, recordDenseForward, type DenseActivation } from '../kernels/dense';
import { defaultName, inputSpec, knownKeys, optionalBool, positiveInt, regularizer } from './config';
import { readInitializer, type InitializerSpec } from './initializerConfig';
import type { Initializer } from './initializers';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec, type RegularizerConfig } from './layer';

export interface DenseLayerConfig {
  units: number;
  activation?: DenseActivation;
  useBias?: boolean;
  kernelRegularizer?: RegularizerConfig;
  biasRegularizer?: RegularizerConfig;
  /** Keras's defaults: glorotUniform and zeros. */
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = [
  'units',
  'activation',
  'useBias',
  'kernelRegularizer',
  'biasRegularizer',
  'kernelInitializer',
  'biasInitializer',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'name',
] as const;

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
  /** Read by save (src/model/kerasLayers.ts) as kernel_regularizer, bias_regularizer. */
  readonly regularizers: { kernel: RegularizerConfig | null; bias: RegularizerConfig | null };
  private readonly initializers: { kernel: Initializer; bias: Initializer };

  constructor(config: DenseLayerConfig) {
    const name = config?.name ?? defaultName('dense');
    const where = `dense '${name}'`;
    knownKeys(where, config ?? {}, KEYS);
    const given = inputSpec(where, config);
    super(name, given.shape, given.batchSize);
    this.units = positiveInt(where, 'units', config.units);
    this.activation = checkActivation(`${where}: activation`, config.activation ?? 'linear', DENSE_ACTIVATIONS);
    this.useBias = optionalBool(where, 'useBias', config.useBias, true);
    this.regularizers = {
      kernel: regularizer(where, 'kernelRegularizer', config.kernelRegularizer),
      bias: regularizer(where, 'biasRegularizer', config.biasRegularizer),
    };
    this.initializers = {
      kernel: readInitializer(where, 'kernelInitializer', config.kernelInitializer, { kind: 'glorotUniform' }),
      bias: readInitializer(where, 'biasInitializer', config.biasInitializer, { kind: 'zeros' }),
    };
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length < 1 || inputShape.length > 2) {
      throw new ShapeError(`dense '${this.name}' expects input [batch, features] or [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    }
    return [...inputShape.slice(0, -1), this.units];
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const specs: ParamSpec[] = [
      { name: 'kernel', shape: [inputShape[inputShape.length - 1]!, this.units], init: this.initializers.kernel, regularizer: this.regularizers.kernel },
    ];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.units], init: this.initializers.bias, regularizer: this.regularizers.bias });
    return specs;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, units: this.units, activation: this.activation, use_bias: this.useBias };
  }

  /** Keras: the mask passes through unchanged (the layer keeps the time axis). */
  override outputMasked(inputMasked: boolean): boolean {
    return inputMasked;
  }

  override get skipsMaskedSteps(): boolean {
    return true;
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const inputs = this.inputShape[this.inputShape.length - 1]!;
    const dims = { rows: input.rows, inputs, units: this.units };
    const bufs = new RunBuffers(ctx.rt, `dense '${this.name}'`);
    const y = bufs.make('y', input.rows * this.units);
    const x = input.buffer;
    const activation = this.activation;
    const bias = ctx.params.bias ?? null;
    const grads = ctx.grads;
    const dz = grads && activation !== 'linear' ? bufs.make('dz', input.rows * this.units) : null;
    const dx = grads && ctx.needsInputGrad ? bufs.make('dx', input.rows * inputs) : null;
    return {
      output: { buffer: y, offset: 0, rows: input.rows, cols: this.units, timesteps: input.timesteps, mask: input.mask ?? null },
      recordForward(plan: Plan) {
        recordDenseForward(plan, { x, xOffset: input.offset, kernel: ctx.params.kernel!, bias, y }, dims, activation);
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (!grads) throw new Error('recordBackward on an inference-only run');
        recordDenseBackward(
          plan,
          { x, xOffset: input.offset, kernel: ctx.params.kernel!, y, dy: dOutput, dz, dKernel: grads.kernel!, dBias: grads.bias ?? null, dx },
          dims,
          activation,
        );
        return dx;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
