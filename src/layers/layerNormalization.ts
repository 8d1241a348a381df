/**
 * `layers.layerNormalization({ axis: -1, epsilon: 1e-3, center: true, scale: true })`: Keras's
 * LayerNormalization over the last axis (features), of a sequence at every timestep or of a vector. Weights
 * `gamma` [features] (ones) and `beta` [features] (zeros), as Keras names them. Kernels: src/kernels/layerNorm.ts.
 */
import { ShapeError, ValueError } from '../errors';
import type { Plan } from '../gpu/plan';
import { recordLayerNormBackward, recordLayerNormForward } from '../kernels/layerNorm';
import { defaultName, inputSpec, knownKeys, optionalBool, regularizer } from './config';
import { readInitializer, type InitializerSpec } from './initializerConfig';
import type { Initializer } from './initializers';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec, type RegularizerConfig } from './layer';

export interface LayerNormalizationLayerConfig {
  /** The normalized axis: only the last (-1, or its index counted with the batch axis) is supported. */
  axis?: number;
  /** Added to the variance (Keras default 1e-3). */
  epsilon?: number;
  /** Learn the shift β (default true). */
  center?: boolean;
  /** Learn the scale γ (default true). */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  betaRegularizer?: RegularizerConfig;
  gammaRegularizer?: RegularizerConfig;
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = [
  'axis',
  'epsilon',
  'center',
  'scale',
  'betaInitializer',
  'gammaInitializer',
  'betaRegularizer',
  'gammaRegularizer',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'name',
] as const;

export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  /** Read by save (src/model/kerasLayers.ts) as gamma_regularizer, beta_regularizer. */
  readonly regularizers: { gamma: RegularizerConfig | null; beta: RegularizerConfig | null };
  private readonly initializers: { gamma: Initializer; beta: Initializer };
  private readonly where: string;

  constructor(config: LayerNormalizationLayerConfig = {}) {
    const name = config?.name ?? defaultName('layer_normalization');
    const where = `layerNormalization '${name}'`;
    knownKeys(where, config ?? {}, KEYS);
    const given = inputSpec(where, config ?? {});
    super(name, given.shape, given.batchSize);
    this.where = where;
    const axis: unknown = config.axis ?? -1;
    if (!Number.isInteger(axis)) throw new ValueError(`${where}: axis must be an integer (-1, the features); got ${JSON.stringify(axis)}`);
    this.axis = axis as number;
    const epsilon: unknown = config.epsilon ?? 1e-3;
    if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new ValueError(`${where}: epsilon must be a positive number; got ${JSON.stringify(epsilon)}`);
    }
    this.epsilon = epsilon;
    this.center = optionalBool(where, 'center', config.center, true);
    this.scale = optionalBool(where, 'scale', config.scale, true);
    this.regularizers = {
      gamma: regularizer(where, 'gammaRegularizer', config.gammaRegularizer),
      beta: regularizer(where, 'betaRegularizer', config.betaRegularizer),
    };
    this.initializers = {
      gamma: readInitializer(where, 'gammaInitializer', config.gammaInitializer, { kind: 'ones' }),
      beta: readInitializer(where, 'betaInitializer', config.betaInitializer, { kind: 'zeros' }),
    };
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length < 1 || inputShape.length > 2) {
      throw new ShapeError(`${this.where} expects input [batch, features] or [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    }
    // -1 and the last axis counted with the batch axis (Keras's axis=2 on [batch, timesteps, features]) are the features.
    if (this.axis !== -1 && this.axis !== inputShape.length) {
      throw new ValueError(`${this.where}: axis ${this.axis} is not supported; webrnn normalizes the last axis (-1 or ${inputShape.length} here)`);
    }
    return [...inputShape];
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const features = inputShape[inputShape.length - 1]!;
    const specs: ParamSpec[] = [];
    if (this.scale) specs.push({ name: 'gamma', shape: [features], init: this.initializers.gamma, regularizer: this.regularizers.gamma });
    if (this.center) specs.push({ name: 'beta', shape: [features], init: this.initializers.beta, regularizer: this.regularizers.beta });
    return specs;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }

  /** Keras: the mask passes through unchanged (the layer keeps the time axis). */
  override outputMasked(inputMasked: boolean): boolean {
    return inputMasked;
  }

  override get skipsMaskedSteps(): boolean {
    return true;
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const dims = { rows: input.rows, cols: input.cols, epsilon: this.epsilon };
    const bufs = new RunBuffers(ctx.rt, this.where);
    const floats = input.rows * input.cols;
    const y = bufs.make('y', floats);
    const stats = bufs.make('row mean and 1/σ', 2 * input.rows);
    // Without scale or center, γ = 1 and β = 0 from constant buffers, and their gradients land in scratch.
    const gamma = ctx.params.gamma ?? bufs.upload('γ = 1', new Float32Array(input.cols).fill(1));
    const beta = ctx.params.beta ?? bufs.zeros('β = 0', input.cols);
    const grads = ctx.grads;
    const back = grads && {
      dx: bufs.make('dx', floats),
      dyxhat: bufs.make('dy·x̂', floats),
      dGamma: grads.gamma ?? bufs.make('unused dγ', input.cols),
      dBeta: grads.beta ?? bufs.make('unused dβ', input.cols),
    };
    const x = { x: input.buffer, xOffset: input.offset };
    return {
      output: { buffer: y, offset: 0, rows: input.rows, cols: input.cols, timesteps: input.timesteps, mask: input.mask ?? null },
      recordForward(plan: Plan) {
        recordLayerNormForward(plan, { ...x, gamma, beta, y, stats }, dims);
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (!back) throw new Error('recordBackward on an inference-only run');
        recordLayerNormBackward(plan, { ...x, gamma, stats, dy: dOutput, ...back }, dims);
        return ctx.needsInputGrad ? back.dx : null;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
