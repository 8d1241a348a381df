/**
 * What LSTM, GRU and SimpleRNN layers share, as Keras's RNN base layer does: the options returnSequences,
 * returnState, goBackwards and stateful, the output shape, and the binding of a cell's kernels (src/cells/,
 * through the one cell interface of src/kernels/cell.ts); a subclass names its cell and that cell's options.
 * Around the cell's passes:
 *
 * - initial states: zeros (cleared by the plan on every run), or copied from `ctx.states` (the buffers a model
 *   keeps for a stateful layer, or the initial state of `apply`); the final states are copied back there, so a
 *   stateful layer's state never leaves the GPU between calls;
 * - output order: the kernels index outputs by input time in both directions (shaders/direction.wgsl); Keras
 *   returns a goBackwards sequence in processing order, so `bind` reverses it (shaders/reverseTime.wgsl) and
 *   reverses the incoming gradient on the way back. `bindRaw` skips that for Bidirectional, which merges in
 *   input-time order.
 *
 * returnState in a Sequential changes nothing (a Sequential passes one tensor from layer to layer; Keras's
 * Sequential cannot take a layer that returns a list either); `apply` returns [output, ...states] with it.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import { isSymbolic, type SymbolicResult, type SymbolicTensor } from '../model/symbolic';
import type { Plan } from '../gpu/plan';
import { CELL_ACTIVATIONS, checkActivation, type CellActivation } from '../kernels/activations';
import { finalSlot, initialSlot, outputsSlot } from '../kernels/direction';
import { dropoutPass, maskSeed, type DropoutPass } from './dropout';
import { recordReverseTime } from '../kernels/reverseTime';
import { recordRecurrentKeep, recurrentKeepLayout, type RecurrentKeep } from '../kernels/recurrentDropout';
import type { Tensor, TensorLike } from '../tensor';
import { defaultName, inputSpec, knownKeys, optionalBool, positiveInt, regularizer } from './config';
import { cellWeights, makeCellBackward, makeCellForward, type CellBackwardBuffers } from '../cells/buffers';
import type { CellKernels } from '../kernels/cell';
import { readInitializer, type InitializerSpec } from './initializerConfig';
import type { Initializer } from './initializers';
import {
  Layer,
  RunBuffers,
  singleNodeRun,
  type Act,
  type BindContext,
  type LayerRun,
  type NodeRun,
  type ParamSpec,
  type RegularizerConfig,
  type SymbolicCall,
} from './layer';
import type { CellDims } from '../kernels/cell';

export interface RecurrentLayerConfig {
  units: number;
  activation?: CellActivation;
  /** Return the output of every step, [batch, timesteps, units], instead of the last one. */
  returnSequences?: boolean;
  /** `apply` also returns the final states (Keras return_state); a Sequential's output is unchanged. */
  returnState?: boolean;
  /** Keras go_backwards: process the steps last to first; a returned sequence comes in processing order. */
  goBackwards?: boolean;
  /** Keep the final states as the next call's initial states until resetStates(); needs a fixed batch size. */
  stateful?: boolean;
  /** Keras use_bias (default true); false: no bias weight, the cell adds zeros. */
  useBias?: boolean;
  kernelRegularizer?: RegularizerConfig;
  recurrentRegularizer?: RegularizerConfig;
  biasRegularizer?: RegularizerConfig;
  /** Keras's defaults: glorotUniform, orthogonal, zeros (an LSTM's unitForgetBias then sets the forget block to 1). */
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /**
   * Keras's input dropout, in [0, 1): while training, one mask per sequence and batch row over the input
   * features, the same at every timestep (Keras 3's LSTMCell/GRUCell/SimpleRNNCell), scaled by 1/(1 − rate).
   */
  dropout?: number;
  /**
   * Keras's recurrent dropout, in [0, 1): while training, one mask over h_{t−1} per batch row and unit, the same
   * at every timestep, scaled by 1/(1 − rate), on what enters the recurrent products (the GRU's z ⊙ h_{t−1}
   * mixes in the state itself). Keras 3 draws one such mask per gate; webrnn draws one for all gates, as TF.js
   * does (see the README). Every kernel variant applies it, so a training step keeps the layer's fastest kernels.
   */
  recurrentDropout?: number;
  /** Shape of one sample, [timesteps, features]; needed on the first layer. */
  inputShape?: number[];
  /** [batchSize, timesteps, features], as Keras's batch_input_shape (stateful models). */
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

export const RECURRENT_KEYS = [
  'units',
  'activation',
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'useBias',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'dropout',
  'recurrentDropout',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'name',
] as const;

/** A recurrent layer bound with its outputs where the kernels leave them (input-time order). */
export interface RawRecurrentRun {
  /** The outputs after x_0 .. x_{T−1}, [T·B, u], in input-time order whatever the direction. */
  sequence: Act;
  /** The final h (after the last step processed), [B, u]. */
  last: Act;
  recordForward(plan: Plan, training?: boolean): void;
  /** The final states (h first), [B, u] each: what returnState outputs in a functional model. */
  finalStates: Act[];
  /** Where the initial states' gradients go, when StateIO.dInitial asked for them. */
  dInitial: GPUBuffer[] | null;
  /** dStates: gradients reaching the final states from later layers (StateIO.dFinal), null where none does. */
  recordBackward(plan: Plan, dy: GPUBuffer, dyIsSequence: boolean, dStates?: readonly (GPUBuffer | null)[]): GPUBuffer | null;
  destroy(): void;
}

/** A functional model's wiring of a recurrent layer's states (bindNode): where they start, which gradients flow. */
export interface StateIO {
  /** Initial states from other layers' outputs ([B, u] each), or [] for zeros. */
  initial: readonly Act[];
  /** Whether to compute the initial states' gradients. */
  dInitial: boolean;
  /** Whether later layers read the final states, so gradients reach them. */
  dFinal: boolean;
}

export abstract class RecurrentLayer<CellOptions = unknown> extends Layer {
  readonly units: number;
  readonly activation: CellActivation;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  /** The input dropout rate (Keras dropout), 0 for none. */
  readonly dropout: number;
  /** The recurrent dropout rate (Keras recurrent_dropout), 0 for none. */
  readonly recurrentDropout: number;
  private readonly isStateful: boolean;
  readonly regularizers: { kernel: RegularizerConfig | null; recurrent: RegularizerConfig | null; bias: RegularizerConfig | null };
  /** How each weight starts, read from the config (the Keras defaults when not given). */
  protected readonly initializers: { kernel: Initializer; recurrent: Initializer; bias: Initializer };
  /** The config as given, so Bidirectional can build the backward copy. */
  protected readonly config: RecurrentLayerConfig;
  /** `lstm 'name'`, for messages and buffer labels. */
  protected readonly where: string;

  /**
   * `kind` names the layer in messages (`where`, e.g. `gru 'gru_1'`), `prefix` its default name (`gru_1`);
   * `keys` are the config keys the subclass accepts, RECURRENT_KEYS and its own.
   */
  protected constructor(config: RecurrentLayerConfig, kind: string, prefix: string, keys: readonly string[]) {
    const name = config?.name ?? defaultName(prefix);
    const where = `${kind} '${name}'`;
    knownKeys(where, config ?? {}, keys);
    const { shape, batchSize } = inputSpec(where, config);
    super(name, shape, batchSize);
    this.where = where;
    this.config = { ...config };
    this.units = positiveInt(where, 'units', config.units);
    this.activation = checkActivation(`${where}: activation`, config.activation ?? 'tanh', CELL_ACTIVATIONS);
    this.returnSequences = optionalBool(where, 'returnSequences', config.returnSequences, false);
    this.returnState = optionalBool(where, 'returnState', config.returnState, false);
    this.goBackwards = optionalBool(where, 'goBackwards', config.goBackwards, false);
    this.isStateful = optionalBool(where, 'stateful', config.stateful, false);
    this.useBias = optionalBool(where, 'useBias', config.useBias, true);
    const rate: unknown = config.dropout ?? 0;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`${where}: dropout must be a number in [0, 1); got ${JSON.stringify(rate)}`);
    this.dropout = rate;
    const recurrentRate: unknown = config.recurrentDropout ?? 0;
    if (typeof recurrentRate !== 'number' || !(recurrentRate >= 0 && recurrentRate < 1)) {
      throw new ValueError(`${where}: recurrentDropout must be a number in [0, 1); got ${JSON.stringify(recurrentRate)}`);
    }
    this.recurrentDropout = recurrentRate;
    this.regularizers = {
      kernel: regularizer(where, 'kernelRegularizer', config.kernelRegularizer),
      recurrent: regularizer(where, 'recurrentRegularizer', config.recurrentRegularizer),
      bias: regularizer(where, 'biasRegularizer', config.biasRegularizer),
    };
    this.initializers = {
      kernel: readInitializer(where, 'kernelInitializer', config.kernelInitializer, { kind: 'glorotUniform' }),
      recurrent: readInitializer(where, 'recurrentInitializer', config.recurrentInitializer, { kind: 'orthogonal' }),
      bias: readInitializer(where, 'biasInitializer', config.biasInitializer, { kind: 'zeros' }),
    };
  }

  override get stateful(): boolean {
    return this.isStateful;
  }

  /** A layer of the same kind and config with some options replaced (Bidirectional's two copies). */
  abstract withConfig(overrides: Partial<RecurrentLayerConfig>): RecurrentLayer;

  /** The cell's kernels (src/cells/), and its options for one direction. */
  protected abstract readonly cell: CellKernels<CellOptions>;
  protected abstract cellOptions(goBackwards: boolean): CellOptions;

  /** The floats of the cell's bias (the weight this layer has with useBias, and binds as zeros without it). */
  protected abstract biasFloats(): number;

  /** The weight specs of a subclass without the bias when useBias is false. */
  protected withoutBiasUnlessUsed(specs: ParamSpec[]): ParamSpec[] {
    return this.useBias ? specs : specs.filter((s) => s.name !== 'bias');
  }

  /** The Keras config entries every recurrent layer has. */
  protected baseConfig(): Record<string, unknown> {
    return {
      name: this.name,
      units: this.units,
      activation: this.activation,
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      use_bias: this.useBias,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
    };
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) {
      throw new ShapeError(`${this.where} expects input [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    }
    return this.returnSequences ? [inputShape[0]!, this.units] : [this.units];
  }

  /** Keras: the layer skips masked steps; a returned sequence carries the mask on, a last output consumes it. */
  override outputMasked(inputMasked: boolean): boolean {
    return inputMasked && this.returnSequences;
  }

  /** A masked step carries the states over (shaders/direction.wgsl); a stateful layer's kept states are left alone. */
  override get skipsMaskedSteps(): boolean {
    return !this.stateful;
  }

  bindRaw(ctx: BindContext, input: Act, goBackwards = this.goBackwards, io: StateIO | null = null): RawRecurrentRun {
    const timesteps = input.timesteps;
    if (timesteps === null) throw new ShapeError(`layer '${this.name}' needs a sequence input [batch, timesteps, features]; got [batch, ${input.cols}]`);
    const mask = input.mask ?? null;
    // Recurrent dropout lives in training programs only (predict and evaluate programs never apply it).
    const recurrentDropout = ctx.grads !== null && ctx.grads !== undefined && this.recurrentDropout > 0;
    const dims: CellDims = { batch: ctx.batch, timesteps, features: input.cols, units: this.units, masked: mask !== null, recurrentDropout };
    const state = ctx.batch * this.units;
    const kept = ctx.states ?? null;
    if (kept && kept.length !== this.stateSizes().length) {
      throw new ValueError(`layer '${this.name}' carries ${this.stateSizes().length} states; got ${kept.length} state buffers`);
    }
    const bufs = new RunBuffers(ctx.rt, this.where);
    const cell = this.cell;
    const options = this.cellOptions(goBackwards);
    let bound: ReturnType<RecurrentLayer<CellOptions>['allocateCell']>;
    // Input dropout (training programs only): the cell reads the masked copy of x, and its dx goes back
    // through the same mask.
    let dropped: DropoutPass | null = null;
    let keeper: RecurrentKeeper | null = null;
    try {
      // Keras 3's cell input dropout: one mask per batch row and feature, shared by every timestep; the two
      // directions of a Bidirectional (one ctx.seed) draw different masks, as Keras's two layers do.
      const seed = maskSeed((ctx.seed ?? 0) ^ (goBackwards ? 0x5bd1e995 : 0), ctx.batch);
      const noise = { timesteps: false, batch: true, features: true };
      dropped = ctx.grads && this.dropout > 0 ? dropoutPass(ctx, input, { rate: this.dropout, seed, noise }, bufs, `${this.name} input dropout`) : null;
      // Its own seed, so the mask on h_{t−1} is not the input mask's draw over other keys.
      const keepSeed = (seed ^ RECURRENT_KEEP_SALT) >>> 0;
      keeper = recurrentDropout
        ? recurrentKeeper(
            dims,
            this.recurrentDropout,
            keepSeed,
            mask,
            bufs,
            ctx.randomCounter?.(`${this.name} recurrent dropout`) ?? bufs.zeros('recurrent dropout step counter', 1),
          )
        : null;
      bound = this.allocateCell(ctx, { ...(dropped ? dropped.output : input), mask }, dims, options, bufs, keeper?.keep ?? null, io);
    } catch (e) {
      bufs.destroy();
      throw e;
    }
    const { variant, forward, backward } = bound;
    const first = initialSlot(timesteps, goBackwards) * state;
    const last = finalSlot(timesteps, goBackwards) * state;
    const states = forward.states as GPUBuffer[];
    const h = states[0]!;
    const initial = io?.initial.length ? io.initial : null;
    const dFinal = backward && io?.dFinal ? (backward.dFinal as GPUBuffer[]) : null;
    return {
      finalStates: states.map((buffer) => ({ buffer, offset: last, rows: ctx.batch, cols: this.units, timesteps: null })),
      dInitial: (backward?.dInitial as GPUBuffer[] | null | undefined) ?? null,
      // Keras passes the input's mask on with a returned sequence (unreversed even for goBackwards, as Keras does).
      sequence: { buffer: h, offset: outputsSlot(goBackwards) * state, rows: timesteps * ctx.batch, cols: this.units, timesteps, mask },
      last: { buffer: h, offset: last, rows: ctx.batch, cols: this.units, timesteps: null },
      recordForward(plan: Plan, training = false) {
        dropped?.recordForward(plan, training);
        keeper?.recordForward(plan, training);
        states.forEach((buffer, i) => {
          if (kept) plan.copy(kept[i]!, buffer, state, 0, first);
          else if (initial) plan.copy(initial[i]!.buffer, buffer, state, initial[i]!.offset, first);
          else plan.clear({ buffer, offset: first * 4, size: state * 4 });
        });
        cell.recordForward(plan, forward, dims, options, variant);
        if (kept) states.forEach((buffer, i) => plan.copy(buffer, kept[i]!, state, last, 0));
      },
      recordBackward(plan, dy, dyIsSequence, dStates = []) {
        if (!backward) throw new Error('recordBackward on an inference-only run');
        // The final states' gradients from later layers; one that none reaches stays the zeros it was made as.
        if (dFinal) dStates.forEach((d, i) => d && plan.copy(d, dFinal[i]!, state));
        cell.recordBackward(plan, { ...backward, dy, dyIsSequence }, dims, options, variant);
        const dx = backward.dx as GPUBuffer | null;
        return dropped && dx ? dropped.recordBackward(plan, dx) : dx;
      },
      destroy: () => bufs.destroy(),
    };
  }

  /**
   * The cell's buffers for one binding (src/cells/buffers.ts): states, scratch, and for training the backward
   * pass's. In a Sequential its final states get no gradient from outside (Keras treats a stateful layer's carried
   * state as a constant) and nothing reads its initial states' gradient; in a functional model `io` says which do.
   */
  private allocateCell(
    ctx: BindContext,
    input: Act,
    dims: CellDims,
    options: CellOptions,
    bufs: RunBuffers,
    recurrentKeep: RecurrentKeep | null,
    io: StateIO | null,
  ) {
    const cell = this.cell;
    // Which kernels run the recurrence depends on the adapter (measured: see the cell's default variant).
    const variant = cell.variant(dims, options, ctx.rt);
    // Without a bias the cells still read one: zeros, and a gradient buffer nothing reads.
    const noBias = (name: string): Record<string, GPUBuffer> => (this.useBias ? {} : { bias: bufs.zeros(name, this.biasFloats()) });
    const forward = makeCellForward(bufs, cell, dims, options, variant, {
      x: input.buffer,
      xOffset: input.offset,
      mask: input.mask ?? null,
      recurrentKeep,
      weights: cellWeights({ ...ctx.params, ...noBias('zero bias (useBias false)') }, this.where, cell.weightNames),
    });
    let backward: CellBackwardBuffers | null = null;
    if (ctx.grads) {
      const dx = ctx.needsInputGrad ? bufs.make('dx', dims.timesteps * dims.batch * dims.features) : null;
      const grads = cellWeights({ ...ctx.grads, ...noBias('unused dBias (useBias false)') }, this.where, cell.weightNames);
      const state = dims.batch * dims.units;
      const dFinal = io?.dFinal ? cell.stateNames.map((n) => bufs.zeros(`d${n} (final, from later layers)`, state)) : null;
      const dInitial = io?.dInitial ? cell.stateNames.map((n) => bufs.make(`d${n} (initial)`, state)) : null;
      backward = makeCellBackward(bufs, cell, dims, options, variant, forward, { grads, dFinal, dInitial, dx });
    }
    return { variant, forward, backward };
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const raw = this.bindRaw(ctx, input);
    if (!this.returnSequences) {
      return { output: raw.last, recordForward: raw.recordForward, recordBackward: (plan, d) => raw.recordBackward(plan, d, false), destroy: raw.destroy };
    }
    const run: LayerRun = {
      output: raw.sequence,
      recordForward: raw.recordForward,
      recordBackward: (plan, d) => raw.recordBackward(plan, d, true),
      destroy: raw.destroy,
    };
    return this.goBackwards ? reversedInTime(ctx, this.where, run) : run;
  }

  /**
   * Runs this layer alone on x [batch, timesteps, features], as Keras's `layer(x, initial_state=...)` on
   * concrete data. Initial states: `initialState` (LSTM [h, c], GRU and SimpleRNN [h], each [batch, units]),
   * else the kept states of a stateful layer (which it then updates, as Keras does), else zeros. `mask`
   * [batch, timesteps] (0: padding) makes the layer skip those steps, as Keras's `mask=`. Returns the
   * output, or with returnState [output, ...final states].
   */
  override apply(inputs: SymbolicTensor | SymbolicTensor[], options?: { initialState?: SymbolicTensor[] }): SymbolicResult;
  override apply(x: TensorLike, options?: { initialState?: TensorLike[]; mask?: TensorLike }): Promise<Tensor | Tensor[]>;
  override apply(
    x: TensorLike | SymbolicTensor | SymbolicTensor[],
    options: { initialState?: TensorLike[] | SymbolicTensor[]; mask?: TensorLike } = {},
  ): SymbolicResult | Promise<Tensor | Tensor[]> {
    if (isSymbolic(x)) return super.apply(x, options as { initialState?: SymbolicTensor[] });
    return this.applyOn(x as TensorLike, options as { initialState?: TensorLike[]; mask?: TensorLike });
  }

  private async applyOn(x: TensorLike, options: { initialState?: TensorLike[]; mask?: TensorLike }): Promise<Tensor | Tensor[]> {
    const { output, states } = await this.ownerFor('apply').applyLayer(this, x, options.initialState ?? null, options.mask ?? null);
    return this.returnState ? [output, ...states] : output;
  }

  /** Keras's RNN call: initial states of [units] each (all of them or none); returnState adds the final states. */
  override symbolicCall(shapes: number[][], masked: boolean[], initialState: readonly SymbolicTensor[]): SymbolicCall {
    const widths = this.stateSizes();
    if (shapes.length !== 1) throw new ValueError(`layer '${this.name}' (${this.className}) takes one sequence input; got ${shapes.length}`);
    if (initialState.length > 0) {
      if (initialState.length !== widths.length)
        throw new ValueError(
          `layer '${this.name}' (${this.className}) carries ${widths.length} states (${this.cell.stateNames.join(', ')}); initialState gave ${initialState.length}`,
        );
      initialState.forEach((t, i) => {
        if (formatShape(t.sampleShape) !== formatShape([widths[i]!]))
          throw new ShapeError(
            `layer '${this.name}': initial state ${this.cell.stateNames[i]} must be ${formatShape(['*', widths[i]!])}; got '${t.name}' ${formatShape(['*', ...t.sampleShape])}`,
          );
      });
    }
    return {
      output: this.buildFor(shapes[0]!),
      masks: this.outputMasked(masked[0]!),
      states: this.returnState ? widths.map((w) => [w]) : [],
    };
  }

  /** In a functional model: initial states from other layers, and with returnState the final states as outputs. */
  override bindNode(ctx: BindContext, inputs: readonly Act[], initialStates: readonly Act[]): NodeRun {
    const training = !!ctx.grads;
    const io: StateIO = {
      initial: initialStates,
      dInitial: training && initialStates.length > 0 && !!ctx.needsStateGrads,
      dFinal: training && this.returnState,
    };
    const raw = this.bindRaw(ctx, inputs[0]!, this.goBackwards, io);
    const sequence = this.returnSequences;
    let dStates: readonly (GPUBuffer | null)[] = [];
    let run: LayerRun = {
      output: sequence ? raw.sequence : raw.last,
      recordForward: raw.recordForward,
      recordBackward: (plan, d) => raw.recordBackward(plan, d, sequence, dStates),
      destroy: raw.destroy,
    };
    if (sequence && this.goBackwards) run = reversedInTime(ctx, this.where, run);
    const node = singleNodeRun(ctx, run);
    return {
      outputs: [run.output, ...(this.returnState ? raw.finalStates : [])],
      recordForward: node.recordForward,
      recordBackward(plan, dOutputs) {
        dStates = dOutputs.slice(1);
        const [dx] = node.recordBackward(plan, dOutputs.slice(0, 1));
        return [dx ?? null, ...(raw.dInitial ?? initialStates.map(() => null))];
      },
      destroy: node.destroy,
    };
  }

  /** Keras reset_states: zeroes the kept states of a stateful layer, or sets them to `states` ([batch, units] each). */
  resetStates(states?: TensorLike[]): void {
    this.ownerFor('resetStates').resetLayerStates(this, states);
  }

  /** The kept states of a stateful layer (Keras `layer.states`), read back from the GPU. */
  getStates(): Promise<Tensor[]> {
    return this.ownerFor('getStates').getLayerStates(this);
  }
}

/** Mixed into a layer's dropout seed for its recurrent keep (any odd constant: the golden ratio's bits). */
export const RECURRENT_KEEP_SALT = 0x9e3779b9;

/** A recurrent layer's keep over h_{t−1} in a training program: the buffer the step kernels read, and its draw. */
interface RecurrentKeeper {
  keep: RecurrentKeep;
  /** training: a fresh keep (and a copy of the mask before it); otherwise (evaluate in this program) all ones. */
  recordForward(plan: Plan, training: boolean): void;
}

function recurrentKeeper(dims: CellDims, rate: number, seed: number, mask: GPUBuffer | null, bufs: RunBuffers, step: GPUBuffer): RecurrentKeeper {
  const layout = recurrentKeepLayout(dims);
  const keep: RecurrentKeep = { buffer: bufs.make('recurrent dropout keep (after the mask)', layout.floats), ...layout };
  return {
    keep,
    recordForward(plan, training) {
      if (mask) plan.copy(mask, keep.buffer, dims.timesteps * dims.batch);
      recordRecurrentKeep(plan, { step, keep }, dims, training ? { rate, seed } : null);
    },
  };
}

/**
 * Wraps a run whose output is a sequence in input-time order so that it comes out reversed, Keras's order for
 * a goBackwards layer: one reversal of the outputs after the forward pass, and one of the incoming gradient
 * before the backward pass (a reversal is its own inverse).
 */
export function reversedInTime(ctx: BindContext, label: string, run: LayerRun): LayerRun {
  const out = run.output;
  const timesteps = out.timesteps!;
  const block = ctx.batch * out.cols;
  const bufs = new RunBuffers(ctx.rt, `${label} reversed`);
  const ordered = bufs.make('outputs in processing order', out.rows * out.cols);
  const dy = ctx.grads ? bufs.make('dOutput in input-time order', out.rows * out.cols) : null;
  return {
    output: { buffer: ordered, offset: 0, rows: out.rows, cols: out.cols, timesteps, mask: out.mask ?? null },
    recordForward(plan: Plan, training?: boolean) {
      run.recordForward(plan, training);
      recordReverseTime(plan, { src: out.buffer, srcOffset: out.offset, dst: ordered, timesteps, block });
    },
    recordBackward(plan: Plan, dOutput: GPUBuffer) {
      if (!dy) throw new Error('recordBackward on an inference-only run');
      recordReverseTime(plan, { src: dOutput, dst: dy, timesteps, block });
      return run.recordBackward(plan, dy);
    },
    destroy() {
      run.destroy();
      bufs.destroy();
    },
  };
}
