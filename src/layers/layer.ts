/**
 * What every layer of a Sequential model provides. A layer is configuration plus parameter specs; `bind`
 * turns it into a LayerRun for one batch size: the GPU buffers of its activations and the dispatches of its
 * forward and backward passes, recorded into the model's plans. Parameters live in the model's arena; a
 * layer only receives slices of it.
 */
import type { BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { Runtime } from '../gpu/runtime';
import { ShapeError, ValueError, formatShape } from '../errors';
import type { Tensor, TensorLike } from '../tensor';
import type { Initializer } from './initializers';
import { applySymbolic, isSymbolic, type SymbolicResult, type SymbolicTensor } from '../model/symbolic';

/** What a layer needs of the model that holds its weights. */
export interface WeightOwner {
  /** The runtime the model runs on (a layer's own GPU measurements, e.g. EchoState.spectralRadius, use it). */
  readonly rt: Runtime;
  getLayerWeights(layer: Layer): Promise<Tensor[]>;
  setLayerWeights(layer: Layer, weights: TensorLike[]): void;
  /** The kept states of a stateful layer: zeroed, or set to `states` (src/model/states.ts). */
  resetLayerStates(layer: Layer, states?: TensorLike[]): void;
  getLayerStates(layer: Layer): Promise<Tensor[]>;
  /** Runs one layer alone on x, from the given initial states, under a timestep mask (src/model/applyLayer.ts). */
  applyLayer(layer: Layer, x: TensorLike, initialState: TensorLike[] | null, mask?: TensorLike | null): Promise<{ output: Tensor; states: Tensor[] }>;
}

/** An activation on the GPU: `rows × cols` floats row-major from `offset`; sequences are time-major. */
export interface Act {
  buffer: GPUBuffer;
  /** In floats. */
  offset: number;
  rows: number;
  cols: number;
  /** Set for sequences: rows = timesteps · batch, row t·batch + b. */
  timesteps: number | null;
  /**
   * Keras's timestep mask travelling with a sequence: one float per row (t·batch + b), 1 where x_t is real, 0 where
   * it is padding (shaders/sequenceMask.wgsl). Made by layers.masking or embedding maskZero, read by the layers
   * that support masking, passed on by those that keep the time axis; absent or null: no mask.
   */
  mask?: GPUBuffer | null;
}

export interface RegularizerConfig {
  l1?: number;
  l2?: number;
}

export interface ParamSpec {
  /** Keras weight name: kernel, recurrent_kernel, bias, embeddings. */
  name: string;
  shape: number[];
  init: Initializer;
  regularizer: RegularizerConfig | null;
  /**
   * false: no optimizer changes it (Keras's non-trainable weights: an echo-state reservoir's). Its layer writes
   * no gradient for it, so its slice of the gradient arena stays zero and every optimizer's step leaves it as it is.
   */
  trainable?: boolean;
}

export interface BindContext {
  rt: Runtime;
  batch: number;
  /** Slices of the parameter arena, by ParamSpec name. */
  params: Record<string, BufferRef>;
  /** Slices of the gradient arena, or null for inference-only runs. */
  grads: Record<string, BufferRef> | null;
  /** Whether the layer below needs dInput (false for the first layer). */
  needsInputGrad: boolean;
  /** A seed for the layer's random draws (dropout), from the model's seed and the layer's place. */
  seed?: number;
  /**
   * The step counter of one of the layer's random streams (a dropout mask), by a name unique in the layer. The
   * model keeps one per batch size, layer and stream, so its programs of one batch size (cropped to different
   * lengths: src/model/timeWindow.ts) advance one counter instead of each replaying the same masks. Absent: the
   * run makes its own.
   */
  randomCounter?(stream: string): GPUBuffer;
  /**
   * For a layer with states (stateSizes() not empty): compact [batch, width] buffers, one per state, that the
   * run reads its initial states from and writes its final states back to (a stateful layer's kept states,
   * or the initial state of a functional call). Absent: states start at zero and are not kept.
   */
  states?: GPUBuffer[];
  /**
   * In a functional model (bindNode): whether the gradients of the initial states are needed (they come from
   * another layer's outputs); and which of the node's outputs ([output, ...final states]) some later layer or loss
   * reads, so only their gradients are taken.
   */
  needsStateGrads?: boolean;
}

/**
 * One application of a layer in a functional model (src/model/graphProgram.ts): its outputs ([output, ...final
 * states] for a recurrent layer with returnState) and its passes.
 */
export interface NodeRun {
  outputs: Act[];
  recordForward(plan: Plan, training?: boolean): void;
  /**
   * The backward pass from one gradient per output (compact; null where nothing reads that output). Returns one
   * gradient per input, then one per initial state, compact, or null where nothing needs it.
   */
  recordBackward(plan: Plan, dOutputs: readonly (GPUBuffer | null)[]): (GPUBuffer | null)[];
  destroy(): void;
}

/** What a layer's symbolic call works out: its output's shape and mask, and the shapes of the states it returns. */
export interface SymbolicCall {
  output: number[];
  masks: boolean;
  states: number[][];
}

export interface LayerRun {
  output: Act;
  /**
   * Records the forward pass. `training` is true in a training step's plan only: what differs between
   * training and inference (dropout) reads it; the other layers ignore it.
   */
  recordForward(plan: Plan, training?: boolean): void;
  /**
   * Records the backward pass from `dOutput` (compact: `output.rows × output.cols` from offset 0), writing the
   * parameter gradients into the gradient arena; returns dInput (compact, the input's rows × cols) or null.
   */
  recordBackward(plan: Plan, dOutput: GPUBuffer): GPUBuffer | null;
  /** Frees the buffers this run created (never the arena). */
  destroy(): void;
}

export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  /** Keras-style shape of one sample without the batch axis, when given in the config. */
  readonly declaredInputShape: number[] | null;
  /** The fixed batch size (batchInputShape or batchSize), when given; stateful models need it. */
  readonly declaredBatchSize: number | null;
  private built: { input: number[]; output: number[] } | null = null;
  private owner: WeightOwner | null = null;

  constructor(name: string, inputShape: number[] | null, batchSize: number | null = null) {
    this.name = name;
    this.declaredInputShape = inputShape;
    this.declaredBatchSize = batchSize;
  }

  /**
   * For a layer that takes token ids (Embedding): how many ids there are, so the model checks its input against
   * it; null for a layer that takes activations. A property, not an instanceof check, so a model that has no
   * Embedding does not carry its code.
   */
  get vocabularySize(): number | null {
    return null;
  }

  /**
   * True for a layer whose output mixes timesteps without a state to carry them (pooling over time, repeating a
   * vector over time): one step of predictStep cannot compute it.
   */
  get mixesTimesteps(): boolean {
    return false;
  }

  /**
   * Keras's compute_mask, checked when the model builds: whether this layer's output carries a timestep mask,
   * given whether its input does. A layer that cannot take a mask refuses one here, before any GPU work; layers
   * that support masking override this (pass it on, consume it, or make one).
   */
  outputMasked(inputMasked: boolean): boolean {
    if (inputMasked) {
      throw new ValueError(
        `layer '${this.name}' (${this.className}) cannot take the timestep mask that a masking layer or an embedding with maskZero before it makes; ` +
          `put it after a layer that consumes the mask (a recurrent layer without returnSequences, or globalAveragePooling1d)`,
      );
    }
    return false;
  }

  /**
   * Whether a timestep that every row of a batch masks can be left out of this layer's input without changing
   * anything that is not itself masked (src/model/timeWindow.ts): true for a layer that works on each step alone
   * or carries its state over masked steps; false (the default) for one that cannot promise it.
   */
  get skipsMaskedSteps(): boolean {
    return false;
  }

  /**
   * For a layer that makes the timestep mask from its own input (embedding maskZero, masking): the host's twin of
   * its mask kernel, whether the step of `width` values at `at` is real. Null for every other layer.
   */
  realStepTest(): ((values: Float32Array, at: number, width: number) => boolean) | null {
    return null;
  }

  /** True for a merge layer (layers.concatenate, add, …): it takes a list of tensors, so only a functional model can hold it. */
  get merges(): boolean {
    return false;
  }

  /** Keras `stateful`: states kept across calls until resetStates(). False except on recurrent layers. */
  get stateful(): boolean {
    return false;
  }

  /** Widths (per batch row) of the states this layer carries from step to step (LSTM [u, u]); [] for none. */
  stateSizes(): number[] {
    return [];
  }

  /** Checks the input shape (one sample) and returns the output shape. Throws ShapeError on mismatch. */
  protected abstract computeOutputShape(inputShape: number[]): number[];

  /** The model that holds this layer's weights; throws with what to do when there is none yet. */
  protected ownerFor(action: string): WeightOwner {
    if (!this.owner)
      throw new ValueError(`layer '${this.name}' has no weights yet: add it to a model and build it (compile, predict or model.getWeights) before ${action}`);
    return this.owner;
  }

  /** The model that holds this layer's weights, or null before one is built. */
  get weightOwner(): WeightOwner | null {
    return this.owner;
  }

  /** Whether a model holds this layer already (a layer belongs to one model, and a Bidirectional wraps a fresh one). */
  get attached(): boolean {
    return this.owner !== null;
  }
  abstract paramSpecs(inputShape: number[]): ParamSpec[];
  abstract bind(ctx: BindContext, input: Act): LayerRun;
  /** The Keras `config` of this layer, for summary() and model.json. */
  abstract getConfig(): Record<string, unknown>;

  /**
   * This layer applied to symbolic tensors from input() (TF.js's `layer.apply(symbolicTensor)`): records the call in
   * the graph that model() reads and returns the output, or [output, ...states] for a recurrent layer with
   * returnState. A merge layer takes a list. Recurrent layers also run on concrete data (RecurrentLayer.apply).
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[], options: { initialState?: SymbolicTensor[] } = {}): SymbolicResult {
    if (!isSymbolic(inputs)) {
      throw new ValueError(
        `layer '${this.name}' (${this.className}).apply takes symbolic tensors from input(), to build a model with model({ inputs, outputs }); ` +
          `to run it on data, put it in a model and call predict`,
      );
    }
    const initialState = options.initialState ?? [];
    if (!Array.isArray(initialState) || !initialState.every((t) => isSymbolic(t)))
      throw new ValueError(`layer '${this.name}'.apply: initialState must be a list of symbolic tensors; got ${String(initialState)}`);
    return applySymbolic(this, inputs, initialState);
  }

  /**
   * Keras's call on symbolic tensors: checks how many inputs and initial states this layer takes, builds it on
   * their shapes (once: a later call must give the same shape) and says what it outputs. One input and no state
   * here; recurrent and merge layers override it.
   */
  symbolicCall(shapes: number[][], masked: boolean[], initialState: readonly SymbolicTensor[]): SymbolicCall {
    if (shapes.length !== 1)
      throw new ValueError(`layer '${this.name}' (${this.className}) takes one input; got ${shapes.length}. Merge them first, e.g. with layers.concatenate()`);
    if (initialState.length > 0) throw new ValueError(`layer '${this.name}' (${this.className}) has no states; initialState is for recurrent layers`);
    return { output: this.buildFor(shapes[0]!), masks: this.outputMasked(masked[0]!), states: [] };
  }

  /** Builds on `inputShape` the first time; afterwards checks that a new call's shape fits the weights built then. */
  protected buildFor(inputShape: number[]): number[] {
    if (this.declaredInputShape && formatShape(this.declaredInputShape) !== formatShape(inputShape))
      throw new ShapeError(`layer '${this.name}' declares inputShape ${formatShape(this.declaredInputShape)} but is applied to ${formatShape(inputShape)}`);
    if (!this.built) return this.build(inputShape);
    if (formatShape(this.built.input) === formatShape(inputShape)) return this.built.output;
    // Another shape is fine where the weights are the same (a recurrent layer over fewer timesteps: a decoder run
    // one step at a time, as Keras's variable-length inputs allow); the layer stays built for the first.
    const weights = (shape: number[]) => this.paramSpecs(shape).map((p) => formatShape(p.shape));
    const output = this.computeOutputShape(inputShape);
    if (formatShape(weights(this.built.input)) !== formatShape(weights(inputShape)))
      throw new ShapeError(
        `layer '${this.name}' was built for inputs ${formatShape(['*', ...this.built.input])}; applied again to ${formatShape(['*', ...inputShape])}, which needs other weights`,
      );
    return output;
  }

  /** For layers whose input is not one shape (merge layers): records what they were built for. */
  protected setBuilt(input: number[], output: number[]): void {
    this.built = { input: [...input], output: [...output] };
  }

  /**
   * Binds one application of this layer in a functional model to its inputs' activations and initial states. The
   * default wraps bind() for a layer of one input and no states: a null output gradient becomes zeros.
   */
  bindNode(ctx: BindContext, inputs: readonly Act[], initialStates: readonly Act[]): NodeRun {
    if (inputs.length !== 1 || initialStates.length > 0)
      throw new ValueError(`layer '${this.name}' (${this.className}) takes one input and no initial state; got ${inputs.length} and ${initialStates.length}`);
    return singleNodeRun(ctx, this.bind(ctx, inputs[0]!));
  }

  build(inputShape: number[]): number[] {
    const output = this.computeOutputShape(inputShape);
    this.built = { input: [...inputShape], output };
    return output;
  }

  /** Called by the model when it builds; a layer belongs to one model. */
  attach(owner: WeightOwner): void {
    if (this.owner && this.owner !== owner) throw new ValueError(`layer '${this.name}' already belongs to another model`);
    this.owner = owner;
  }

  /** This layer's weights in Keras order (LSTM: kernel, recurrent_kernel, bias). */
  getWeights(): Promise<Tensor[]> {
    if (!this.owner) throw new ValueError(`layer '${this.name}' has no weights yet: add it to a model and build it (compile, predict or model.getWeights)`);
    return this.owner.getLayerWeights(this);
  }

  setWeights(weights: TensorLike[]): void {
    if (!this.owner) throw new ValueError(`layer '${this.name}' has no weights yet: add it to a model and build it first`);
    this.owner.setLayerWeights(this, weights);
  }

  get inputShape(): number[] {
    if (!this.built) throw new Error(`layer ${this.name} is not built yet`);
    return this.built.input;
  }

  get outputShape(): number[] {
    if (!this.built) throw new Error(`layer ${this.name} is not built yet`);
    return this.built.output;
  }
}

/** The buffers a run creates, freed together by its destroy(). */
export { OwnedBuffers as RunBuffers } from '../gpu/ownedBuffers';

/** A LayerRun as a functional model's node: one output, whose missing gradient is zeros, and one input gradient. */
export function singleNodeRun(ctx: BindContext, run: LayerRun): NodeRun {
  let zeros: GPUBuffer | null = null;
  return {
    outputs: [run.output],
    recordForward: (plan, training) => run.recordForward(plan, training),
    recordBackward(plan, dOutputs) {
      const d = dOutputs[0] ?? (zeros ??= ctx.rt.zeros('zero gradient of an unread output', run.output.rows * run.output.cols));
      return [run.recordBackward(plan, d)];
    },
    destroy() {
      run.destroy();
      if (zeros) ctx.rt.destroyBuffer(zeros);
    },
  };
}
