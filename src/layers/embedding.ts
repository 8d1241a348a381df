/**
 * `layers.embedding`: token ids [batch, timesteps] to vectors [batch, timesteps, outputDim]. It must be the
 * first layer (its input is data, not an activation). Kernels: src/kernels/embedding.ts.
 */
import { ShapeError, ValueError } from '../errors';
import type { Plan } from '../gpu/plan';
import { recordEmbeddingBackward, recordEmbeddingForward } from '../kernels/embedding';
import { defaultName, inputSpec, knownKeys, optionalBool, positiveInt, regularizer } from './config';
import { recordMaskFromValues } from '../kernels/sequenceMask';
import { readInitializer, type InitializerSpec } from './initializerConfig';
import type { Initializer } from './initializers';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec, type RegularizerConfig } from './layer';

export interface EmbeddingLayerConfig {
  inputDim: number;
  outputDim: number;
  /** Sequence length; same as inputShape: [inputLength]. */
  inputLength?: number;
  inputShape?: number[];
  /** [batchSize, inputLength], as Keras's batch_input_shape (stateful models need a fixed batch size). */
  batchInputShape?: number[];
  batchSize?: number;
  embeddingsRegularizer?: RegularizerConfig;
  /** Keras's default: randomUniform in [−0.05, 0.05]. */
  embeddingsInitializer?: InitializerSpec;
  /**
   * Keras mask_zero: id 0 is padding. The layer then makes a timestep mask (0 where the id is 0) that the layers
   * after it respect: recurrent layers skip those steps, losses and pooling leave them out. Id 0 still has a row
   * in the table (inputDim counts it), as in Keras.
   */
  maskZero?: boolean;
  name?: string;
}

const KEYS = [
  'inputDim',
  'outputDim',
  'inputLength',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'embeddingsRegularizer',
  'embeddingsInitializer',
  'maskZero',
  'name',
] as const;

export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  private readonly reg: RegularizerConfig | null;
  private readonly init: Initializer;

  override get vocabularySize(): number {
    return this.inputDim;
  }

  constructor(config: EmbeddingLayerConfig) {
    const name = config?.name ?? defaultName('embedding');
    const where = `embedding '${name}'`;
    knownKeys(where, config ?? {}, KEYS);
    const given = inputSpec(where, config);
    const shape = given.shape ?? (config.inputLength !== undefined ? [positiveInt(where, 'inputLength', config.inputLength)] : null);
    super(name, shape, given.batchSize);
    this.inputDim = positiveInt(where, 'inputDim', config.inputDim);
    this.outputDim = positiveInt(where, 'outputDim', config.outputDim);
    this.maskZero = optionalBool(where, 'maskZero', config.maskZero, false);
    if (this.inputDim > 1 << 24) throw new ValueError(`${where}: inputDim must be ≤ 2^24 (ids travel as float32); got ${this.inputDim}`);
    this.reg = regularizer(where, 'embeddingsRegularizer', config.embeddingsRegularizer);
    this.init = readInitializer(where, 'embeddingsInitializer', config.embeddingsInitializer, { kind: 'randomUniform', min: -0.05, max: 0.05 });
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ShapeError(`embedding '${this.name}' expects token ids [batch, timesteps]; got [batch, ${inputShape.join(', ')}]`);
    }
    return [inputShape[0]!, this.outputDim];
  }

  paramSpecs(): ParamSpec[] {
    return [{ name: 'embeddings', shape: [this.inputDim, this.outputDim], init: this.init, regularizer: this.reg }];
  }

  /** Read by save (src/model/kerasLayers.ts) as embeddings_regularizer. */
  get regularizers(): { embeddings: RegularizerConfig | null } {
    return { embeddings: this.reg };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, input_dim: this.inputDim, output_dim: this.outputDim, input_length: this.inputShape[0], mask_zero: this.maskZero };
  }

  override outputMasked(inputMasked: boolean): boolean {
    super.outputMasked(inputMasked);
    return this.maskZero;
  }

  override get skipsMaskedSteps(): boolean {
    return true;
  }

  /** maskZero: id 0 is padding. */
  override realStepTest(): ((values: Float32Array, at: number) => boolean) | null {
    return this.maskZero ? (values, at) => values[at] !== 0 : null;
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const dims = { rows: input.rows, inputDim: this.inputDim, outputDim: this.outputDim };
    const bufs = new RunBuffers(ctx.rt, `embedding '${this.name}'`);
    const y = bufs.make('y', input.rows * this.outputDim);
    // maskZero: a step is real where its id is not 0 (sequenceMask.wgsl from_values on the ids, one column).
    const mask = this.maskZero ? bufs.make('mask (id ≠ 0)', input.rows) : null;
    const grads = ctx.grads;
    if (input.offset !== 0) throw new ShapeError(`embedding '${this.name}' must be the first layer of the model`);
    return {
      output: { buffer: y, offset: 0, rows: input.rows, cols: this.outputDim, timesteps: input.timesteps, mask },
      recordForward(plan: Plan) {
        recordEmbeddingForward(plan, { ids: input.buffer, table: ctx.params.embeddings!, y }, dims);
        if (mask) recordMaskFromValues(plan, { x: input.buffer, xOffset: 0, mask }, { rows: input.rows, cols: 1, maskValue: 0 });
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (!grads) throw new Error('recordBackward on an inference-only run');
        recordEmbeddingBackward(plan, { ids: input.buffer, dy: dOutput, dTable: grads.embeddings! }, dims);
        return null;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
